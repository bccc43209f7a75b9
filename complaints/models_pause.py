"""中止计时: the handling clock stopped while the unit waits on the complainant.

The unit (or an officer) pauses a case in handling with a reason from a short list (the
reason's label is what the complainant reads on the public status page) and, for the case
file only, a free-text detail. A case's pauses add up to at most
`complaints.conf.pause_max_working_days()` working days: a pause that reaches the limit ends
by itself on `expires_on` (the daily `complaint_pauses_expire`). On resume the handling
deadline moves by the working days paused. Each pause and resume is also a note in the case's
history (ComplaintTransition).

Imported by complaints.models (the app's models module), so Django finds it there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComplaintPauseQuerySet(models.QuerySet["ComplaintPause"]):
    def open(self) -> ComplaintPauseQuerySet:
        return self.filter(ended_on__isnull=True)


class ComplaintPause(models.Model):
    """One stop of a case's handling clock, from `started_on` to `ended_on`."""

    class Reason(models.TextChoices):
        MATERIAL = "material", _("Waiting for material from the complainant")
        VISIT = "visit", _("Arranging a meeting or site check with the complainant")
        CONFIRM = "confirm", _("Waiting for the complainant to confirm the facts")
        OTHER = "other", _("Other reason on the complainant's side")

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="pauses"
    )
    reason = models.CharField(_("Reason for pausing"), max_length=16, choices=Reason.choices)
    # For the case file only: never shown on the public status page.
    detail = models.TextField(_("What the unit is waiting for"), blank=True)
    started_on = models.DateField(_("Paused on"))
    started_at = models.DateTimeField(_("Paused at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Paused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The day the case's remaining allowance runs out: the clock restarts by itself then.
    expires_on = models.DateField(_("Resumes automatically on"))
    ended_on = models.DateField(_("Resumed on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("Resumed at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Resumed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    automatic = models.BooleanField(_("Resumed automatically"), default=False)
    working_days = models.PositiveSmallIntegerField(_("Working days paused"), null=True)
    deadline_before = models.DateField(_("Deadline when paused"), null=True, blank=True)
    deadline_after = models.DateField(_("Deadline after resuming"), null=True, blank=True)

    objects = ComplaintPauseQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("Clock pause")
        verbose_name_plural = _("Clock pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(ended_on__isnull=True),
                name="one_open_pause_per_complaint",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pause_ends_after_it_starts",
            ),
        ]
        indexes = [
            # The daily expiry: open pauses by the day they run out.
            models.Index(
                fields=["expires_on"], name="pause_open_expires", condition=Q(ended_on__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.started_on}–{self.ended_on or ''}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None
