"""The campaign endpoints: public circulars, campaigns and their rectification figures,
read only, through the pages' selectors (campaign.api.selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from campaign.api import selectors
from campaign.api.serializers import (
    CampaignSerializer,
    CircularSerializer,
    RectificationFigureSerializer,
)
from campaign.models import Campaign, Circular
from units.api.auth import ReadsResults, api_client
from units.api.paging import PagePagination
from units.api.schema import BAD_REQUEST, FORBIDDEN, NOT_FOUND, THROTTLED, UNAUTHORISED

TAG = "作风建设活动 Campaigns"
ERRORS = {401: UNAUTHORISED, 403: FORBIDDEN, 404: NOT_FOUND, 429: THROTTLED}


class CircularListView(generics.ListAPIView):
    permission_classes = [ReadsResults]
    pagination_class = PagePagination
    serializer_class = CircularSerializer

    @extend_schema(
        operation_id="campaign_circulars",
        tags=[TAG],
        summary="公开通报 / Public circulars",
        description=(
            "公开通报页面列出的通报（已发布且公开），由新到旧（需 read_results 权限，或登录用户）。"
            "未发布或不公开的通报不会出现。\n\n"
            "The circulars the public circulars page lists (published and made public), "
            "newest first (scope read_results, or a signed-in person). Drafts and internal "
            "circulars never appear."
        ),
        responses={200: CircularSerializer(many=True), **ERRORS},
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Circular]:
        return selectors.api_public_circulars()


class CampaignListView(generics.ListAPIView):
    permission_classes = [ReadsResults]
    pagination_class = PagePagination
    serializer_class = CampaignSerializer

    @extend_schema(
        operation_id="campaign_campaigns",
        tags=[TAG],
        summary="作风建设活动 / Campaigns",
        description=(
            "进行中和已结束的活动，年度由近及远（需 read_results 权限；限定单位范围的对接系统只看到"
            "范围涉及本单位及下属单位的活动；登录用户按活动页面同样的范围）。\n\n"
            "The campaigns under way or closed, the latest first (scope read_results; a "
            "client limited to a unit sees the campaigns reaching that unit or its subordinate "
            "units; a signed-in person what the campaign pages list for them)."
        ),
        responses={200: CampaignSerializer(many=True), **ERRORS},
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.api_campaigns(client=api_client(self.request), user=self.request.user)


class FiguresQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(selectors.BY), default="unit")


class RectificationFiguresView(generics.ListAPIView):
    permission_classes = [ReadsResults]
    pagination_class = PagePagination
    serializer_class = RectificationFigureSerializer

    @extend_schema(
        operation_id="campaign_rectification_figures",
        tags=[TAG],
        summary="整改统计 / Rectification figures",
        description=(
            "一项活动的整改统计：按单位（与活动页面相同的数字和顺序：整改率高的在前），或按问题录入"
            "月份（由早到晚）。逾期按今天计算。需 read_results 权限；限定单位范围的对接系统只看到"
            "本单位及下属单位；登录用户按活动页面同样的范围。\n\n"
            "A campaign's rectification figures: by unit (the campaign page's figures in its "
            "order, the highest closure rate first) or by the month the items were filed "
            "(oldest first). Overdue as of today. Scope read_results; a client limited to a "
            "unit sees that unit and its subordinate units; a signed-in person what the "
            "campaign page shows them."
        ),
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="活动编号 / campaign id"
            ),
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(selectors.BY),
                description="统计维度，默认 unit：unit 按单位，month 按月份 / "
                "dimension, default unit: unit by unit, month by month",
            ),
        ],
        responses={200: RectificationFigureSerializer(many=True), 400: BAD_REQUEST, **ERRORS},
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]
        query = FiguresQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        client, user = api_client(self.request), self.request.user
        campaign = selectors.api_campaign_or_404(client=client, user=user, pk=self.kwargs["id"])
        return selectors.api_rectification_figures(
            client=client, user=user, campaign=campaign, by=query.validated_data["by"]
        )
