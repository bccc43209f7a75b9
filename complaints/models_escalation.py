"""督办文书: the documents a case's escalation leaves behind, one row each.

The daily sweep (complaints.services.escalation) issues the 催办通知书 the first working day
after a deadline (acceptance, handling, return visit) and proposes 通报批评 when a case stays
overdue; an officer lists a case for 挂牌督办 by hand with a reason. Each is a row the unit
(notices, listings) or the officers (proposals) can open and print from the case page.

Imported by complaints.models (the app's models module), so Django finds it there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ComplaintEscalation(models.Model):
    """One 催办通知书, 挂牌督办 or 通报批评 proposal about a case."""

    class Stage(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance")
        HANDLING = "handling", _("Handling")
        RETURN_VISIT = "return_visit", _("Return visit")

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Reminder notice (催办通知书)")
        LISTING = "listing", _("Listed supervision")
        CRITICISM = "criticism", _("Proposal for circulated criticism")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        DRAFTED = "drafted", _("Circular drafted")
        DISMISSED = "dismissed", _("Dismissed")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("Complaint"),
        on_delete=models.CASCADE,
        related_name="escalations",
    )
    stage = models.CharField(_("Stage"), max_length=16, choices=Stage.choices)
    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices)
    # The deadline the document is about (none for a listing by hand on a case without one).
    deadline = models.DateField(_("Deadline"), null=True, blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("Reason"), blank=True)
    issued_at = models.DateTimeField(_("Issued at"), default=timezone.now)
    # None: issued by the daily sweep.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Proposals only: what the officers made of it.
    decision = models.CharField(
        _("Decision"), max_length=16, choices=Decision.choices, blank=True, default=""
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    decision_note = models.TextField(_("Decision note"), blank=True)
    circular = models.ForeignKey(
        "campaign.Circular",
        verbose_name=_("Circular"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("Supervision document")
        verbose_name_plural = _("Supervision documents")
        constraints = [
            # One 催办通知书 per case, stage and deadline; one 通报批评 proposal per case.
            models.UniqueConstraint(
                fields=["complaint", "stage", "deadline"],
                condition=Q(kind="notice"),
                name="one_escalation_notice_per_deadline",
            ),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(kind="criticism"),
                name="one_criticism_proposal_per_complaint",
            ),
        ]
        indexes = [
            models.Index(
                fields=["issued_at"],
                name="escalation_pending_proposal",
                condition=Q(kind="criticism", decision="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.complaint_id}"
