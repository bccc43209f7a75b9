"""The assessment endpoints: published schemes and their rankings, read only, through the
results pages' selectors (assessments.api.selectors)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from assessments.api import selectors
from assessments.api.serializers import CadreUnitSerializer, ResultSerializer, SchemeSerializer
from assessments.cadre_export import cadre_rows, cadre_units, published_scheme
from assessments.models import AssessmentResult, AssessmentScheme
from units.api.auth import ReadsCadreResults, ReadsResults, api_client
from units.api.paging import PagePagination
from units.api.schema import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORISED,
)
from units.models import SecurityEvent, Unit
from units.security_log import security_event

TAG = "考核结果 Assessment results"
SCOPE_NOTE = (
    "需 read_results 权限；限定单位范围的对接系统只看到本单位及下属单位；登录用户按考核结果页面"
    "同样的范围。只含已发布的方案。\n\n"
    "Scope read_results; a client limited to a unit sees that unit and its subordinate units "
    "only; a signed-in person what the results pages show them. Published schemes only."
)


class SchemeListView(generics.ListAPIView):
    permission_classes = [ReadsResults]
    pagination_class = PagePagination
    serializer_class = SchemeSerializer

    @extend_schema(
        operation_id="assessments_schemes",
        tags=[TAG],
        summary="已发布的考核方案 / Published assessment schemes",
        description=(
            "调用方可读取结果的已发布考核方案，年度由近及远。\n\n"
            "The published schemes with results the caller may read, the latest year first.\n\n"
            + SCOPE_NOTE
        ),
        responses={
            200: SchemeSerializer(many=True),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AssessmentScheme]:
        return selectors.api_schemes(client=api_client(self.request), user=self.request.user)


class RankingQuerySerializer(serializers.Serializer):
    group = serializers.IntegerField(required=False, min_value=1)


class RankingView(generics.ListAPIView):
    permission_classes = [ReadsResults]
    pagination_class = PagePagination
    serializer_class = ResultSerializer

    @extend_schema(
        operation_id="assessments_ranking",
        tags=[TAG],
        summary="考核结果与排名 / Results and ranking of a year",
        description=(
            "某年度已发布方案的考核结果，按总排名排列（指定 group 时按组内排名），同名次按单位"
            "顺序。分数为两位小数的字符串。\n\n"
            "The results of the year's published scheme in overall rank order (rank in the "
            "group when `group` is given), ties in the order of the units. Scores are decimal "
            "strings with two places.\n\n" + SCOPE_NOTE
        ),
        parameters=[
            OpenApiParameter(
                "year", OpenApiTypes.INT, OpenApiParameter.PATH, description="考核年度 / year"
            ),
            OpenApiParameter(
                "group",
                OpenApiTypes.INT,
                description="只看某考核组别（组别编号） / one assessment group only (its id)",
            ),
        ],
        responses={
            200: ResultSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AssessmentResult]:
        query = RankingQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        client, user = api_client(self.request), self.request.user
        scheme = selectors.api_scheme_or_404(client=client, user=user, year=self.kwargs["year"])
        return selectors.api_ranking(
            client=client, user=user, scheme=scheme, group_id=query.validated_data.get("group")
        )


CADRES_SCOPE_NOTE = (
    "需 read_cadres 权限（read_results 不够：含干部姓名、标记和问责）；限定单位范围的对接系统"
    "只看到本单位及下属单位；登录用户须为纪检监察人员，看到其监督范围内的单位，与三挂钩 Excel "
    "导出相同。每次调用记入安全日志。\n\n"
    "Scope read_cadres (read_results is not enough: cadres' names, flags and accountability "
    "actions); a client limited to a unit sees that unit and its subordinate units only; a "
    "signed-in person must be inspection staff and sees the units of their jurisdiction, as "
    "the 三挂钩 Excel export does. Every call is written to the security log."
)


class CadreResultsView(generics.ListAPIView):
    """三挂钩 (assessments.cadre_export): the Excel export's rows, one object per unit."""

    permission_classes = [ReadsCadreResults]
    pagination_class = PagePagination
    serializer_class = CadreUnitSerializer

    @extend_schema(
        operation_id="assessments_cadres",
        tags=[TAG],
        summary="考核结果运用（三挂钩） / Results for cadre appraisal and promotion",
        description=(
            "某年度每个在用单位的考核结果、单位标记和当年问责，及其现任领导班子成员的个人标记"
            "和当年问责，供组织部门评先评优、选拔任用使用（与三挂钩 Excel 导出同一来源）。按单位"
            "顺序分页，每页一个单位一条。该年度方案尚未发布时 result 为 null，标记和问责照常列出。"
            "\n\n"
            "Every unit in use with its result in the year's published scheme, its flags and "
            "the year's accountability actions against it, and its current leadership team "
            "with each cadre's flags and accountability actions, for the organisation "
            "department's appraisals and promotions (the same rows as the 三挂钩 Excel "
            "export). One object per unit, paged in the order of the units. Before the year's "
            "scheme is published `result` is null; flags and actions are listed all the "
            "same.\n\n" + CADRES_SCOPE_NOTE
        ),
        parameters=[
            OpenApiParameter(
                "year", OpenApiTypes.INT, OpenApiParameter.PATH, description="考核年度 / year"
            ),
        ],
        responses={
            200: CadreUnitSerializer(many=True),
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Unit]:
        return cadre_units(user=self.request.user, client=api_client(self.request))

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        year = self.kwargs["year"]
        if not 2000 <= year <= timezone.localdate().year + 1:
            raise Http404(_("No results for that year."))
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None  # the view always pages
        rows = cadre_rows(units=page, year=year, scheme=published_scheme(year=year))
        client = api_client(request)
        security_event(
            kind=SecurityEvent.Kind.EXPORT,
            request=request._request,
            # A key's principal is no person: name the client instead.
            user=AnonymousUser() if client is not None else None,
            username=f"api:{client.name}" if client is not None else "",
            detail=f"三挂钩 {year} API：{len(rows)} 个单位",
        )
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
