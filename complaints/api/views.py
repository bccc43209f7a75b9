"""The complaints endpoints: thin, as the pages' views are (fetch through the scoped
selector, validate, call one service)."""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api import selectors
from complaints.api.serializers import (
    CategorySerializer,
    ChangeSerializer,
    ChangesPageSerializer,
    ComplaintSerializer,
    ConflictSerializer,
    PushSerializer,
)
from complaints.models import ComplaintCategory
from complaints.services import TicketConflict, complaint_push
from units.api.auth import ApiKeyAuthentication, api_client
from units.api.paging import PagePagination
from units.api.schema import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORISED,
    UNSUPPORTED_MEDIA,
)
from units.models import IntegrationClient

TAG = "投诉 Complaints"
PUSH_EXAMPLE = {
    "ticket": "12345-20261205-0001",
    "title": "窗口工作人员推诿",
    "content": "2026年12月3日上午在县政务服务中心办理营业执照，窗口工作人员以系统故障为由让我下周再来。",
    "subject_unit": "SLX-SCJ",
    "category": "",
    "urgent": False,
    "received_at": "2026-12-05T09:30:00+08:00",
    "name": "张三",
    "phone": "13800000000",
}


def _validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"detail": exc.messages})


class TicketQuerySerializer(serializers.Serializer):
    ticket = serializers.CharField(max_length=64)


class PushView(APIView):
    """Push a case (a client's key with scope push_complaints; never a session), or find the
    client's own cases by its ticket number (read_status)."""

    authentication_classes = [ApiKeyAuthentication]
    pagination_class = PagePagination

    @property
    def required_scope(self) -> str:
        if self.request.method in SAFE_METHODS:
            return IntegrationClient.Scope.READ_STATUS
        return IntegrationClient.Scope.PUSH_COMPLAINTS

    @extend_schema(
        operation_id="complaints_by_ticket",
        tags=[TAG],
        summary="按来源工单号查找 / Find by ticket number",
        description=(
            "按来源工单号查找本对接系统推送的投诉（需 read_status 权限，只能用密钥）。一个工单号"
            "至多对应一件投诉；找不到时返回空列表。\n\n"
            "The client's own complaints pushed under a ticket number (scope read_status, a "
            "key only). A ticket names at most one complaint; none found is an empty list."
        ),
        parameters=[
            OpenApiParameter(
                "ticket",
                OpenApiTypes.STR,
                required=True,
                description="来源工单号 / the client's ticket number",
            )
        ],
        responses={
            200: ComplaintSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        client = api_client(request)
        assert client is not None  # a key only (authentication_classes)
        query = TicketQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cases = selectors.complaints_by_ticket(client=client, ticket=query.validated_data["ticket"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response(ComplaintSerializer(page, many=True).data)

    @extend_schema(
        operation_id="complaints_push",
        tags=[TAG],
        summary="推送投诉 / Push a complaint",
        description=(
            "按来源工单号登记一件投诉（需 push_complaints 权限）。同一工单再次推送且内容相同，"
            "返回同一投诉（200）；内容不同返回 409。身份信息加密保存，任何接口都不返回。\n\n"
            "Registers a complaint under the client's ticket number (scope push_complaints). "
            "The same ticket pushed again with the same content returns the same complaint "
            "(200); with other content, 409. Identity fields are stored encrypted and never "
            "returned."
        ),
        request={"application/json": PushSerializer, "multipart/form-data": PushSerializer},
        responses={
            201: OpenApiResponse(ComplaintSerializer, description="已登记 / registered"),
            200: OpenApiResponse(
                ComplaintSerializer, description="该工单已登记过 / ticket already registered"
            ),
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            409: OpenApiResponse(
                ConflictSerializer,
                description="工单内容与已登记的不同 / ticket known, content differs",
            ),
            415: UNSUPPORTED_MEDIA,
            429: THROTTLED,
        },
        examples=[OpenApiExample("12345 热线工单", value=PUSH_EXAMPLE, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        client = api_client(request)
        assert client is not None  # HasScope: pushing takes a key
        data = PushSerializer(data=request.data, client=client)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            complaint, created = complaint_push(
                client=client,
                ticket=v["ticket"],
                channel=v["channel"],
                title=v["title"],
                content=v["content"],
                category=v.get("category"),
                subject_unit=v.get("subject_unit"),
                subject_person=v.get("subject_person", ""),
                identity=v["identity"],
                uploads=v["uploads"],
                urgent=v.get("urgent", False),
                received_at=v.get("received_at"),
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc) from exc
        except TicketConflict as exc:
            return Response(
                {
                    "detail": _(
                        "This ticket number was pushed before with different content; "
                        "the complaint was not changed."
                    ),
                    "id": exc.complaint.pk,
                    "number": exc.complaint.number,
                },
                status=status.HTTP_409_CONFLICT,
            )
        complaint = selectors.api_complaint_or_404(
            client=client, user=request.user, pk=complaint.pk
        )
        return Response(
            ComplaintSerializer(complaint).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ComplaintDetailView(APIView):
    required_scope = IntegrationClient.Scope.READ_STATUS
    allow_session = True

    @extend_schema(
        operation_id="complaints_retrieve",
        tags=[TAG],
        summary="查询一件投诉 / Read a complaint",
        description=(
            "一件投诉的办理情况（需 read_status 权限，或登录用户按页面同样的范围）。"
            "答复意见和办理结论在审核通过（转入回访）后才返回。\n\n"
            "A complaint's progress (scope read_status, or a signed-in person within what "
            "the pages show them). The reply and verdict appear once staff accepted the "
            "answer on review."
        ),
        responses={
            200: ComplaintSerializer,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        complaint = selectors.api_complaint_or_404(
            client=api_client(request), user=request.user, pk=pk
        )
        return Response(ComplaintSerializer(complaint).data)


CURSOR_PREFIX = "c1:"
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{after}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith(CURSOR_PREFIX):
            raise ValueError(raw)
        after = int(raw[len(CURSOR_PREFIX) :])
        if after < 0:
            raise ValueError(raw)
        return after
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise serializers.ValidationError(
            {"cursor": [_("This cursor is not valid: use the next_cursor of an earlier answer.")]}
        ) from None


class ChangesQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)


class ChangesView(APIView):
    required_scope = IntegrationClient.Scope.READ_STATUS
    allow_session = True

    @extend_schema(
        operation_id="complaints_changes",
        tags=[TAG],
        summary="状态变化 / Changes feed",
        description=(
            "调用方投诉的每一次状态变化，按发生先后排列。第一次不带 cursor，之后带上次返回的 "
            "next_cursor；没有新变化时 next_cursor 不变。刚发生的变化约几秒后出现，以保证不漏、"
            "不重。\n\n"
            "Every state change of the caller's complaints, oldest first. Call first without a "
            "cursor, then with the next_cursor of the last answer; with nothing new it stays "
            "the same. A change appears a few seconds after it happens, so that none is "
            "missed or repeated."
        ),
        parameters=[
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="上次返回的 next_cursor / the next_cursor of the last answer",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"每页条数，默认 {PAGE_SIZE}，最多 {MAX_PAGE_SIZE} / page size",
            ),
        ],
        responses={
            200: ChangesPageSerializer,
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cursor = query.validated_data.get("cursor") or ""
        after = decode_cursor(cursor) if cursor else 0
        limit = query.validated_data.get("limit") or PAGE_SIZE
        # One more than asked tells whether another page waits.
        rows = selectors.complaint_changes(
            client=api_client(request), user=request.user, after=after, limit=limit + 1
        )
        page, more = rows[:limit], len(rows) > limit
        last = page[-1].pk if page else after
        return Response(
            {
                "results": ChangeSerializer(page, many=True).data,
                "next_cursor": encode_cursor(last),
                "has_more": more,
            }
        )


class CategoriesView(APIView):
    required_scope = IntegrationClient.Scope.PUSH_COMPLAINTS
    allow_session = True

    @extend_schema(
        operation_id="complaints_categories",
        tags=[TAG],
        summary="投诉类别 / Complaint categories",
        description="推送时可用的投诉类别及编码。\n\nThe categories (and codes) a push may name.",
        responses={
            200: CategorySerializer(many=True),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            429: THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        categories = ComplaintCategory.objects.filter(is_active=True).order_by("sort_order", "name")
        return Response(CategorySerializer(categories, many=True).data)
