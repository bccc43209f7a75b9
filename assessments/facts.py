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
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate

from assessments import rule_kinds
from assessments.models import AdjustmentRule
from campaign import recheck_selectors
from campaign import selectors as campaign_selectors
from campaign.models import (
    AccountabilityAction,
    Circular,
    CircularMention,
    Deliverable,
    Finding,
    PeopleProject,
    ProjectMilestone,
    RectificationItem,
    Submission,
    SupervisorReport,
)
from complaints import selectors as complaint_selectors
from complaints.models import Complaint

Kind = AdjustmentRule.Kind


@dataclass(frozen=True)
class Facts:
    model: type[models.Model]  # the evidence model (its content type goes on the line)
    queryset: QuerySet[Any]  # annotated with x_unit, x_evidence, x_date


@dataclass(frozen=True)
class FactContext:
    year: int
    # The day facts are judged on: a deadline has passed when it is before the cutoff. Today
    # while the year runs (provisional results), 1 January after it (the whole year).
    cutoff: datetime.date
    unit_ids: QuerySet[Any]  # the assessed units, as a values("pk") subquery
    # Whom a complaint counts against (complaints.selectors.SUBJECT_UNIT or HANDLING_UNIT).
    complaint_unit: str = complaint_selectors.SUBJECT_UNIT

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


def complaint_substantiated(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    qs = complaint_selectors.substantiated_complaints(
        year=ctx.year, verdict=rule.parameter, counted_against=ctx.complaint_unit
    )
    received = _as_date(Complaint, "received_at")
    return [_facts(Complaint, _counted(qs), unit=F("fig_unit"), date=received)]


def complaint_overdue(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """投诉逾期办结: complaints.selectors.late_complaints (the figures' `late` column)."""
    qs = complaint_selectors.late_complaints(
        year=ctx.year, as_of=ctx.cutoff, counted_against=ctx.complaint_unit
    )
    return [_facts(Complaint, _counted(qs), unit=F("fig_unit"), date=F("deadline"))]


def commitment_breach(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """违反服务承诺: complaints.selectors.breached_complaints (the figures' 违诺 column)."""
    qs = complaint_selectors.breached_complaints(year=ctx.year, counted_against=ctx.complaint_unit)
    received = _as_date(Complaint, "received_at")
    return [_facts(Complaint, _counted(qs), unit=F("fig_unit"), date=received)]


def _counted(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Complaints that count against a unit (`fig_unit`, complaints.selectors.counted_unit)."""
    return qs.filter(fig_unit__isnull=False)


def item_overdue(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """整改事项逾期: campaign.selectors.late_items (the overview's `late` count)."""
    qs = campaign_selectors.late_items(year=ctx.year, as_of=ctx.cutoff).order_by()
    return [_facts(RectificationItem, qs, unit=F("unit_id"), date=F("deadline"))]


def item_unclosed(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """整改事项年底未销号: nothing until the year is over (its deadline is the year end)."""
    qs = campaign_selectors.items_unclosed_at_year_end(year=ctx.year, as_of=ctx.cutoff).order_by()
    return [_facts(RectificationItem, qs, unit=F("unit_id"), date=F("deadline"))]


def item_relapsed(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """整改事项反弹: one row per relapse a re-check found in the year, against the item's
    unit, dated by the re-check's decision; the evidence is the item (its page shows it)."""
    qs = recheck_selectors.relapses_of_year(year=ctx.year)
    return [
        Facts(
            model=RectificationItem,
            queryset=qs.annotate(
                x_unit=F("item__unit_id"), x_evidence=F("item_id"), x_date=F("x_day")
            ),
        )
    ]


def deliverable_late(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """规定动作材料迟报: campaign.selectors.late_submissions (the overview's 迟报 count)."""
    model = Submission
    qs = campaign_selectors.late_submissions(year=ctx.year, as_of=ctx.cutoff).order_by()
    return [_facts(model, qs, unit=F("unit_id"), date=_as_date(model, "submitted_at"))]


def deliverable_missing(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """规定动作材料未报: campaign.selectors.missing_units per deliverable due (the overview's
    未报 count), among the assessed units.

    One query per deliverable of the year (a handful), never per unit.
    """
    result = []
    for deliverable in campaign_selectors.due_deliverables(year=ctx.year, as_of=ctx.cutoff):
        units = (
            campaign_selectors.missing_units(deliverable=deliverable, as_of=ctx.cutoff)
            .order_by()
            .filter(pk__in=ctx.unit_ids)
        )
        result.append(
            Facts(
                model=Deliverable,
                queryset=units.annotate(
                    x_unit=F("pk"),
                    x_evidence=Value(deliverable.pk),
                    x_date=Value(deliverable.due_date),
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


def project_completed(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """为民办实事项目完成: one row per project completed in the year (by its completion
    date, up to the cutoff), against the project's unit."""
    model = PeopleProject
    qs = model.objects.filter(
        status=model.Status.COMPLETED,
        completed_on__gte=ctx.start,
        completed_on__lte=min(ctx.end, ctx.cutoff),
    ).order_by()
    return [_facts(model, qs, unit=F("unit_id"), date=F("completed_on"))]


def project_overdue(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """为民办实事项目节点逾期: a published project's milestone due in the year and before
    the cutoff, not done by its due date (still open, or done late)."""
    model = ProjectMilestone
    qs = (
        model.objects.filter(
            project__status__in=list(PeopleProject.PUBLISHED_STATES),
            due_date__gte=ctx.start,
            due_date__lte=ctx.end,
            due_date__lt=ctx.cutoff,
        )
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=F("due_date")))
        .order_by()
    )
    return [_facts(model, qs, unit=F("project__unit_id"), date=F("due_date"))]


def supervisor_review(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    """视察点评: one row per review the officer confirmed, dated by the visit."""
    model = SupervisorReport
    qs = model.objects.filter(
        status=model.Status.CONFIRMED,
        verdict__in=list(model.REVIEW_VERDICTS),
        date__gte=ctx.start,
        date__lte=ctx.end,
    ).order_by()
    if rule.parameter:
        qs = qs.filter(verdict=rule.parameter)
    return [_facts(model, qs, unit=F("unit_id"), date=F("date"))]


SOURCES: dict[str, Callable[[AdjustmentRule, FactContext], list[Facts]]] = {
    Kind.COMPLAINT_SUBSTANTIATED: complaint_substantiated,
    Kind.COMPLAINT_OVERDUE: complaint_overdue,
    Kind.COMMITMENT_BREACH: commitment_breach,
    Kind.ITEM_OVERDUE: item_overdue,
    Kind.ITEM_UNCLOSED: item_unclosed,
    Kind.ITEM_RELAPSED: item_relapsed,
    Kind.DELIVERABLE_LATE: deliverable_late,
    Kind.DELIVERABLE_MISSING: deliverable_missing,
    Kind.FINDING: finding,
    Kind.ACCOUNTABILITY: accountability,
    Kind.CIRCULAR_CRITICISM: circular_criticism,
    Kind.CIRCULAR_COMMENDATION: circular_commendation,
    Kind.PROJECT_COMPLETED: project_completed,
    Kind.PROJECT_OVERDUE: project_overdue,
    Kind.SUPERVISOR_REVIEW: supervisor_review,
}


def facts_for(rule: AdjustmentRule, ctx: FactContext) -> list[Facts]:
    return SOURCES[rule.kind](rule, ctx)
