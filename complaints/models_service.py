"""Public service commitments (服务承诺) and leaders' reception days (领导接待日).

A unit publishes what it promises for each service it gives (服务承诺制): the time limit in
working days (限时办结), who answers first (首问负责) and the materials an applicant needs,
listed at once (一次性告知). A citizen names the commitment a complaint says was broken; a
substantiated complaint naming one is a breach (违诺, complaints.selectors.breached_q).

Leaders receive the public on published days (领导接待日, 下基层接访); each visit received is
registered as a complaint of the channel 来访 and follows the ordinary handling.

Imported by complaints.models (the app's models module), so Django finds them there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import TransitionRecord


class ServiceCommitmentQuerySet(models.QuerySet["ServiceCommitment"]):
    def published(self) -> ServiceCommitmentQuerySet:
        return self.filter(status=ServiceCommitment.Status.PUBLISHED)


class ServiceCommitment(models.Model):
    """服务承诺: one service of a unit (or of one of its service windows) and its promise."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.PUBLISHED},
    }
    # Fields the unit may change while the commitment is a draft or withdrawn.
    EDITABLE = (
        "window",
        "service",
        "promise",
        "time_limit_days",
        "first_responsible",
        "contact",
        "materials",
    )

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit"),
        on_delete=models.PROTECT,
        related_name="service_commitments",
    )
    window = models.CharField(_("Service window"), max_length=64, blank=True)
    service = models.CharField(_("Service or matter"), max_length=120)
    promise = models.TextField(_("What the unit promises"))
    time_limit_days = models.PositiveSmallIntegerField(_("Time limit (working days)"))
    first_responsible = models.CharField(_("First-responsible post or person"), max_length=64)
    contact = models.CharField(_("Contact"), max_length=64)
    materials = models.TextField(_("Materials needed (told at once)"), blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("Withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = ServiceCommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "window", "service", "pk"]
        verbose_name = _("Service commitment")
        verbose_name_plural = _("Service commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_days__gte=1) & Q(time_limit_days__lte=365),
                name="commitment_time_limit_range",
            )
        ]
        indexes = [
            # The public page: published commitments, unit by unit.
            models.Index(
                fields=["unit", "window", "service"],
                name="commitment_published",
                condition=Q(status="published"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}（{self.window}）" if self.window else self.service

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class ServiceCommitmentTransition(TransitionRecord):
    commitment = models.ForeignKey(
        ServiceCommitment, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Service commitment status change")
        verbose_name_plural = _("Service commitment status changes")

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.from_status} → {self.to_status}"


class ReceptionDay(models.Model):
    """领导接待日: a leader receives the public at a place, on a day, in a time slot."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Leader (account)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader_name = models.CharField(_("Leader's name"), max_length=64)
    leader_post = models.CharField(_("Leader's post"), max_length=64)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Host unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("Place"), max_length=120)
    date = models.DateField(_("Date"))
    starts_at = models.TimeField(_("From"))
    ends_at = models.TimeField(_("Until"))
    topic = models.CharField(_("Topic"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        verbose_name = _("Leaders' reception day")
        verbose_name_plural = _("Leaders' reception days")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="reception_slot_order"
            )
        ]
        indexes = [models.Index(fields=["date", "starts_at"], name="reception_day_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.leader_name}"

    @property
    def leader_display(self) -> str:
        return f"{self.leader_post} {self.leader_name}".strip()
