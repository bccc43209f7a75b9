"""The wire format of the assessment results: schemes and ranked results (scores as
decimal strings, as Decimal fields are written)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import AssessmentResult, Grade
from units.api.schema import UnitRefSerializer


def _bilingual(zh: str, en: str) -> str:
    return f"{zh} / {en}"


GRADES = ", ".join(f"{value} {label}" for value, label in Grade.choices)


class SchemeSerializer(serializers.Serializer):
    """已发布的考核方案 / A published assessment scheme."""

    id = serializers.IntegerField(help_text=_bilingual("方案编号", "scheme id"))
    year = serializers.IntegerField(help_text=_bilingual("考核年度", "year assessed"))
    name = serializers.CharField(help_text=_bilingual("方案名称", "scheme name"))
    published_at = serializers.DateTimeField(
        allow_null=True, help_text=_bilingual("发布时间", "published at")
    )
    public_results = serializers.BooleanField(
        help_text=_bilingual(
            "排名是否在公开页面公布（否则仅供内部使用）",
            "whether the ranking is on the public results page (else for internal use)",
        )
    )


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_bilingual("考核组别编号", "assessment group id"))
    name = serializers.CharField(help_text=_bilingual("考核组别", "assessment group"))


def _score(zh: str, en: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=8, decimal_places=2, help_text=_bilingual(zh, en), read_only=True
    )


class ResultSerializer(serializers.Serializer):
    """一个单位的考核结果 / One unit's result."""

    id = serializers.IntegerField(help_text=_bilingual("结果编号", "result id"))
    year = serializers.IntegerField(
        source="scheme.year", help_text=_bilingual("考核年度", "year assessed")
    )
    unit = serializers.SerializerMethodField(help_text=_bilingual("被考核单位", "unit assessed"))
    group = serializers.SerializerMethodField(help_text=_bilingual("考核组别", "assessment group"))
    rank_overall = serializers.IntegerField(
        allow_null=True, help_text=_bilingual("总排名", "overall rank")
    )
    rank_in_group = serializers.IntegerField(
        allow_null=True, help_text=_bilingual("组内排名", "rank in the group")
    )
    group_size = serializers.IntegerField(
        allow_null=True, help_text=_bilingual("组内单位数", "units in the group")
    )
    tied_with = serializers.IntegerField(
        help_text=_bilingual("同分单位数（含本单位）", "units with the same total, itself included")
    )
    survey_score = _score("群众满意度测评得分", "mass survey score")
    special_score = _score("专项评价得分", "special evaluation score")
    organisational_score = _score("组织评价得分", "organisational evaluation score")
    composite = _score("加权得分", "weighted score")
    adjustments = _score("加减分", "additions and deductions")
    total = _score("总分", "total")
    grade = serializers.CharField(help_text=_bilingual("等次", "grade") + f" ({GRADES})")
    grade_display = serializers.CharField(
        source="get_grade_display", help_text=_bilingual("等次名称", "grade label")
    )
    veto = serializers.CharField(
        help_text=_bilingual("否决情形（无则为空）", "the veto applied, empty when none")
    )
    veto_reason = serializers.CharField(
        help_text=_bilingual("否决所依据的规则", "the rules that brought the veto")
    )

    @extend_schema_field(UnitRefSerializer)
    def get_unit(self, obj: AssessmentResult) -> dict[str, Any]:
        return {"code": obj.unit.code, "name": obj.unit.name}

    @extend_schema_field(GroupSerializer(allow_null=True))
    def get_group(self, obj: AssessmentResult) -> dict[str, Any] | None:
        return {"id": obj.group.pk, "name": obj.group.name} if obj.group else None


# --- 三挂钩: results for cadre appraisal and promotion (assessments.cadre_export) ---------


class CadreFlagSerializer(serializers.Serializer):
    """结果运用标记 / A flag set by the results (or by an officer)."""

    kind = serializers.CharField(help_text=_bilingual("标记类型", "kind of flag"))
    kind_display = serializers.CharField(
        source="get_kind_display", help_text=_bilingual("标记名称", "the flag's label")
    )
    start_date = serializers.DateField(help_text=_bilingual("起始日期", "in force from"))
    end_date = serializers.DateField(help_text=_bilingual("截止日期", "in force until"))


class CadreActionSerializer(serializers.Serializer):
    """当年问责 / An accountability action (问责) of the year."""

    date = serializers.DateField(help_text=_bilingual("问责日期", "date"))
    kind = serializers.CharField(help_text=_bilingual("问责方式", "kind of action"))
    kind_display = serializers.CharField(
        source="get_kind_display", help_text=_bilingual("问责方式名称", "the kind's label")
    )
    document_number = serializers.CharField(
        help_text=_bilingual("文号（无则为空）", "document number, empty when none")
    )


class CadreLeaderSerializer(serializers.Serializer):
    """领导班子成员 / A member of the unit's leadership team."""

    person_id = serializers.IntegerField(
        source="post.person_id", help_text=_bilingual("人员编号", "person id")
    )
    name = serializers.CharField(source="post.person.name", help_text=_bilingual("姓名", "name"))
    title = serializers.CharField(
        source="post.person.title", help_text=_bilingual("职务", "position")
    )
    role = serializers.CharField(source="post.role", help_text=_bilingual("班子职责", "role"))
    role_display = serializers.CharField(
        source="post.get_role_display", help_text=_bilingual("班子职责名称", "the role's label")
    )
    flags = CadreFlagSerializer(
        many=True, help_text=_bilingual("个人标记（起止日期）", "the cadre's flags")
    )
    accountability = CadreActionSerializer(
        source="actions",
        many=True,
        help_text=_bilingual("个人年度问责", "the year's accountability actions against them"),
    )


class CadreResultSerializer(serializers.Serializer):
    """单位考核结果（该年度方案已发布时） / The unit's result in the year's published scheme."""

    total = _score("考核总分", "total")
    grade = serializers.CharField(help_text=_bilingual("等次", "grade") + f" ({GRADES})")
    grade_display = serializers.CharField(
        source="get_grade_display", help_text=_bilingual("考核等次", "grade label")
    )
    rank_overall = serializers.IntegerField(
        allow_null=True, help_text=_bilingual("总排名", "overall rank")
    )
    rank_in_group = serializers.IntegerField(
        allow_null=True, help_text=_bilingual("组内排名", "rank in the group")
    )
    veto = serializers.CharField(
        help_text=_bilingual("否决情况（无则为空）", "the veto applied, empty when none")
    )


class CadreUnitSerializer(serializers.Serializer):
    """一个单位的三挂钩信息 / One unit's results for cadre appraisal and promotion."""

    year = serializers.IntegerField(help_text=_bilingual("考核年度", "year assessed"))
    unit = serializers.SerializerMethodField(help_text=_bilingual("单位", "unit"))
    group = serializers.SerializerMethodField(help_text=_bilingual("考核组别", "assessment group"))
    result = CadreResultSerializer(
        allow_null=True,
        help_text=_bilingual(
            "考核结果；该年度方案尚未发布或单位未参加考核时为 null",
            "the result; null before the year's scheme is published or for a unit not assessed",
        ),
    )
    flags = CadreFlagSerializer(
        many=True, help_text=_bilingual("单位标记（起止日期）", "the unit's flags")
    )
    accountability = CadreActionSerializer(
        source="actions",
        many=True,
        help_text=_bilingual("单位年度问责", "the year's accountability actions against the unit"),
    )
    leaders = CadreLeaderSerializer(
        many=True,
        help_text=_bilingual(
            "现任领导班子成员（无则为空列表）", "the current leadership team, empty when none"
        ),
    )

    @extend_schema_field(UnitRefSerializer)
    def get_unit(self, obj: Any) -> dict[str, Any]:
        return {"code": obj.unit.code, "name": obj.unit.name}

    @extend_schema_field(GroupSerializer(allow_null=True))
    def get_group(self, obj: Any) -> dict[str, Any] | None:
        group = obj.unit.group
        return {"id": group.pk, "name": group.name} if group else None
