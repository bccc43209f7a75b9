"""派单 as the 12345 guidance (国办函〔2025〕66号) asks: the dispatch catalogue, co-handling
units (主办 / 协办) and disputed dispatches (派单异议).

- `DispatchRule` (派单目录): complaint category → responsible unit, optionally for an area
  (a unit subtree: complaints about units within it); the most specific area wins. Every
  change is a `DispatchRuleTransition` (who, when, what changed).
- `ComplaintPart` (协办事项): a co-handling unit's part of a case (what it must answer, by
  its own deadline in working days). The lead unit (`Complaint.unit`, 主办) answers for the
  case only once every part is in.
- `DispatchDispute` (派单异议): a unit (lead or co-handler) disputes its dispatch with a
  reason within a set number of working days; an officer upholds it or re-dispatches.

Imported by complaints.models (the app's models module), so Django finds them there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from units.models import TransitionRecord


class DispatchRule(models.Model):
    """派单目录: which unit answers complaints of a category (in an area, or everywhere)."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("dispatch catalogue entry", "In force")
        RETIRED = "retired", _("Retired")

    TRANSITIONS: dict[str, set[str]] = {
        Status.ACTIVE: {Status.RETIRED},
        Status.RETIRED: set(),
    }

    category = models.ForeignKey(
        "complaints.ComplaintCategory",
        verbose_name=_("Category"),
        on_delete=models.PROTECT,
        related_name="dispatch_rules",
    )
    # Complaints about units within this subtree; empty: every unit.
    area = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Responsible unit"),
        on_delete=models.PROTECT,
        related_name="dispatch_rules",
    )
    note = models.CharField(_("Basis"), max_length=200, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
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

    class Meta:
        ordering = ["category__sort_order", "category__name", "area__path", "pk"]
        verbose_name = _("Dispatch catalogue entry")
        verbose_name_plural = _("Dispatch catalogue")
        constraints = [
            # One rule in force per category and area (the county-wide one included).
            models.UniqueConstraint(
                fields=["category", "area"],
                condition=Q(status="active"),
                name="one_active_dispatch_rule_per_area",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.unit}"


class DispatchRuleTransition(TransitionRecord):
    rule = models.ForeignKey(DispatchRule, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Dispatch catalogue change")
        verbose_name_plural = _("Dispatch catalogue changes")

    def __str__(self) -> str:
        return f"{self.rule_id} {self.from_status} → {self.to_status}"


class ComplaintPart(models.Model):
    """协办事项: what a co-handling unit must answer on a case, by its own deadline."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Co-handling")
        DISPUTED = "disputed", _("Dispatch disputed")
        ANSWERED = "answered", _("Part answered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, set[str]] = {
        Status.ASSIGNED: {Status.ANSWERED, Status.DISPUTED, Status.WITHDRAWN},
        # Upheld (back to the unit) or re-dispatched to another unit: assigned again.
        Status.DISPUTED: {Status.ASSIGNED, Status.WITHDRAWN},
        Status.ANSWERED: set(),
        Status.WITHDRAWN: set(),
    }
    # The lead unit's answer waits for these.
    OUTSTANDING = (Status.ASSIGNED, Status.DISPUTED)

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("Complaint"),
        on_delete=models.CASCADE,
        related_name="parts",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Co-handling unit"),
        on_delete=models.PROTECT,
        related_name="complaint_parts",
    )
    task = models.TextField(_("Part to answer"))
    working_days = models.PositiveSmallIntegerField(_("Time limit (working days)"))
    deadline = models.DateField(_("Part deadline"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED
    )
    assigned_at = models.DateTimeField(_("Assigned at"), default=timezone.now)
    facts = models.TextField(_("Facts found"), blank=True)
    measures = models.TextField(_("Measures taken"), blank=True)
    # To the officer only: never shown to the lead unit or another co-handler.
    internal_note = models.TextField(_("Internal note to the officer"), blank=True)
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("Co-handling part")
        verbose_name_plural = _("Co-handling parts")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=60),
                name="complaint_part_working_days_range",
            )
        ]
        indexes = [
            # The co-handler's list and the overdue parts: open parts by unit and deadline.
            models.Index(
                fields=["unit", "deadline"],
                name="complaint_part_open",
                condition=Q(status__in=["assigned", "disputed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.unit}"

    @property
    def is_outstanding(self) -> bool:
        return self.status in self.OUTSTANDING


class ComplaintPartTransition(TransitionRecord):
    part = models.ForeignKey(ComplaintPart, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Co-handling part status change")
        verbose_name_plural = _("Co-handling part status changes")

    def __str__(self) -> str:
        return f"{self.part_id} {self.from_status} → {self.to_status}"


class DispatchDispute(models.Model):
    """派单异议: a unit says the case (or its part) is not its to answer, with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        UPHELD = "upheld", _("Dispatch upheld")
        REDISPATCHED = "redispatched", _("Re-dispatched")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.UPHELD, Status.REDISPATCHED},
        Status.UPHELD: set(),
        Status.REDISPATCHED: set(),
    }

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("Complaint"),
        on_delete=models.CASCADE,
        related_name="disputes",
    )
    # Empty: the lead unit disputes the case; else a co-handler disputes its part.
    part = models.ForeignKey(
        ComplaintPart,
        verbose_name=_("Co-handling part"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disputes",
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Disputing unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("Reason for the dispute"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("Raised at"), default=timezone.now)
    decide_by = models.DateField(_("Decision due"))
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
    new_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Re-dispatched to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("Dispatch dispute")
        verbose_name_plural = _("Dispatch disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "part"],
                condition=Q(status="pending"),
                name="one_pending_dispute_per_dispatch",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(
                fields=["decide_by"], name="dispatch_dispute_pending", condition=Q(status="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.unit}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class DispatchDisputeTransition(TransitionRecord):
    dispute = models.ForeignKey(
        DispatchDispute, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Dispatch dispute decision")
        verbose_name_plural = _("Dispatch dispute decisions")

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.from_status} → {self.to_status}"
