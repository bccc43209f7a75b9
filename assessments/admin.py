"""Admin: configure schemes (indicators, grade, recognition and adjustment rules) and surveys.

Configuration is plain data edited here; state changes (open, compute, publish) and votes
go through assessments.services from the scheme and survey pages, never from the admin.
Computed results and lines are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import (
    AdjustmentLine,
    AdjustmentRule,
    AssessmentResult,
    AssessmentScheme,
    EvaluationAssignment,
    GradeRule,
    Indicator,
    RaterCategory,
    RecognitionRule,
    ScaleOption,
    Survey,
    SurveyDimension,
)


class FrozenWhenPublished:
    """A published scheme's configuration is frozen with its results."""

    def _frozen(self, obj: Any) -> bool:
        scheme = getattr(obj, "scheme", obj)
        return bool(scheme is not None and getattr(scheme, "is_frozen", False))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not self._frozen(obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not self._frozen(obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # ModelAdmin takes (request); inlines take (request, parent object).
        parent = args[0] if args else None
        return super().has_add_permission(request, *args) and not self._frozen(parent)  # type: ignore[misc]


class IndicatorInline(FrozenWhenPublished, admin.TabularInline):
    model = Indicator
    extra = 0


class GradeRuleInline(FrozenWhenPublished, admin.TabularInline):
    model = GradeRule
    extra = 0


class RecognitionRuleInline(FrozenWhenPublished, admin.TabularInline):
    model = RecognitionRule
    extra = 0


class AdjustmentRuleInline(FrozenWhenPublished, admin.TabularInline):
    model = AdjustmentRule
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("year", "name", "status", "scoring_state", "computed_at", "published_at")
    list_filter = ("status",)
    filter_horizontal = ("groups",)
    readonly_fields = (
        "status",
        "scoring_state",
        "scoring_error",
        "computed_at",
        "published_at",
        "copied_from",
    )
    inlines = [IndicatorInline, GradeRuleInline, RecognitionRuleInline, AdjustmentRuleInline]


class RaterCategoryInline(admin.TabularInline):
    model = RaterCategory
    extra = 0


class SurveyDimensionInline(admin.TabularInline):
    model = SurveyDimension
    extra = 0


class ScaleOptionInline(admin.TabularInline):
    model = ScaleOption
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "scheme", "status", "anonymised", "open_mode")
    list_filter = ("status", "scheme")
    readonly_fields = ("status",)
    filter_horizontal = ("units",)
    inlines = [RaterCategoryInline, SurveyDimensionInline, ScaleOptionInline]


@admin.register(EvaluationAssignment)
class EvaluationAssignmentAdmin(admin.ModelAdmin):
    list_display = ("scheme", "evaluator", "unit")
    list_filter = ("scheme",)
    autocomplete_fields = ("unit",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AssessmentResult)
class AssessmentResultAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "unit", "total", "rank_overall", "rank_in_group", "grade")
    list_filter = ("scheme", "grade", "group")
    list_select_related = ("scheme", "unit")


@admin.register(AdjustmentLine)
class AdjustmentLineAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "unit", "rule", "evidence_type", "evidence_id", "points")
    list_filter = ("scheme", "rule__kind")
    list_select_related = ("scheme", "unit", "rule", "evidence_type")
