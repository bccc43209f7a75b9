"""整改回头看: re-checking closed (销号) items in a campaign's summary phase.

An officer opens a re-check (`Recheck`) over closed items of the campaign within their
jurisdiction: all of them, those of chosen units, or a random sample drawn reproducibly
(the seed and the drawn items are stored). Each drawn item is one `RecheckEntry`, confirmed
(巩固) or found relapsed (反弹); a relapse reopens the item with a new deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models.campaigns import Campaign
from campaign.models.items import RectificationItem
from units.models import TransitionRecord

# A phase is the summary phase (总结阶段) when its name says so: both templates' last phase
# ("总结阶段", "问题处理与总结阶段") and a hand-made phase list named after the seeds.
SUMMARY_PHASE_MARK = "总结"


class Recheck(models.Model):
    """回头看: one round of re-checking closed items."""

    class Scope(models.TextChoices):
        ALL = "all", _("All closed items")
        UNITS = "units", _("Closed items of chosen units")
        SAMPLE = "sample", _("A random sample of closed items")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.PROTECT, related_name="rechecks"
    )
    scope = models.CharField(_("Re-check scope"), max_length=16, choices=Scope.choices)
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("Units re-checked"), blank=True, related_name="+"
    )
    sample_size = models.PositiveIntegerField(_("Sample size"), null=True, blank=True)
    # The draw is ORDER BY md5(seed || id): the same seed over the same items, the same sample.
    seed = models.CharField(_("Random seed"), max_length=64, blank=True)
    population = models.PositiveIntegerField(_("Closed items eligible"), default=0)
    note = models.TextField(_("Note"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("Opened at"), default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("Re-check")
        verbose_name_plural = _("Re-checks")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.get_scope_display()} · {self.opened_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:recheck_detail", args=[self.pk])


class RecheckEntry(models.Model):
    """One closed item drawn into a re-check, and what the re-check found."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting re-check")
        CONFIRMED = "confirmed", _("Rectification holds")
        RELAPSED = "relapsed", _("Relapsed")

    TRANSITIONS: dict[str, set[str]] = {
        "": {Status.PENDING},
        Status.PENDING: {Status.CONFIRMED, Status.RELAPSED},
        Status.CONFIRMED: set(),
        Status.RELAPSED: set(),
    }

    recheck = models.ForeignKey(
        Recheck, verbose_name=_("Re-check"), on_delete=models.CASCADE, related_name="entries"
    )
    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("Rectification item"),
        on_delete=models.PROTECT,
        related_name="recheck_entries",
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # 巩固: what the re-check saw; 反弹: why the problem is back.
    note = models.TextField(_("Re-check record"), blank=True)
    new_deadline = models.DateField(_("New rectification deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("Re-checked at"), null=True, blank=True)

    class Meta:
        ordering = ["recheck", "pk"]
        verbose_name = _("Re-checked item")
        verbose_name_plural = _("Re-checked items")
        constraints = [
            models.UniqueConstraint(fields=["recheck", "item"], name="recheck_entry_once")
        ]
        indexes = [models.Index(fields=["status", "decided_at"], name="recheck_entry_decided")]

    def __str__(self) -> str:
        return f"{self.recheck_id} · {self.item}"


class RecheckEntryTransition(TransitionRecord):
    entry = models.ForeignKey(RecheckEntry, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Re-check status change")
        verbose_name_plural = _("Re-check status changes")
