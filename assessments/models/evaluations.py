"""Organisational evaluation (组织考评): who scores which unit, and the scores."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessments.models.schemes import AssessmentScheme, Indicator


class EvaluationAssignment(models.Model):
    """Which evaluator scores which unit in a scheme."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Evaluator"),
        on_delete=models.PROTECT,
        related_name="assessment_assignments",
    )
    unit = models.ForeignKey("units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT)
    # Empty: every indicator of the scheme. An officer may instead hand one evaluator only
    # some indicators of a unit (units × indicators): one row per indicator then.
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("Indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    deadline = models.DateField(_("Scoring deadline"), null=True, blank=True)

    class Meta:
        ordering = ["scheme", "unit__path"]
        verbose_name = _("Evaluation assignment")
        verbose_name_plural = _("Evaluation assignments")
        constraints = [
            # One row per (evaluator, unit) for "every indicator", one per indicator otherwise;
            # two partial constraints because NULLs are distinct in a plain unique index.
            models.UniqueConstraint(
                fields=["scheme", "evaluator", "unit"],
                condition=Q(indicator__isnull=True),
                name="assignment_unique",
            ),
            models.UniqueConstraint(
                fields=["scheme", "evaluator", "unit", "indicator"],
                condition=Q(indicator__isnull=False),
                name="assignment_unique_indicator",
            ),
        ]

    def __str__(self) -> str:
        if self.indicator_id:
            return f"{self.evaluator} · {self.unit} · {self.indicator}"
        return f"{self.evaluator} · {self.unit}"


class Evaluation(models.Model):
    """组织考评打分: one evaluator's score for one unit on one indicator."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="evaluations"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("Indicator"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Units"), on_delete=models.PROTECT, related_name="+"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Evaluator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.DecimalField(
        _("Score"), validators=[MinValueValidator(0)], max_digits=8, decimal_places=2
    )
    comment = models.CharField(_("Remark"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        ordering = ["scheme", "unit", "indicator"]
        verbose_name = _("Evaluation score")
        verbose_name_plural = _("Evaluation scores")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "evaluator"], name="evaluation_unique"
            ),
            models.CheckConstraint(condition=Q(score__gte=0), name="evaluation_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.indicator} · {self.score}"
