"""述职: each leadership member's own annual report on work-style duties (seed 000 §2).

The 第一责任人 reports yearly (年度述职) on the unit's work style; the other leadership
members (班子其他成员) report how they carried out 一岗双责. A unit's annual-report
deliverable (Deliverable.Kind.ANNUAL_REPORT) sets the year and the due date; each member
who holds a leadership post on the unit then hands in their own report against it. The
unit's own Submission stays the unit's material; these are the persons'.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models.campaigns import UPLOAD_TO, Deliverable


class DutyReport(models.Model):
    """One leadership member's 述职 for an annual-report deliverable, from one unit's post."""

    class Role(models.TextChoices):
        # The post the report is made from (units.Responsibility.Role's two leadership roles).
        FIRST_RESPONSIBLE = "first", _("Annual responsibility report (first responsible person)")
        PRINCIPAL = "principal", _("Dual-duty report (leadership member)")

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("Deliverable"),
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("Cadre"),
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    role = models.CharField(_("Report"), max_length=16, choices=Role.choices)
    text = models.TextField(_("Content"), blank=True)
    attachment = models.FileField(_("Attachment"), upload_to=UPLOAD_TO, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("Submitted at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("Duty report")
        verbose_name_plural = _("Duty reports")
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "unit", "person"], name="duty_report_once_per_post"
            )
        ]
        indexes = [models.Index(fields=["person", "deliverable"], name="duty_report_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.deliverable}"

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.submitted_at) > self.deliverable.due_date
