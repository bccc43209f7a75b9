"""The directory endpoints: thin, as the pages' views are (the scoped selector for the read,
one service for the sync)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from units.api.auth import ApiKeyAuthentication, HasAnyScope, api_client
from units.api.directory import RowsRefused, directory_sync, directory_units
from units.api.paging import PagePagination
from units.api.schema import (
    FORBIDDEN,
    PAGE_NOT_FOUND,
    THROTTLED,
    UNAUTHORISED,
    UNSUPPORTED_MEDIA,
)
from units.api.serializers import (
    DirectoryUnitSerializer,
    SyncRefusedSerializer,
    SyncResultSerializer,
    SyncSerializer,
    problem_rows,
)
from units.models import IntegrationClient, Unit

TAG = "单位名录 Directory"


class DirectoryView(generics.ListAPIView):
    """The unit directory: a key with read_results or sync_directory, or a person's session."""

    required_scopes = (
        IntegrationClient.Scope.READ_RESULTS,
        IntegrationClient.Scope.SYNC_DIRECTORY,
    )
    allow_session = True
    permission_classes = [HasAnyScope]
    serializer_class = DirectoryUnitSerializer
    pagination_class = PagePagination

    def get_queryset(self) -> QuerySet[Unit]:
        return directory_units(client=api_client(self.request), user=self.request.user)

    @extend_schema(
        operation_id="directory_units",
        tags=[TAG],
        summary="单位名录 / Unit directory",
        description=(
            "调用方可见的单位，按单位树排序（稳定），分页；每个单位附上级单位编码、层级、"
            "考核组别和现任责任人（仅姓名、职务、责任类型，不含联系方式）。需 read_results 或 "
            "sync_directory 权限；限定单位的对接系统只看到该单位及下属单位；登录用户按页面同样的"
            "范围。\n\n"
            "The units the caller may see, in tree order (stable), paginated; each with its "
            "parent's code, level, assessment group and current holders of its "
            "responsibilities (name, position and role only, no contact details). Scope "
            "read_results or sync_directory; a client limited to a unit sees that unit and "
            "its subordinate units; a signed-in person sees what the pages show them."
        ),
        responses={
            200: DirectoryUnitSerializer(many=True),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: PAGE_NOT_FOUND,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample(
                "一个单位 / one unit",
                response_only=True,
                # One row of the page: the schema shows it within the page (count, next …).
                value={
                    "code": "SLX-SCJ",
                    "name": "县市场监督管理局",
                    "short_name": "市场监管局",
                    "kind": "department",
                    "kind_display": "部门",
                    "parent_code": "SLX",
                    "level": 2,
                    "group": "综合管理部门",
                    "status": "active",
                    "sort_order": 3,
                    "responsibilities": [
                        {
                            "role": "in_charge",
                            "role_display": "分管领导",
                            "name": "王副县长",
                            "title": "副县长",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


SYNC_EXAMPLES = [
    OpenApiExample(
        "单位 / units",
        request_only=True,
        value={
            "kind": "units",
            "rows": [
                {
                    "code": "SLX-SCJ",
                    "name": "县市场监督管理局",
                    "short_name": "市场监管局",
                    "kind": "部门",
                    "parent_code": "SLX",
                    "group": "综合管理部门",
                    "sort_order": 3,
                }
            ],
        },
    ),
    OpenApiExample(
        "干部 / people",
        request_only=True,
        value={
            "kind": "people",
            "rows": [{"name": "李明", "title": "局长", "phone": "13900000001", "unit": "SLX-SCJ"}],
        },
    ),
    OpenApiExample(
        "责任 / responsibilities",
        request_only=True,
        value={
            "kind": "responsibilities",
            "rows": [
                {
                    "unit": "SLX-SCJ",
                    "person": "李明",
                    "phone": "13900000001",
                    "role": "第一责任人",
                    "start_date": "2026-01-01",
                }
            ],
        },
    ),
    OpenApiExample(
        "同步结果 / result",
        response_only=True,
        status_codes=["200"],
        value={"kind": "units", "created": 1, "updated": 0, "unchanged": 12, "changed": True},
    ),
    OpenApiExample(
        "有误的行 / rows refused",
        response_only=True,
        status_codes=["400"],
        value={
            "detail": "有 1 处问题，未保存任何数据，详见下列各行。",
            "errors": [
                {
                    "row": 0,
                    "field": "parent_code",
                    "column": "上级单位编码",
                    "message": "找不到上级单位编码“NOPE”：系统中没有，本文件中也没有成功导入。",
                }
            ],
            "grouped": [
                {
                    "rows": "0",
                    "count": 1,
                    "column": "上级单位编码",
                    "message": "找不到上级单位编码“NOPE”：系统中没有，本文件中也没有成功导入。",
                }
            ],
        },
    ),
]


class DirectorySyncView(APIView):
    """Sync units, people or responsibilities in (a key with sync_directory; never a session)."""

    required_scope = IntegrationClient.Scope.SYNC_DIRECTORY
    authentication_classes = [ApiKeyAuthentication]

    @extend_schema(
        operation_id="directory_sync",
        tags=[TAG],
        summary="名录同步 / Sync the directory",
        description=(
            "组织部门的系统同步单位、干部或责任（需 sync_directory 权限）。一次请求只含一类的行，"
            "字段即 Excel 导入的列，按 Excel 导入完全相同的规则校验和保存：任何一行有误，整批都"
            "不保存，返回 400，按行序号（从 0 开始）和字段列出中文说明。与现有数据相同的行不改动，"
            "所以重复同步相同的行不改变任何数据（created 与 updated 为 0）。限定单位的对接系统"
            "只能新增、修改该单位及下属单位。每次同步记入接口调用记录。\n\n"
            "The organisation department's system syncs units, people or responsibilities "
            "(scope sync_directory). One request carries rows of one kind, keyed as the Excel "
            "import's columns, checked and saved by exactly the Excel import's rules: one bad "
            "row and nothing is saved (400, problems listed by row index from 0 and field, in "
            "Chinese). Rows equal to what is stored change nothing, so the same rows sent "
            "twice change nothing (created and updated 0). A client limited to a unit creates "
            "and changes only that unit and its subordinate units. Every sync is in the call log."
        ),
        request=SyncSerializer,
        responses={
            200: SyncResultSerializer,
            400: OpenApiResponse(
                SyncRefusedSerializer, description="有误，未保存 / refused, nothing saved"
            ),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            415: UNSUPPORTED_MEDIA,
            429: THROTTLED,
        },
        examples=SYNC_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        client = api_client(request)
        assert client is not None  # HasScope: syncing takes a key
        data = SyncSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # History rows (simple-history reads the plain request's user) name a person or
        # nobody; the client is recorded as the caller in the call log (units.api.log).
        request._request.user = AnonymousUser()
        try:
            result = directory_sync(
                client=client, kind=data.validated_data["kind"], rows=data.validated_data["rows"]
            )
        except RowsRefused as refused:
            return Response(
                {
                    "detail": _("Nothing was saved: %(count)d problems in the rows below.")
                    % {"count": len(refused.problems)},
                    "errors": problem_rows(refused.problems),
                    "grouped": refused.grouped,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": exc.messages}) from exc
        return Response(
            {
                "kind": result.kind,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "changed": result.changed,
            }
        )
