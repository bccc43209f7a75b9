"""Campaigns: set up from a template, started, closed (optionally carrying open items on)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from campaign import permissions
from campaign.models import Campaign, Deliverable, Phase, RectificationItem, RectificationTransition
from campaign.services._common import required_text
from units.models import Unit
from units.transitions import record_transitions, transition
from units.types import AnyUser


@dataclass(frozen=True)
class PhaseTemplate:
    name: str
    share: int  # relative length within the campaign (special template)
    months: tuple[int, int] | None = None  # (first, last) month (annual template)


SPECIAL_PHASES = (
    PhaseTemplate("调研与方案制定阶段", 1),
    PhaseTemplate("学习教育与查找问题阶段", 2),
    PhaseTemplate("集中整治阶段", 4),
    PhaseTemplate("建章立制阶段", 2),
    PhaseTemplate("问题处理与总结阶段", 1),
)
ANNUAL_PHASES = (
    PhaseTemplate("动员阶段", 0, (1, 2)),
    PhaseTemplate("实施阶段", 0, (3, 9)),
    PhaseTemplate("总结阶段", 0, (10, 12)),
)
# (kind, title, phase index whose end is the due date)
STANDARD_DELIVERABLES = (
    (Deliverable.Kind.ACTION_PLAN, "行动方案", 0),
    (Deliverable.Kind.INDIVIDUAL_NORMS, "个人行为规范", 0),
    (Deliverable.Kind.SELF_INSPECTION, "自查报告", 1),
    (Deliverable.Kind.ANNUAL_REPORT, "述职报告", -1),
    (Deliverable.Kind.SUMMARY, "总结报告", -1),
)
SPECIAL_DELIVERABLE_PHASES = {
    Deliverable.Kind.ACTION_PLAN: 1,
    Deliverable.Kind.INDIVIDUAL_NORMS: 1,
    Deliverable.Kind.SELF_INSPECTION: 2,
}


def _phase_dates(
    template: str, start: datetime.date, end: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    if template == Campaign.Template.ANNUAL:
        rows = []
        for phase in ANNUAL_PHASES:
            assert phase.months is not None
            first, last = phase.months
            phase_start = max(start, datetime.date(start.year, first, 1))
            next_month = datetime.date(start.year + (last == 12), last % 12 + 1, 1)
            phase_end = min(end, next_month - datetime.timedelta(days=1))
            rows.append((phase.name, phase_start, max(phase_start, phase_end)))
        return rows
    total_days = (end - start).days + 1
    total_share = sum(p.share for p in SPECIAL_PHASES)
    rows, cursor, used = [], start, 0
    for index, phase in enumerate(SPECIAL_PHASES):
        used += phase.share
        if index == len(SPECIAL_PHASES) - 1:
            phase_end = end
        else:
            phase_end = start + datetime.timedelta(
                days=max(total_days * used // total_share - 1, 0)
            )
            phase_end = max(phase_end, cursor)
        rows.append((phase.name, cursor, phase_end))
        cursor = min(phase_end + datetime.timedelta(days=1), end)
    return rows


def campaign_create(
    *,
    name: str,
    year: int,
    scope: Unit,
    start_date: datetime.date,
    end_date: datetime.date,
    actor: AnyUser,
    template: str = "",
    description: str = "",
) -> Campaign:
    """A new campaign, with the phases and standard deliverables of its template."""
    permissions.require_manage_campaigns(actor)
    name = required_text(name, "name", _("The campaign name is required."))
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    if template not in Campaign.Template.values:
        raise ValidationError({"template": _("Unknown template.")})
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            year=year,
            scope=scope,
            start_date=start_date,
            end_date=end_date,
            template=template,
            description=description.strip(),
            created_by=actor if actor.is_authenticated else None,
        )
        if template:
            phases = [
                Phase.objects.create(
                    campaign=campaign, order=order, name=phase_name, start_date=s, end_date=e
                )
                for order, (phase_name, s, e) in enumerate(
                    _phase_dates(template, start_date, end_date), start=1
                )
            ]
            for kind, title, index in STANDARD_DELIVERABLES:
                if template == Campaign.Template.SPECIAL:
                    index = SPECIAL_DELIVERABLE_PHASES.get(kind, index)
                phase = phases[index]
                due = phase.end_date
                if template == Campaign.Template.ANNUAL and kind == Deliverable.Kind.ACTION_PLAN:
                    due = min(max(datetime.date(start_date.year, 1, 30), start_date), end_date)
                if (
                    template == Campaign.Template.ANNUAL
                    and kind == Deliverable.Kind.INDIVIDUAL_NORMS
                ):
                    due = min(max(datetime.date(start_date.year, 2, 10), start_date), end_date)
                Deliverable.objects.create(
                    campaign=campaign, phase=phase, kind=kind, title=title, due_date=due
                )
    return campaign


def campaign_activate(*, campaign: Campaign, actor: AnyUser) -> Campaign:
    """The campaign gets under way: units may file items and hand in material."""
    permissions.require_manage_campaigns(actor)
    return transition(campaign, target=Campaign.Status.ACTIVE, actor=actor)


def campaign_close(
    *, campaign: Campaign, actor: AnyUser, carry_into: Campaign | None = None, comment: str = ""
) -> Campaign:
    """Close a campaign: no new items, deliverables or submissions from now on.

    Its open items stay on its ledger, to be worked off and closed as before; or, with
    `carry_into` (another campaign under way), they move there with their history and a
    note of the campaign they came from.
    """
    permissions.require_manage_campaigns(actor)
    with transaction.atomic():
        closed = transition(campaign, target=Campaign.Status.CLOSED, actor=actor, comment=comment)
        if carry_into is not None:
            items_carry_over(source=closed, target=carry_into, actor=actor)
    return closed


def items_carry_over(*, source: Campaign, target: Campaign, actor: AnyUser) -> int:
    """Move `source`'s open items into `target` (under way, covering their units); how many.

    Runs inside campaign_close's transaction. The items keep their pk, status, progress and
    transitions; each gets a history row and a transition record naming where it came from.
    """
    if target.pk == source.pk:
        raise ValidationError({"carry_into": _("Choose another campaign to carry items into.")})
    target = Campaign.objects.select_for_update().select_related("scope").get(pk=target.pk)
    if target.status != Campaign.Status.ACTIVE:
        raise ValidationError(
            {"carry_into": _("Open items can be carried only into a campaign under way.")}
        )
    items = list(
        RectificationItem.objects.select_for_update(of=("self",))
        .filter(campaign=source)
        .exclude(status=RectificationItem.Status.CLOSED)
        .select_related("unit")
    )
    outside = sorted({i.unit.name for i in items if not i.unit.path.startswith(target.scope.path)})
    if outside:
        raise ValidationError(
            {
                "carry_into": _("“%(campaign)s” does not cover %(units)s.")
                % {"campaign": target.name, "units": "、".join(outside)}
            }
        )
    now = timezone.now()
    for item in items:
        item.campaign, item.carried_from, item.updated_at = target, source, now
    bulk_update_with_history(
        items,
        RectificationItem,
        ["campaign", "carried_from", "updated_at"],
        batch_size=1000,
        default_user=actor if actor.is_authenticated else None,
        default_change_reason="carry-over",
    )
    note = _("Carried over from “%(campaign)s”") % {"campaign": source.name}
    by_status: dict[str, list[RectificationItem]] = {}
    for item in items:
        by_status.setdefault(item.status, []).append(item)
    for status, moved in by_status.items():
        record_transitions(
            record_model=RectificationTransition,
            subject_field="item",
            subjects=moved,
            from_status=status,
            to_status=status,
            actor=actor,
            comment=note,
        )
    return len(items)


def deliverable_update(
    *, deliverable: Deliverable, actor: AnyUser, due_date: datetime.date, title: str = ""
) -> Deliverable:
    """The officer adjusts a deliverable's due date (and title)."""
    permissions.require_manage_campaigns(actor)
    with transaction.atomic():
        locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        locked.due_date = due_date
        fields = ["due_date"]
        if title.strip():
            locked.title = title.strip()
            fields.append("title")
        locked.save(update_fields=fields)
    return locked
