"""Complaint figures out (read only): the figures page's rows by unit complained about or by
month, through its own selector (`complaints.selectors.figures`, the roll-up behind it).

A person reads what the figures page shows them; a client of the whole county the county's
figures (the roll-up: no complaint is counted per request); a client limited to a unit the
rows of its subtree's units (the county's roll-up rows), and by month the complaints
against its subtree, counted as the page counts them for staff of a subtree."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers

from complaints import permissions, selectors
from complaints.models import Complaint
from units.api.auth import ReadsResults, api_client
from units.api.paging import PagePagination
from units.api.schema import (
    BAD_REQUEST,
    FORBIDDEN,
    NOT_FOUND,
    THROTTLED,
    UNAUTHORISED,
    UnitRefSerializer,
    bilingual,
)
from units.models import IntegrationClient, Unit
from units.types import AnyUser

BY = {"unit": "按被投诉单位 by unit complained about", "month": "按月份 by month"}


def api_complaint_figures(
    *, client: IntegrationClient | None, user: AnyUser, by: str, year: int | None
) -> list[dict[str, Any]]:
    """The figures page's rows for the caller (see the module's docstring)."""
    if client is None:
        permissions.require_view_figures(user)
        return selectors.figures(user=user, by=by, year=year)
    if client.unit is None:
        return selectors.county_figures(by=by, year=year)
    path = client.unit.path
    if by == "unit":
        # Rows are units, not complaints: the county's rows of the subtree's units.
        return [
            row
            for row in selectors.county_figures(by=by, year=year)
            if (row.get("fig_unit_path") or "").startswith(path)
        ]
    against = Q(subject_unit__path__startswith=path) | Q(
        subject_unit__isnull=True, unit__path__startswith=path
    )
    return selectors.figures_live(
        user=AnonymousUser(), by=by, year=year, base=Complaint.objects.filter(against)
    )


class FiguresQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(BY), default="unit")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


def _rate(zh: str, en: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        read_only=True,
        help_text=bilingual(zh, en) + "（百分比，无分母时为 null / percent, null without a base）",
    )


def _count(zh: str, en: str) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, help_text=bilingual(zh, en))


class ComplaintFigureSerializer(serializers.Serializer):
    """一行投诉统计 / One row of complaint figures (docs/FIGURES.md)."""

    label = serializers.CharField(
        help_text=bilingual(
            "单位名称，或月份（YYYY-MM）", "the unit's name, or the month (YYYY-MM)"
        )
    )
    unit = serializers.SerializerMethodField(
        help_text=bilingual("被投诉单位（按单位统计时）", "the unit (rows by unit)")
    )
    total = _count("投诉总数", "complaints")
    decided = _count("已作受理决定", "decided on")
    accepted = _count("已受理", "accepted")
    closed = _count("已办结", "closed")
    closed_on_time = _count("按时办结", "closed on time")
    overdue = _count("逾期未办结", "overdue, still open")
    late = _count("逾期办理", "handled late")
    rated = _count("已回访评价", "rated on return visit")
    satisfied = _count("满意及基本满意", "satisfied or basically satisfied")
    judged = _count("已作办理结论", "with a verdict")
    substantiated = _count("属实及部分属实", "substantiated or partly")
    acceptance_rate = _rate("受理率", "acceptance rate")
    on_time_rate = _rate("按时办结率", "on-time rate")
    closure_rate = _rate("办结率", "closure rate")
    satisfaction_rate = _rate("满意率", "satisfaction rate")
    substantiation_rate = _rate("属实率", "substantiation rate")

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_unit(self, row: dict[str, Any]) -> dict[str, str] | None:
        unit_id = row.get("fig_unit")
        if unit_id is None:
            return None
        code = self.context.get("codes", {}).get(unit_id, "")
        return {"code": code, "name": row.get("fig_unit_name") or ""}


class ComplaintFiguresView(generics.ListAPIView):
    permission_classes = [ReadsResults]
    pagination_class = PagePagination
    serializer_class = ComplaintFigureSerializer

    @extend_schema(
        operation_id="complaints_figures",
        tags=["投诉 Complaints"],
        summary="投诉统计 / Complaint figures",
        description=(
            "投诉统计页面的数字，按被投诉单位或按月份（需 read_results 权限，或登录用户按统计页面"
            "同样的范围和权限）。限定单位范围的对接系统只看到本单位及下属单位。按单位时按单位顺序，"
            "按月份时由早到晚。逾期数字按今天计算。\n\n"
            "The complaint figures page's rows, by unit complained about or by month (scope "
            "read_results, or a signed-in person allowed the figures page, within what it "
            "shows them). A client limited to a unit sees that unit and its subordinate units. "
            "Rows by unit come in the order of the units, by month oldest first; overdue "
            "counts are as of today."
        ),
        parameters=[
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(BY),
                description="统计维度，默认 unit / dimension: " + "; ".join(BY.values()),
            ),
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                description="登记年度，不填为全部年度 / year received; every year when omitted",
            ),
        ],
        responses={
            200: ComplaintFigureSerializer(many=True),
            400: BAD_REQUEST,
            401: UNAUTHORISED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: THROTTLED,
        },
    )
    def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]
        query = FiguresQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return api_complaint_figures(
            client=api_client(self.request),
            user=self.request.user,
            by=query.validated_data["by"],
            year=query.validated_data.get("year"),
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # The page's units' codes in one query (the figures rows carry names and paths).
        rows = args[0] if args else []
        ids = [row["fig_unit"] for row in rows if row.get("fig_unit") is not None]
        codes = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
        kwargs["context"] = {**self.get_serializer_context(), "codes": codes}
        return super().get_serializer(*args, **kwargs)
