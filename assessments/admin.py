"""Admin: configure schemes (indicators, grade, recognition and adjustment rules) and surveys.

Configuration is plain data edited here; state changes (open, compute, publish) and votes
go through assessments.services from the scheme and survey pages, never from the admin.
Computed results and lines are read-only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import rule_kinds
from assessments.models import (
    AdjustmentLine,
    AdjustmentRule,
    AssessmentResult,
    AssessmentScheme,
    CommendationDraft,
    EvaluationAssignment,
    GradeRule,
    Indicator,
    RaterCategory,
    RecognitionRule,
    ReminderTalk,
    ScaleOption,
    Survey,
    SurveyDimension,
    TalkTransition,
)
from assessments.selectors import talks_visible_to
from assessments.services import anonymity_change_refusal, scheme_configuration_errors
from units.admin_base import KeepsAuditTrail, ReadOnlyAdmin


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


class DraftOnlyRemoval:
    """Indicators and rules are removed only before the assessment starts (as on its page)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        scheme = getattr(obj, "scheme", obj)
        draft = scheme is None or scheme.status == AssessmentScheme.Status.DRAFT
        return super().has_delete_permission(request, obj) and draft  # type: ignore[misc]


class IndicatorFormSet(BaseInlineFormSet):
    """Refuses weights or indicator points that do not add up to 100 (the check "start the
    assessment" makes, the same function)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        points: dict[str, Decimal] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("component"):
                continue
            points[data["component"]] = points.get(data["component"], Decimal("0")) + (
                data.get("max_points") or Decimal("0")
            )
        errors = scheme_configuration_errors(weights=self.instance.weights, indicator_points=points)
        if errors:
            raise ValidationError(errors)


class IndicatorInline(DraftOnlyRemoval, FrozenWhenPublished, admin.TabularInline):
    model = Indicator
    formset = IndicatorFormSet
    extra = 0


class GradeRuleInline(FrozenWhenPublished, admin.TabularInline):
    model = GradeRule
    extra = 0


class RecognitionRuleInline(FrozenWhenPublished, admin.TabularInline):
    model = RecognitionRule
    extra = 0


class AdjustmentRuleForm(forms.ModelForm):
    """The 限定条件 as Chinese choices grouped by fact (assessments.rule_kinds declares them)."""

    parameter = forms.ChoiceField(
        label=AdjustmentRule._meta.get_field("parameter").verbose_name,
        required=False,
        choices=rule_kinds.admin_choices,
        help_text=gettext_lazy("Narrows the fact; choose one listed under the rule's fact."),
    )

    class Meta:
        model = AdjustmentRule
        fields = ["name", "kind", "parameter", "sign", "points", "cap", "veto", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.parameter if self.instance.pk else ""
        if stored:
            value = f"{self.instance.kind}:{stored}"
            declared = rule_kinds.parameter_for(self.instance.kind)
            if declared is None or stored not in declared.values():
                # An older free-text value: shown as it is, so that it is seen and replaced.
                field = self.fields["parameter"]
                field.choices = [*field.choices, (value, stored)]  # type: ignore[attr-defined]
            self.initial["parameter"] = value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        chosen, code = rule_kinds.split_admin_choice(data.get("parameter", ""))
        if not kind:
            return data
        if chosen and chosen != kind:
            self.add_error(
                "parameter",
                _("This condition belongs to “%(other)s”, not to “%(kind)s”.")
                % {
                    "other": AdjustmentRule.Kind(chosen).label,
                    "kind": AdjustmentRule.Kind(kind).label,
                },
            )
            return data
        try:
            data["parameter"] = rule_kinds.clean_parameter(kind=kind, value=code)
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


class AdjustmentRuleInline(DraftOnlyRemoval, FrozenWhenPublished, admin.TabularInline):
    model = AdjustmentRule
    form = AdjustmentRuleForm
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(KeepsAuditTrail, FrozenWhenPublished, admin.ModelAdmin):
    list_display = ("year", "name", "status", "scoring_state", "computed_at", "published_at")
    list_filter = ("status",)
    filter_horizontal = ("groups",)
    readonly_fields = (
        "status",
        "scoring_state",
        "scoring_error",
        "computed_at",
        "facts_as_of",
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


class SurveyAdminForm(forms.ModelForm):
    """Refuses to change `anonymised` once the survey has votes (the service's own rule)."""

    class Meta:
        model = Survey
        fields = ["scheme", "title", "intro", "anonymised", "open_mode", "units"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "anonymised" in data:
            refusal = anonymity_change_refusal(self.instance, data["anonymised"])
            if refusal:
                self.add_error("anonymised", refusal)
        return data


@admin.register(Survey)
class SurveyAdmin(KeepsAuditTrail, admin.ModelAdmin):
    """Surveys and their configuration; no page lists codes with answers (there is none)."""

    form = SurveyAdminForm
    list_display = ("title", "scheme", "status", "anonymised", "open_mode")
    list_filter = ("status", "scheme")
    readonly_fields = ("status",)
    filter_horizontal = ("units",)
    inlines = [RaterCategoryInline, SurveyDimensionInline, ScaleOptionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        # Once votes exist, anonymity is fixed: shown, never offered for change.
        if obj is not None and obj.has_votes():
            fields += ("anonymised",)
        return fields


@admin.register(EvaluationAssignment)
class EvaluationAssignmentAdmin(ReadOnlyAdmin):
    """Assignments are written on the scheme's 考评分工 page (services.evaluations), which
    keeps them within the officer's jurisdiction and tells each evaluator."""

    list_display = ("scheme", "evaluator", "unit", "indicator", "deadline")
    list_filter = ("scheme",)
    list_select_related = ("scheme", "evaluator", "unit", "indicator")


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


# --- What results do by themselves (assessments.services.results_act) ---------------------
# Drafted and opened by scoring, and moved (held, cancelled, reopened) only through the
# results-act services with their records: read-only here.


@admin.register(CommendationDraft)
class CommendationDraftAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "circular", "updated_at")
    list_select_related = ("scheme", "circular")


class TalkTransitionInline(admin.TabularInline):
    model = TalkTransition
    extra = 0
    fields = ("created_at", "actor", "from_status", "to_status", "comment")
    readonly_fields = fields
    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("actor")


@admin.register(ReminderTalk)
class ReminderTalkAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "unit", "leader", "status", "deadline", "talk_date")
    list_filter = ("status", "scheme")
    search_fields = ("unit__name", "unit__code", "leader__name")
    list_select_related = ("scheme", "unit", "leader")
    inlines = [TalkTransitionInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        # What the talks' pages show the user.
        return super().get_queryset(request) & talks_visible_to(user=request.user)
