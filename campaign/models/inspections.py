"""Inspections (明察暗访) and their findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models.campaigns import UPLOAD_TO, Campaign, ProblemCategory
from units.choice_labels import ChoiceLabels


class Inspection(ChoiceLabels, models.Model):
    """明察暗访 / 察访: a visit with its team and the units visited."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open inspection")
        SECRET = "secret", _("Unannounced inspection")
        PATROL = "patrol", _("Patrol visit")
        VISIT = "visit", _("Home visit")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("Inspection type"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("Date"))
    team = models.CharField(_("Inspection team"), max_length=200, blank=True)
    summary = models.TextField(_("Summary"), blank=True)
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("Units visited"), related_name="inspections", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("Inspection")
        verbose_name_plural = _("Inspections")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:inspection_detail", args=[self.pk])


class Finding(models.Model):
    """发现问题: fed back to the unit head and turned into a rectification item."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        SERIOUS = "serious", _("Serious")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("Inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="findings"
    )
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("Problem category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    severity = models.CharField(_("Severity"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("Problem found"))
    evidence = models.FileField(_("Evidence"), upload_to=UPLOAD_TO, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("Finding")
        verbose_name_plural = _("Findings")

    def __str__(self) -> str:
        return f"{self.unit} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return (
            reverse("campaign:inspection_detail", args=[self.inspection_id]) + f"#finding-{self.pk}"
        )
