"""What results do by themselves (seed 002, 考核结果运用): the 通报表扬 draft and the 约谈提醒.

Seed 002: "对综合考评结果小组前三或总排名前十的单位，发文进行通报表扬，对排名靠后的单位由其
分管市领导进行谈话提醒，督促整改". Final results (assessments.services.results_act) draft one
commendation circular per scheme and open one talk per scheme and bottom unit; the leader in
charge holds the talk and records it (date, place, who attended, what was said, commitments).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models.schemes import AssessmentScheme
from units.models import TransitionRecord


class CommendationDraft(models.Model):
    """The scheme's 通报表扬 circular, and what of the results it was last drafted from.

    `basis` is the commended units with their ranks and totals as last written into the
    draft: a recompute that changes none of them leaves the officer's edits alone.
    """

    scheme = models.OneToOneField(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.CASCADE,
        related_name="commendation",
    )
    circular = models.OneToOneField(
        "campaign.Circular",
        verbose_name=_("Commendation circular"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    basis = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Commendation circular of an assessment")
        verbose_name_plural = _("Commendation circulars of assessments")

    def __str__(self) -> str:
        return f"{self.scheme} · {self.circular}"


class ReminderTalk(models.Model):
    """One 约谈提醒: a scheme's bottom unit, its leader in charge, and the record of the talk."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("talk status", "To be held")
        DONE = "done", pgettext_lazy("talk status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("talk status", "Cancelled")

    TRANSITIONS: dict[str, set[str]] = {
        # A recompute moves a unit out of the bottom places (cancelled) or back in (open).
        Status.OPEN: {Status.DONE, Status.CANCELLED},
        Status.CANCELLED: {Status.OPEN},
        Status.DONE: set(),
    }

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("Assessment scheme"),
        on_delete=models.CASCADE,
        related_name="talks",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="+"
    )
    # Who holds the talk: the unit's leader in charge when the talk was opened (none when
    # the unit has none on record: the officer sees it and assigns one in the organisation).
    leader = models.ForeignKey(
        "units.Person",
        verbose_name=_("Leader in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # Set when the results are published: the talk reaches the leader then.
    deadline = models.DateField(_("Deadline"), null=True, blank=True)
    opened_at = models.DateTimeField(_("Opened at"), auto_now_add=True)
    talk_date = models.DateField(_("Date of the talk"), null=True, blank=True)
    place = models.CharField(_("Place"), max_length=200, blank=True)
    attendees = models.TextField(_("Who attended"), blank=True)
    content = models.TextField(_("What was said"), blank=True)
    commitments = models.TextField(_("Commitments of the unit"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("Recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["scheme", "unit__path"]
        verbose_name = _("Talk on the assessment results")
        verbose_name_plural = _("Reminder talks")
        constraints = [
            # However often scoring runs, one talk per scheme and unit.
            models.UniqueConstraint(fields=["scheme", "unit"], name="talk_one_per_scheme_unit"),
        ]
        indexes = [models.Index(fields=["leader", "status"], name="talk_leader_status")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.unit}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:talk_detail", args=[self.pk])


class TalkTransition(TransitionRecord):
    talk = models.ForeignKey(ReminderTalk, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Reminder talk status change")
        verbose_name_plural = _("Reminder talk status changes")
