"""What scoring derives: staging figures, results and adjustment lines.

A scheme is scored set-based in the database (see assessments.scoring): the staging tables
(SurveyCategoryScore, SurveyDimensionScore, IndicatorScore) and the AdjustmentLines are
the figures every result is derived from, so each score can be explained and re-derived.
Results keep their identity across recomputes (updated in place, keyed by scheme and unit).

The staging rows and the lines are derived: every run deletes and rewrites them wholesale,
from rows it reads in the same transaction, under the scheme's row lock, and only while the
scheme is open (its rules and indicators can no longer be removed). Their foreign keys
therefore carry no database constraint (db_constraint=False): PostgreSQL checks a deferred
constraint row by row at commit, about a million index probes for a province's quarter of
a million lines, a third of the run. Django's on_delete (CASCADE, PROTECT) applies as
before: it is Django's, not the database's. They are read by scheme (and unit), never by
the unit, the category or the indicator alone, so those keys have no index of their own
either (each index is a write per row per run); only the rule's is kept, which names a
veto's units. Deleting a unit or a category (rare, and refused for any unit with a
result) scans these tables instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.schemes import AdjustmentRule, AssessmentScheme, Grade, Indicator
from assessments.models.surveys import RaterCategory
from units.choice_labels import ChoiceLabels


def derived_key(
    to: Any, *, on_delete: Any = models.CASCADE, index: bool = False, **kwargs: Any
) -> Any:
    """A derived row's foreign key: no database constraint and, unless `index`, no index of
    its own (see the module's docstring); Django's on_delete applies as for any key."""
    kwargs.setdefault("related_name", "+")
    return models.ForeignKey(to, on_delete=on_delete, db_constraint=False, db_index=index, **kwargs)


class SurveyCategoryScore(models.Model):
    """Mean satisfaction (0–1) of one rater category about one unit."""

    scheme = derived_key(AssessmentScheme)
    unit = derived_key("units.Unit")
    category = derived_key(RaterCategory)
    weight = models.DecimalField(max_digits=8, decimal_places=2)
    answers = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "category"], name="survey_cat_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.category_id} · {self.mean}"


class SurveyDimensionScore(models.Model):
    """Mean satisfaction (0–1) of one unit on one of the eight dimensions."""

    scheme = derived_key(AssessmentScheme)
    unit = derived_key("units.Unit")
    dimension = models.CharField(max_length=32)
    answers = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "dimension"], name="survey_dim_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.dimension} · {self.mean}"


class IndicatorScore(models.Model):
    """Mean of the evaluators' scores for one unit on one indicator."""

    scheme = derived_key(AssessmentScheme)
    unit = derived_key("units.Unit")
    indicator = derived_key(Indicator)
    evaluations = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=9, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "indicator"], name="indicator_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.indicator_id} · {self.mean}"


class AssessmentResult(ChoiceLabels, models.Model):
    """考核结果 of one unit in one scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "units.AssessmentGroup",
        verbose_name=_("Assessment group"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    survey_score = models.DecimalField(_("Mass survey"), max_digits=8, decimal_places=2)
    special_score = models.DecimalField(_("Special evaluation"), max_digits=8, decimal_places=2)
    organisational_score = models.DecimalField(
        _("Organisational evaluation"), max_digits=8, decimal_places=2
    )
    composite = models.DecimalField(_("Weighted score"), max_digits=8, decimal_places=2)
    adjustments = models.DecimalField(_("Additions and deductions"), max_digits=8, decimal_places=2)
    total = models.DecimalField(_("Total"), max_digits=8, decimal_places=2)
    rank_overall = models.PositiveIntegerField(_("Overall rank"), null=True)
    rank_in_group = models.PositiveIntegerField(_("Rank in group"), null=True)
    group_size = models.PositiveIntegerField(_("Units in group"), null=True)
    tied_with = models.PositiveIntegerField(_("Units with the same total"), default=1)
    rank_from_bottom = models.PositiveIntegerField(null=True)
    rank_from_bottom_in_group = models.PositiveIntegerField(null=True)
    grade = models.CharField(_("Grade"), max_length=16, choices=Grade.choices, blank=True)
    veto_excellent = models.BooleanField(_("Vetoed from excellent"), default=False)
    # 一票否决 in full (AdjustmentRule.Veto.FULL): graded poor, ranked after the others.
    vetoed = models.BooleanField(_("One-vote veto"), default=False, db_default=False)
    # The names of the rules whose lines brought any veto, in rule order ("；" between).
    veto_reason = models.TextField(_("Reason for the veto"), blank=True, default="", db_default="")
    no_promotion = models.BooleanField(
        _("Leaders not excellent, no promotion for a year"), default=False
    )
    commended = models.BooleanField(_("Commendation circular"), default=False)
    talk = models.BooleanField(_("Reminder talk by the leader in charge"), default=False)

    class Meta:
        ordering = ["scheme", "rank_overall", "unit__path"]
        verbose_name = _("Assessment result")
        verbose_name_plural = _("Assessment results")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="result_unique"),
        ]
        indexes = [models.Index(fields=["scheme", "group", "rank_in_group"], name="result_rank")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.unit}"

    @property
    def veto(self) -> str:
        """What the strongest veto on the result means, in words ("" when there is none)."""
        if self.vetoed:
            return str(AdjustmentRule.Veto.FULL.label)
        if self.no_promotion:
            return str(AdjustmentRule.Veto.EXCELLENT_NO_PROMOTION.label)
        if self.veto_excellent:
            return str(AdjustmentRule.Veto.EXCELLENT.label)
        return ""


class AdjustmentLine(models.Model):
    """加扣分明细: one occurrence of a rule's fact, naming the evidence behind it."""

    scheme = derived_key(AssessmentScheme, related_name="adjustment_lines")
    unit = derived_key("units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT)
    # Indexed: a veto's units are named by their lines of the rule.
    rule = derived_key(AdjustmentRule, verbose_name=_("Rule"), related_name="lines", index=True)
    evidence_type = derived_key(ContentType, on_delete=models.PROTECT)
    evidence_id = models.PositiveBigIntegerField()
    evidence = GenericForeignKey("evidence_type", "evidence_id")
    evidence_date = models.DateField(_("Date"), null=True)
    occurrence = models.PositiveIntegerField(_("Occurrence"))
    points = models.DecimalField(_("Points"), max_digits=8, decimal_places=2)
    capped = models.BooleanField(_("Reduced by the cap"), default=False)

    class Meta:
        ordering = ["scheme", "unit", "rule", "occurrence"]
        verbose_name = _("Adjustment line")
        verbose_name_plural = _("Adjustment lines")
        # What reads lines: a scheme's (the dashboard's figures), a result's (scheme and
        # unit) and a veto rule's (scheme and rule). Nothing looks lines up by evidence.
        indexes = [models.Index(fields=["scheme", "unit"], name="line_scheme_unit")]

    def __str__(self) -> str:
        return f"{self.rule} · {self.points}"
