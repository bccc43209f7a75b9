"""督办、催办、催报: an officer's recorded push on a unit about one piece of its work.

Items and deliverables (campaign) and complaints (complaints) are pushed alike, so the
record names its subject generically, as 问责 names its source.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Reminder(models.Model):
    """One 督办 / 催办 / 催报 sent to a unit: who, when, about what, what it said, to whom."""

    class Kind(models.TextChoices):
        SUPERVISE = "supervise", pgettext_lazy("reminder kind", "Supervise")
        URGE = "urge", pgettext_lazy("reminder kind", "Urge")
        URGE_REPORT = "urge_report", pgettext_lazy("reminder kind", "Urge to report")

    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit"),
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    text = models.TextField(_("Content"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("Sent at"), default=timezone.now)
    # The local day it went out: one of each kind per subject, unit and day.
    day = models.DateField(_("Date"), default=timezone.localdate)
    recipients = models.PositiveSmallIntegerField(_("Recipients"), default=0)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("Supervision and reminder record")
        verbose_name_plural = _("Supervision and reminder records")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "unit", "day"],
                name="reminder_once_a_day",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="reminder_subject")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit_id} · {self.day}"
