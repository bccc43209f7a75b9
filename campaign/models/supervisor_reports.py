"""察访 reports: what a supervisor saw at a unit they watch, and what the officer made of it.

A report states a problem (发现问题) or comments on the unit (视察点评: a commendation or a
criticism). The officer of the unit's jurisdiction turns a problem into an inspection
finding (the report keeps the finding it became), confirms a comment (it then counts for
the adjustment rule 监督员视察点评), or dismisses the report with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models.inspections import Finding
from units.models import TransitionRecord


class SupervisorReport(models.Model):
    class Verdict(models.TextChoices):
        PROBLEM = "problem", _("Problem found")
        COMMEND = "commend", pgettext_lazy("supervisor report", "Commendation")
        CRITICISE = "criticise", pgettext_lazy("supervisor report", "Criticism")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("supervisor report", "Awaiting the officer")
        CONVERTED = "converted", _("Turned into an inspection finding")
        CONFIRMED = "confirmed", _("Review confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.CONVERTED, Status.CONFIRMED, Status.DISMISSED},
    }
    REVIEW_VERDICTS = (Verdict.COMMEND, Verdict.CRITICISE)

    supervisor = models.ForeignKey(
        "units.Supervisor",
        verbose_name=_("Supervisor"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit"),
        on_delete=models.PROTECT,
        related_name="supervisor_reports",
    )
    date = models.DateField(_("Date of the visit"))
    place = models.CharField(_("Place"), max_length=200)
    observation = models.TextField(_("What was seen"))
    verdict = models.CharField(_("Verdict"), max_length=16, choices=Verdict.choices)
    status = models.CharField(
        _("Status"),
        max_length=16,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    finding = models.OneToOneField(
        Finding,
        verbose_name=_("Inspection finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisor_report",
    )
    outcome_note = models.TextField(_("Officer's note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("Filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Supervisor's report")
        verbose_name_plural = _("Supervisors' reports")
        indexes = [models.Index(fields=["unit", "status"], name="supreport_unit_status")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.date} · {self.get_verdict_display()}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:supervisor_report_detail", args=[self.pk])

    @property
    def is_review(self) -> bool:
        return self.verdict in self.REVIEW_VERDICTS


class SupervisorReportTransition(TransitionRecord):
    report = models.ForeignKey(
        SupervisorReport, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Supervisor's report status change")
        verbose_name_plural = _("Supervisor's report status changes")
