"""The assessment endpoints: published schemes and their rankings, read only, through the
results pages' selectors (assessments.api.selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from assessments.api import selectors
from assessments.api.serializers import ResultSerializer, SchemeSerializer
from assessments.models import AssessmentResult, AssessmentScheme
from units.api.auth import ReadsResults, api_client
from units.api.paging import PagePagination
from units.api.schema import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORISED,
)

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
