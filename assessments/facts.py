"""Fact sources: for each adjustment rule kind, the evidence rows per unit for a year.

Each source returns `Facts`: a queryset over the evidence model (or, for missing
deliverables, over units) annotated with `x_unit` (the unit held to account),
`x_evidence` (the evidence object's id) and `x_date` (when it happened). Scoring turns
every row into one AdjustmentLine in a single INSERT … SELECT, so a source never loops
over units.

The evidence models are imported directly (assessments sits above campaign and complaints).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate

from assessments import rule_kinds
from assessments.models import AdjustmentRule
from campaign.models import (
    AccountabilityAction,
    Circular,
    CircularMention,
    Deliverable,
    Finding,
    RectificationItem,
    Submission,
)
from complaints.models import Complaint
from units.models import Unit

Kind = AdjustmentRule.Kind


@dataclass(frozen=True)
class Facts:
    model: type[models.Model]  # the evidence model (its content type goes on the line)
    queryset: QuerySet[Any]  # annotated with x_unit, x_evidence, x_date


@dataclass(frozen=True)
class FactContext:
    year: int
    cutoff: datetime.date  # facts "overdue" are judged on this day (year end, or today)
    unit_ids: QuerySet[Any]  # the assessed units, as a values("pk") subquery

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


def _as_date(model: type[models.Model], field: str) -> Any:
    name = field.split("__")[-1]
    target = model
    for part in field.split("__")[:-1]:
        target = target._meta.get_field(part).related_model  # type: ignore[assignment]
    found: Any = target._meta.get_field(name)
    if found.get_internal_type() == "DateTimeField":
        return TruncDate(field)
    return F(field)


def _facts(model: type[models.Model], qs: QuerySet[Any], *, unit: Any, date: Any) -> Facts:
    return Facts(
        model=model,
        queryset=qs.annotate(x_unit=unit, x_evidence=F("pk"), x_date=date),
    )


def accountability(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model = AccountabilityAction
    qs = model.objects.filter(date__gte=ctx.start, date__lte=ctx.end)
    if rule.parameter == rule_kinds.SERIOUS:
        qs = qs.filter(kind__in=list(model.SERIOUS_KINDS))
    elif rule.parameter:
        qs = qs.filter(kind=rule.parameter)
    # An action against a person counts against the unit the person serves in.
    return [_facts(model, qs, unit=Coalesce("unit_id", "person__unit_id"), date=F("date"))]


def _complaints(ctx: FactContext) -> tuple[type[models.Model], QuerySet[Any]]:
    model = Complaint
    received = _as_date(model, "received_at")
    qs = (
        model.objects.annotate(x_received=received)
        .filter(x_received__gte=ctx.start, x_received__lte=ctx.end, unit__isnull=False)
        .order_by()
    )
    return model, qs


def complaint_substantiated(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model, qs = _complaints(ctx)
    qs = qs.filter(verdict=rule.parameter or "substantiated")
    return [_facts(model, qs, unit=F("unit_id"), date=F("x_received"))]


def complaint_overdue(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model, qs = _complaints(ctx)
    qs = qs.annotate(x_deadline=_as_date(model, "deadline"), x_closed=_as_date(model, "closed_at"))
    late = Q(x_closed__isnull=False, x_closed__gt=F("x_deadline"))
    still_open = Q(x_closed__isnull=True, x_deadline__lt=ctx.cutoff) & ~Q(status="closed")
    qs = qs.filter(x_deadline__isnull=False).filter(late | still_open)
    return [_facts(model, qs, unit=F("unit_id"), date=F("x_deadline"))]


def _items(ctx: FactContext) -> tuple[type[models.Model], QuerySet[Any]]:
    model = RectificationItem
    qs = (
        model.objects.filter(campaign__year=ctx.year, long_term=False)
        .exclude(status="draft")
        .order_by()
    )
    return model, qs


def item_overdue(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model, qs = _items(ctx)
    qs = qs.annotate(x_deadline=_as_date(model, "deadline"), x_closed=_as_date(model, "closed_at"))
    late = Q(x_closed__isnull=False, x_closed__gt=F("x_deadline"))
    still_open = Q(x_deadline__lt=ctx.cutoff) & ~Q(status="closed")
    qs = qs.filter(x_deadline__isnull=False).filter(late | still_open)
    return [_facts(model, qs, unit=F("unit_id"), date=F("x_deadline"))]


def item_unclosed(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model, qs = _items(ctx)
    qs = qs.exclude(status="closed").annotate(x_deadline=_as_date(model, "deadline"))
    return [_facts(model, qs, unit=F("unit_id"), date=F("x_deadline"))]


def deliverable_late(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model = Submission
    qs = (
        model.objects.filter(
            deliverable__campaign__year=ctx.year, status__in=["submitted", "accepted"]
        )
        .annotate(x_submitted=_as_date(model, "submitted_at"))
        .filter(x_submitted__gt=F("deliverable__due_date"))
        .order_by()
    )
    return [_facts(model, qs, unit=F("unit_id"), date=F("x_submitted"))]


def deliverable_missing(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """Units with no submitted or accepted submission of a deliverable past its due date.

    A submission after the due date is a late deliverable, not also a missing one.
    One query per deliverable of the year (a handful), never per unit.
    """
    due = Deliverable.objects.filter(campaign__year=ctx.year, due_date__lt=ctx.cutoff).values_list(
        "pk", "due_date"
    )
    result = []
    for deliverable_id, due_date in due:
        handed_in = Submission.objects.filter(
            deliverable_id=deliverable_id,
            unit_id=OuterRef("pk"),
            status__in=["submitted", "accepted"],
        )
        units = Unit.objects.order_by().filter(pk__in=ctx.unit_ids).exclude(Exists(handed_in))
        result.append(
            Facts(
                model=Deliverable,
                queryset=units.annotate(
                    x_unit=F("pk"), x_evidence=Value(deliverable_id), x_date=Value(due_date)
                ),
            )
        )
    return result


def finding(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    model = Finding
    qs = model.objects.annotate(x_day=_as_date(model, "inspection__date")).filter(
        x_day__gte=ctx.start, x_day__lte=ctx.end, unit__isnull=False
    )
    if rule.parameter:
        qs = qs.filter(severity=rule.parameter)
    return [_facts(model, qs.order_by(), unit=F("unit_id"), date=F("x_day"))]


def _circular_mentions(rule: AdjustmentRule, ctx: FactContext, tone: str) -> list[Facts]:
    qs = (
        CircularMention.objects.filter(tone=tone, circular__status="published")
        .annotate(x_day=_as_date(CircularMention, "circular__published_at"))
        .filter(x_day__gte=ctx.start, x_day__lte=ctx.end)
        .order_by()
    )
    if rule.parameter:
        qs = qs.filter(circular__kind=rule.parameter)
    # The evidence is the circular itself: that is the document a reader wants to open.
    return [
        Facts(
            model=Circular,
            queryset=qs.annotate(
                x_unit=F("unit_id"), x_evidence=F("circular_id"), x_date=F("x_day")
            ),
        )
    ]


def circular_criticism(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    return _circular_mentions(rule, ctx, "negative")


def circular_commendation(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    return _circular_mentions(rule, ctx, "positive")


SOURCES: dict[str, Callable[[AdjustmentRule, FactContext], list[Facts]]] = {
    Kind.COMPLAINT_SUBSTANTIATED: complaint_substantiated,
    Kind.COMPLAINT_OVERDUE: complaint_overdue,
    Kind.ITEM_OVERDUE: item_overdue,
    Kind.ITEM_UNCLOSED: item_unclosed,
    Kind.DELIVERABLE_LATE: deliverable_late,
    Kind.DELIVERABLE_MISSING: deliverable_missing,
    Kind.FINDING: finding,
    Kind.ACCOUNTABILITY: accountability,
    Kind.CIRCULAR_CRITICISM: circular_criticism,
    Kind.CIRCULAR_COMMENDATION: circular_commendation,
}


def facts_for(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    return SOURCES[rule.kind](rule, ctx)
