"""The wire format of the campaign endpoints: public circulars, campaigns, rectification
figures (rates as percentages with one decimal, as every page prints them)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaign.models import Campaign, Circular
from units.api.schema import UnitRefSerializer, bilingual

KINDS = ", ".join(f"{value} {label}" for value, label in Circular.Kind.choices)
CAMPAIGN_STATUSES = "active 进行中, closed 已结束"


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=bilingual("活动编号", "campaign id"))
    name = serializers.CharField(help_text=bilingual("活动名称", "campaign name"))
    year = serializers.IntegerField(help_text=bilingual("年度", "year"))


class CircularSerializer(serializers.Serializer):
    """一期公开通报 / A public circular."""

    id = serializers.IntegerField(help_text=bilingual("通报编号", "circular id"))
    campaign = CampaignRefSerializer(help_text=bilingual("所属活动", "the campaign"))
    number = serializers.IntegerField(help_text=bilingual("期数（第N期）", "issue number"))
    kind = serializers.ChoiceField(
        choices=Circular.Kind.choices, help_text=bilingual("通报类型", "kind") + f" ({KINDS})"
    )
    kind_display = serializers.CharField(
        source="get_kind_display", help_text=bilingual("通报类型名称", "kind label")
    )
    title = serializers.CharField(help_text=bilingual("标题", "title"))
    period = serializers.CharField(help_text=bilingual("所属期间", "period"))
    published_at = serializers.DateTimeField(help_text=bilingual("发布时间", "published at"))
    body = serializers.CharField(help_text=bilingual("正文", "text"))


class CampaignSerializer(serializers.Serializer):
    """一项作风建设活动 / A campaign."""

    id = serializers.IntegerField(help_text=bilingual("活动编号", "campaign id"))
    name = serializers.CharField(help_text=bilingual("活动名称", "campaign name"))
    year = serializers.IntegerField(help_text=bilingual("年度", "year"))
    status = serializers.CharField(
        help_text=bilingual("状态", "status") + f" ({CAMPAIGN_STATUSES})"
    )
    start_date = serializers.DateField(help_text=bilingual("开始日期", "start date"))
    end_date = serializers.DateField(help_text=bilingual("结束日期", "end date"))
    scope = serializers.SerializerMethodField(help_text=bilingual("活动范围", "scope"))

    @extend_schema_field(UnitRefSerializer)
    def get_scope(self, obj: Campaign) -> dict[str, str]:
        return {"code": obj.scope.code, "name": obj.scope.name}


def _count(zh: str, en: str) -> serializers.IntegerField:
    return serializers.IntegerField(read_only=True, help_text=bilingual(zh, en))


def _rate(zh: str, en: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        allow_null=True,
        read_only=True,
        help_text=bilingual(zh, en) + "（百分比，无分母时为 null / percent, null without a base）",
    )


class RectificationFigureSerializer(serializers.Serializer):
    """一行整改统计 / One row of rectification figures (docs/FIGURES.md)."""

    label = serializers.CharField(
        help_text=bilingual(
            "单位名称，或月份（YYYY-MM）", "the unit's name, or the month (YYYY-MM)"
        )
    )
    unit = serializers.SerializerMethodField(
        help_text=bilingual("单位（按单位统计时）", "the unit (rows by unit)")
    )
    month = serializers.CharField(
        allow_null=True,
        help_text=bilingual(
            "问题录入月份（按月统计时）", "month the items were filed (rows by month)"
        ),
    )
    items = _count("整改问题数", "items filed")
    closed = _count("已销号", "closed")
    closed_on_time = _count("按期销号", "closed on time")
    overdue = _count("逾期未销号", "overdue, still open")
    late = _count("整改逾期", "late")
    long_term = _count("长期整改中", "long-term, open")
    closure_rate = _rate("整改率", "closure rate")
    on_time_rate = _rate("按期整改率", "on-time rate")

    @extend_schema_field(UnitRefSerializer(allow_null=True))
    def get_unit(self, row: dict[str, Any]) -> dict[str, str] | None:
        unit = row["unit"]
        return {"code": unit.code, "name": unit.name} if unit is not None else None
