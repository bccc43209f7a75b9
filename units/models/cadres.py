"""Flags on cadres and units (干部作风档案): what the results of the year bar them from.

Seed 004 五(二): for a unit with serious work-style problems, "领导班子成员当年不评优、一年内
不提拔" (a flag on each member of its leadership team) and "该部门一年内不新提拔干部" (a flag on
the unit). Scoring sets them when a published result says so; an officer sets them otherwise.
The organisation department reads them in the 三挂钩 export.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models.organisation import Person, Unit


class CadreFlagQuerySet(models.QuerySet["CadreFlag"]):
    def active_on(self, day: datetime.date) -> CadreFlagQuerySet:
        # end_date is the last day the flag applies (one year from 2027-01-15 ends 2028-01-14).
        return self.filter(start_date__lte=day, end_date__gte=day)

    def overlapping(self, start: datetime.date, end: datetime.date) -> CadreFlagQuerySet:
        return self.filter(start_date__lte=end, end_date__gte=start)


class CadreFlag(models.Model):
    """A dated bar on a cadre (not excellent, no promotion) or on a unit (no new promotions)."""

    class Kind(models.TextChoices):
        NO_EXCELLENCE_NO_PROMOTION = (
            "no_excellence_no_promotion",
            _("Leadership member: not rated excellent this year, no promotion within a year"),
        )
        NO_NEW_PROMOTION = (
            "no_new_promotion",
            _("Unit: no cadre newly promoted within a year"),
        )

    class Source(models.TextChoices):
        SCORING = "scoring", _("Assessment result")
        OFFICER = "officer", _("Set by an officer")

    # Which kinds bar a person, which a unit (the check constraint below holds them to it).
    PERSON_KINDS = frozenset({Kind.NO_EXCELLENCE_NO_PROMOTION})
    UNIT_KINDS = frozenset({Kind.NO_NEW_PROMOTION})

    kind = models.CharField(_("Flag"), max_length=32, choices=Kind.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("Cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
    )
    # A unit flag's unit; on a person's flag, the unit whose result or conduct caused it.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("Unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cadre_flags",
    )
    reason = models.TextField(_("Reason for the flag"))
    start_date = models.DateField(_("Start date"))
    end_date = models.DateField(_("End date"), help_text=_("The last day the flag applies."))
    source = models.CharField(
        _("Set by"), max_length=16, choices=Source.choices, default=Source.OFFICER
    )
    document = models.CharField(
        _("Scheme or document"),
        max_length=200,
        blank=True,
        help_text=_("The assessment scheme, decision or document number behind the flag."),
    )
    # The record behind it (an assessment scheme for flags set by scoring): units knows no app
    # above it, hence a generic key.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = CadreFlagQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("Cadre flag")
        verbose_name_plural = _("Cadre flags")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="cadreflag_end_after_start"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="no_excellence_no_promotion", person__isnull=False)
                    | Q(kind="no_new_promotion", person__isnull=True, unit__isnull=False)
                ),
                name="cadreflag_target_matches_kind",
            ),
            # Scoring may run its flags twice (a publish retried): one flag per record behind it.
            models.UniqueConstraint(
                fields=["kind", "person", "source_type", "source_id"],
                condition=Q(person__isnull=False, source_id__isnull=False),
                name="cadreflag_person_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["kind", "unit", "source_type", "source_id"],
                condition=Q(person__isnull=True, source_id__isnull=False),
                name="cadreflag_unit_once_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "end_date"], name="cadreflag_person_end"),
            models.Index(fields=["unit", "end_date"], name="cadreflag_unit_end"),
        ]

    def __str__(self) -> str:
        target = self.person or self.unit
        return f"{target} · {self.get_kind_display()}"

    def is_active(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day <= self.end_date
