"""Accountability actions (问责): reached by inspections (campaign) and complaints alike."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AccountabilityAction(models.Model):
    """问责: an action against a unit or a person, with the case behind it."""

    class Kind(models.TextChoices):
        REMINDER_TALK = "reminder_talk", _("Reminder talk")
        WARNING_TALK = "warning_talk", _("Efficiency warning talk")
        ADMONITION_TALK = "admonition_talk", _("Admonition talk")
        CRITICISM = "criticism", _("Circulated criticism")
        ORDERED_REVIEW = "ordered_review", _("Ordered written self-examination")
        REASSIGNMENT = "reassignment", _("Organisational adjustment")
        PARTY_DISCIPLINE = "party_discipline", _("Party disciplinary sanction")
        GOVERNMENT_SANCTION = "government_sanction", _("Government sanction")
        JUDICIAL_REFERRAL = "judicial_referral", _("Referral to judicial authorities")

    # Serious actions veto an "excellent" grade (spec §5.4).
    SERIOUS_KINDS = frozenset(
        {
            Kind.REASSIGNMENT,
            Kind.PARTY_DISCIPLINE,
            Kind.GOVERNMENT_SANCTION,
            Kind.JUDICIAL_REFERRAL,
        }
    )

    kind = models.CharField(_("Accountability type"), max_length=32, choices=Kind.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit held accountable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("Person held accountable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    reason = models.TextField(_("Reason"))
    date = models.DateField(_("Date of decision"), default=timezone.localdate)
    document_number = models.CharField(_("Document number"), max_length=64, blank=True)
    # The complaint, finding or inspection behind it.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("Accountability action")
        verbose_name_plural = _("Accountability actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False),
                name="accountability_has_target",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "date"], name="acc_unit_date"),
            models.Index(fields=["source_type", "source_id"], name="acc_source"),
        ]

    def __str__(self) -> str:
        target = self.unit or self.person
        return f"{self.get_kind_display()} · {target}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:accountability_detail", args=[self.pk])

    @property
    def is_serious(self) -> bool:
        return self.kind in self.SERIOUS_KINDS
