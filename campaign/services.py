"""Every write to campaigns, rectification items, inspections and circulars.

Each state change is one service: lock the row, check the actor, check the transition
map, save with update_fields, write the transition record, notify after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from campaign import selectors
from campaign.models import (
    AccountabilityAction,
    Campaign,
    CampaignTransition,
    Circular,
    CircularMention,
    CircularTransition,
    Deliverable,
    ExtensionRequest,
    Finding,
    Inspection,
    Phase,
    ProblemCategory,
    ProgressUpdate,
    RectificationItem,
    RectificationTransition,
    Submission,
    SubmissionTransition,
)
from units.models import Notification, Person, Unit
from units.permissions import can_act_for_unit, can_oversee_unit
from units.selectors import ACT, unit_scope_q
from units.services import NoticeBatch, notification_send
from units.transitions import check_transition, record_transition, record_transitions
from units.types import AnyUser

Item = RectificationItem
Status = RectificationItem.Status


# --- Helpers ------------------------------------------------------------------------------


def _require_manager(actor: AnyUser) -> None:
    if not (actor.is_authenticated and actor.has_perm("campaign.change_campaign")):  # type: ignore[union-attr]
        raise PermissionDenied(_("Only inspection staff may do this."))


def _require_act(actor: AnyUser, unit: Unit) -> None:
    if not can_act_for_unit(actor, unit):
        raise PermissionDenied(_("You may not act for this unit."))


def _require_oversee(actor: AnyUser, unit: Unit) -> None:
    if not can_oversee_unit(actor, unit):
        raise PermissionDenied(
            _("Only inspection staff with jurisdiction over this unit may do this.")
        )


def _who(actor: AnyUser | None) -> Any:
    """The account to record as author (None for the system or an anonymous caller)."""
    return actor if actor is not None and actor.is_authenticated else None


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _notify_on_commit(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    url: str,
    object_key: str,
    body: str = "",
    deadline: datetime.date | None = None,
) -> None:
    people = [r for r in recipients if r is not None]
    transaction.on_commit(
        lambda: notification_send(
            recipients=people,
            kind=kind,
            title=title,
            body=body,
            url=url,
            object_key=object_key,
            deadline=deadline,
        )
    )


def item_url(item: RectificationItem) -> str:
    return reverse("campaign:item_detail", args=[item.pk])


def _item_recipients(item: RectificationItem) -> list[Any]:
    recipients = list(selectors.unit_heads(unit=item.unit))
    if item.responsible_user_id and item.responsible_user not in recipients:
        recipients.append(item.responsible_user)
    return recipients


# --- Campaigns ----------------------------------------------------------------------------


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
    _require_manager(actor)
    name = _required_text(name, "name", _("The campaign name is required."))
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


def _campaign_set_status(
    *, campaign: Campaign, target: str, actor: AnyUser, comment: str = ""
) -> Campaign:
    _require_manager(actor)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        check_transition(
            transitions=Campaign.TRANSITIONS,
            current=locked.status,
            target=target,
            labels=Campaign.Status.choices,
        )
        from_status = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        record_transition(
            record_model=CampaignTransition,
            subject_field="campaign",
            subject=locked,
            from_status=from_status,
            to_status=target,
            actor=actor,
            comment=comment,
        )
    return locked


def campaign_activate(*, campaign: Campaign, actor: AnyUser) -> Campaign:
    return _campaign_set_status(campaign=campaign, target=Campaign.Status.ACTIVE, actor=actor)


def campaign_close(*, campaign: Campaign, actor: AnyUser) -> Campaign:
    return _campaign_set_status(campaign=campaign, target=Campaign.Status.CLOSED, actor=actor)


def deliverable_update(
    *, deliverable: Deliverable, actor: AnyUser, due_date: datetime.date, title: str = ""
) -> Deliverable:
    """The officer adjusts a deliverable's due date (and title)."""
    _require_manager(actor)
    with transaction.atomic():
        locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
        locked.due_date = due_date
        fields = ["due_date"]
        if title.strip():
            locked.title = title.strip()
            fields.append("title")
        locked.save(update_fields=fields)
    return locked


# --- Submissions --------------------------------------------------------------------------


def submission_submit(
    *,
    deliverable: Deliverable,
    unit: Unit,
    actor: AnyUser,
    text: str = "",
    attachment: UploadedFile | None = None,
) -> Submission:
    """A unit hands in (or re-submits after return) its material for a deliverable."""
    _require_act(actor, unit)
    if not text.strip() and attachment is None:
        raise ValidationError(_("Write the content or attach a file."))
    if deliverable.campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError(_("The campaign is not under way."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission, created = Submission.objects.select_for_update().get_or_create(
                    deliverable=deliverable,
                    unit=unit,
                    defaults={"status": Submission.Status.SUBMITTED},
                )
        except IntegrityError:  # a concurrent first submission won the race
            submission = Submission.objects.select_for_update().get(
                deliverable=deliverable, unit=unit
            )
            created = False
        from_status = "" if created else submission.status
        check_transition(
            transitions=Submission.TRANSITIONS,
            current=from_status,
            target=Submission.Status.SUBMITTED,
            labels=Submission.Status.choices,
        )
        submission.status = Submission.Status.SUBMITTED
        submission.text = text.strip()
        if attachment is not None:
            submission.attachment = attachment
        submission.submitted_by = actor  # type: ignore[assignment]
        submission.submitted_at = timezone.now()
        submission.return_reason = ""
        submission.save()
        record_transition(
            record_model=SubmissionTransition,
            subject_field="submission",
            subject=submission,
            from_status=from_status,
            to_status=Submission.Status.SUBMITTED,
            actor=actor,
        )
    return submission


def _submission_review(
    *, submission: Submission, actor: AnyUser, target: str, reason: str = ""
) -> Submission:
    _require_oversee(actor, submission.unit)
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update()
            .select_related("deliverable", "unit")
            .get(pk=submission.pk)
        )
        check_transition(
            transitions=Submission.TRANSITIONS,
            current=locked.status,
            target=target,
            labels=Submission.Status.choices,
        )
        from_status = locked.status
        locked.status = target
        locked.return_reason = reason
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "return_reason", "reviewed_at"])
        record_transition(
            record_model=SubmissionTransition,
            subject_field="submission",
            subject=locked,
            from_status=from_status,
            to_status=target,
            actor=actor,
            comment=reason,
        )
        returned = target == Submission.Status.RETURNED
        _notify_on_commit(
            recipients=selectors.unit_heads(unit=locked.unit),
            kind=Notification.Kind.RETURNED if returned else Notification.Kind.INFO,
            title=(
                _("Material returned: %(title)s") if returned else _("Material accepted: %(title)s")
            )
            % {"title": locked.deliverable.title},
            body=reason,
            url=reverse("campaign:deliverables"),
            object_key=f"campaign.submission:{locked.pk}:{target}:{locked.reviewed_at:%Y%m%d%H%M%S%f}",
        )
    return locked


def submission_accept(*, submission: Submission, actor: AnyUser) -> Submission:
    return _submission_review(submission=submission, actor=actor, target=Submission.Status.ACCEPTED)


def submission_return(*, submission: Submission, actor: AnyUser, reason: str) -> Submission:
    reason = _required_text(reason, "reason", _("Give the reason for returning it."))
    return _submission_review(
        submission=submission, actor=actor, target=Submission.Status.RETURNED, reason=reason
    )


# --- Rectification items ------------------------------------------------------------------

ITEM_EDITABLE = frozenset(
    {
        "list_kind",
        "level",
        "source",
        "category",
        "problem",
        "measures",
        "target",
        "responsible_person",
        "responsible_user",
        "responsible_leader",
        "deadline",
        "long_term",
    }
)


def _clean_item_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - ITEM_EDITABLE
    if unknown:
        raise ValueError(f"rectification items cannot set {sorted(unknown)}")
    errors: dict[str, str] = {}
    if "problem" in fields:
        fields["problem"] = (fields["problem"] or "").strip()
        if not fields["problem"]:
            errors["problem"] = _("Describe the problem.")
    if "deadline" in fields and not fields["deadline"]:
        errors["deadline"] = _("Set a deadline.")
    for name, choices in (
        ("list_kind", Item.ListKind),
        ("level", Item.Level),
        ("source", Item.Source),
    ):
        if name in fields and fields[name] not in choices.values:
            errors[name] = _("Unknown value.")
    for name in ("measures", "target", "responsible_person", "responsible_leader"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if errors:
        raise ValidationError(errors)
    return fields


def _record_item(
    item: RectificationItem, from_status: str, actor: AnyUser | None, comment: str = ""
) -> None:
    record_transition(
        record_model=RectificationTransition,
        subject_field="item",
        subject=item,
        from_status=from_status,
        to_status=item.status,
        actor=actor,
        comment=comment,
    )


def item_create(
    *,
    campaign: Campaign,
    unit: Unit,
    actor: AnyUser,
    problem: str,
    deadline: datetime.date,
    source_object: Any = None,
    **fields: Any,
) -> RectificationItem:
    """A unit files an item in its list (as a draft, until the list is submitted)."""
    entry = {"unit": unit, "problem": problem, "deadline": deadline, **fields}
    return items_file(campaign=campaign, actor=actor, entries=[entry], source_object=source_object)[
        0
    ]


def items_file_check(*, campaign: Campaign, actor: AnyUser, units: Sequence[Unit]) -> None:
    """May `actor` file items for these units in this campaign now? (One query at most.)"""
    unit_ids = {unit.pk for unit in units}
    acted_for = Unit.objects.filter(unit_scope_q(user=actor, codename=ACT), pk__in=unit_ids)
    if acted_for.count() != len(unit_ids):
        raise PermissionDenied(_("You may not act for this unit."))
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError(_("The campaign is not under way; items cannot be added."))


def items_file(
    *,
    campaign: Campaign,
    actor: AnyUser,
    entries: Sequence[dict[str, Any]],
    source_object: Any = None,
) -> list[RectificationItem]:
    """Units file items in their lists: drafts, each with its history row and its transition.

    Each entry holds `unit`, `problem`, `deadline` and any other editable item field. Set
    based, so that a ledger import of 20 000 rows goes in within seconds: one query checks
    that the actor may act for every unit named, then the items, their history rows and their
    transition records go in with one INSERT per thousand rows each. All or nothing.
    """
    if not entries:
        return []
    items_file_check(campaign=campaign, actor=actor, units=[entry["unit"] for entry in entries])
    extra: dict[str, Any] = {}
    if source_object is not None:
        extra = {
            "source_type": ContentType.objects.get_for_model(source_object),
            "source_id": source_object.pk,
        }
    who = _who(actor)
    items = []
    for entry in entries:
        fields = dict(entry)
        unit = fields.pop("unit")
        items.append(
            Item(
                campaign=campaign,
                unit=unit,
                status=Status.DRAFT,
                created_by=who,
                **_clean_item_fields(fields),
                **extra,
            )
        )
    with transaction.atomic():
        created = bulk_create_with_history(items, Item, batch_size=1000, default_user=who)
        record_transitions(
            record_model=RectificationTransition,
            subject_field="item",
            subjects=created,
            from_status="",
            to_status=Status.DRAFT,
            actor=actor,
        )
    return created


def item_update(*, item: RectificationItem, actor: AnyUser, **changes: Any) -> RectificationItem:
    """Edit a draft or returned item."""
    cleaned = _clean_item_fields(dict(changes))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        _require_act(actor, locked.unit)
        if not locked.is_editable:
            raise ValidationError(
                _("Only draft or returned items can be edited; this one is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*cleaned, "updated_at"])
    return locked


def _item_move(
    *,
    item: RectificationItem,
    actor: AnyUser | None,
    target: str,
    who: str,
    comment: str = "",
    extra_fields: dict[str, Any] | None = None,
    notify: tuple[str, str] | None = None,
    only_from: frozenset[str] | None = None,
) -> RectificationItem:
    """The one path every item transition takes (lock, permission, map, record, notify).

    `only_from` narrows the map for services sharing a target: reopening a closure
    request (staff) and starting work (the unit) both lead to in progress.
    """
    with transaction.atomic():
        locked = (
            Item.objects.select_for_update(of=("self",))
            .select_related("unit", "responsible_user")
            .get(pk=item.pk)
        )
        if actor is not None:
            (_require_act if who == "act" else _require_oversee)(actor, locked.unit)
        transitions = Item.TRANSITIONS
        if only_from is not None:
            transitions = {k: v for k, v in transitions.items() if k in only_from}
        check_transition(
            transitions=transitions,
            current=locked.status,
            target=target,
            labels=Status.choices,
        )
        from_status = locked.status
        locked.status = target
        fields = ["status", "updated_at"]
        for name, value in (extra_fields or {}).items():
            setattr(locked, name, value)
            fields.append(name)
        locked.save(update_fields=fields)
        _record_item(locked, from_status, actor, comment)
        if notify is not None:
            kind, title = notify
            _notify_on_commit(
                recipients=_item_recipients(locked),
                kind=kind,
                title=title % {"problem": str(locked)},
                body=comment,
                url=item_url(locked),
                object_key=f"campaign.item:{locked.pk}:{target}:{timezone.now():%Y%m%d%H%M%S%f}",
            )
    return locked


def item_submit(*, item: RectificationItem, actor: AnyUser) -> RectificationItem:
    """Hand a draft (or a corrected returned item) to inspection staff."""
    return _item_move(item=item, actor=actor, target=Status.SUBMITTED, who="act")


def items_submit_list(*, campaign: Campaign, unit: Unit, actor: AnyUser) -> int:
    """Submit every draft and returned item of the unit's list; returns how many."""
    _require_act(actor, unit)
    pks = list(
        Item.objects.filter(
            campaign=campaign, unit=unit, status__in=[Status.DRAFT, Status.RETURNED]
        ).values_list("pk", flat=True)
    )
    if not pks:
        raise ValidationError(_("There is nothing to submit: no draft or returned items."))
    with transaction.atomic():
        for pk in pks:
            item_submit(item=Item(pk=pk), actor=actor)
    return len(pks)


def item_accept(*, item: RectificationItem, actor: AnyUser, comment: str = "") -> RectificationItem:
    """Inspection staff confirm the item as listed."""
    return _item_move(
        item=item,
        actor=actor,
        target=Status.ACCEPTED,
        who="oversee",
        comment=comment.strip(),
        extra_fields={"return_reason": ""},
        notify=(Notification.Kind.INFO, _("Rectification item accepted: %(problem)s")),
    )


def item_return(*, item: RectificationItem, actor: AnyUser, reason: str) -> RectificationItem:
    reason = _required_text(reason, "reason", _("Give the reason for returning it."))
    return _item_move(
        item=item,
        actor=actor,
        target=Status.RETURNED,
        who="oversee",
        comment=reason,
        extra_fields={"return_reason": reason},
        notify=(Notification.Kind.RETURNED, _("Rectification item returned: %(problem)s")),
    )


def item_start(*, item: RectificationItem, actor: AnyUser) -> RectificationItem:
    """Work begins on an accepted item (also done by its first progress report)."""
    return _item_move(
        item=item,
        actor=actor,
        target=Status.IN_PROGRESS,
        who="act",
        only_from=frozenset({Status.ACCEPTED}),
    )


def progress_post(
    *,
    item: RectificationItem,
    actor: AnyUser,
    text: str,
    attachment: UploadedFile | None = None,
) -> ProgressUpdate:
    """Report progress; the first report on an accepted item starts the rectification."""
    text = _required_text(text, "text", _("Describe the progress."))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        _require_act(actor, locked.unit)
        if locked.status == Status.ACCEPTED:
            locked = item_start(item=locked, actor=actor)
        elif locked.status != Status.IN_PROGRESS:
            raise ValidationError(_("Progress can be reported only on accepted items in progress."))
        update = ProgressUpdate.objects.create(
            item=locked, text=text, attachment=attachment or "", author=_who(actor)
        )
    return update


def item_request_closure(
    *,
    item: RectificationItem,
    actor: AnyUser,
    evidence: str,
    attachment: UploadedFile | None = None,
) -> RectificationItem:
    """申请销号, with the evidence of what was done."""
    evidence = _required_text(evidence, "evidence", _("Describe what was done as evidence."))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        _require_act(actor, locked.unit)
        if locked.long_term:
            raise ValidationError(_("Long-term items stay open by design and cannot be closed."))
        moved = _item_move(
            item=locked, actor=actor, target=Status.CLOSURE_REQUESTED, who="act", comment=evidence
        )
        ProgressUpdate.objects.create(
            item=moved,
            text=evidence,
            attachment=attachment or "",
            author=_who(actor),
            is_closure_evidence=True,
        )
    return moved


def item_close(
    *, item: RectificationItem, actor: AnyUser, verification_note: str
) -> RectificationItem:
    """已销号: inspection staff verified the rectification."""
    note = _required_text(
        verification_note, "verification_note", _("Record how the rectification was verified.")
    )
    return _item_move(
        item=item,
        actor=actor,
        target=Status.CLOSED,
        who="oversee",
        comment=note,
        extra_fields={"verification_note": note, "closed_at": timezone.now(), "closed_by": actor},
        notify=(Notification.Kind.INFO, _("Rectification item closed: %(problem)s")),
    )


def item_reject_closure(
    *, item: RectificationItem, actor: AnyUser, reason: str
) -> RectificationItem:
    """Verification failed: back to in progress, with the reason."""
    reason = _required_text(reason, "reason", _("Give the reason for returning it."))
    return _item_move(
        item=item,
        actor=actor,
        target=Status.IN_PROGRESS,
        who="oversee",
        comment=reason,
        extra_fields={"return_reason": reason},
        notify=(Notification.Kind.RETURNED, _("Closure not approved: %(problem)s")),
        only_from=frozenset({Status.CLOSURE_REQUESTED}),
    )


def extension_request(
    *,
    item: RectificationItem,
    actor: AnyUser,
    requested_deadline: datetime.date,
    reason: str,
) -> ExtensionRequest:
    """延期申请: kept pending until inspection staff decide."""
    reason = _required_text(reason, "reason", _("Give the reason for the extension."))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        _require_act(actor, locked.unit)
        if locked.status in (Status.DRAFT, Status.RETURNED, Status.CLOSED):
            raise ValidationError(
                _("An extension can be requested only for accepted items not yet closed.")
            )
        if requested_deadline <= locked.deadline:
            raise ValidationError(
                {"requested_deadline": _("The new deadline must be later than the current one.")}
            )
        if locked.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise ValidationError(_("An extension request for this item is already pending."))
        return ExtensionRequest.objects.create(
            item=locked,
            old_deadline=locked.deadline,
            requested_deadline=requested_deadline,
            reason=reason,
            requested_by=_who(actor),
        )


def _extension_decide(
    *, request: ExtensionRequest, actor: AnyUser, target: str, note: str
) -> ExtensionRequest:
    with transaction.atomic():
        locked = (
            ExtensionRequest.objects.select_for_update(of=("self",))
            .select_related("item", "item__unit")
            .get(pk=request.pk)
        )
        _require_oversee(actor, locked.item.unit)
        check_transition(
            transitions=ExtensionRequest.TRANSITIONS,
            current=locked.status,
            target=target,
            labels=ExtensionRequest.Status.choices,
        )
        locked.status = target
        locked.decision_note = note
        locked.decided_by = actor  # type: ignore[assignment]
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        item = Item.objects.select_for_update().get(pk=locked.item_id)
        approved = target == ExtensionRequest.Status.APPROVED
        if approved:
            item.deadline = locked.requested_deadline
            item.save(update_fields=["deadline", "updated_at"])
        _notify_on_commit(
            recipients=_item_recipients(item),
            kind=Notification.Kind.INFO if approved else Notification.Kind.RETURNED,
            title=(
                _("Extension approved: %(problem)s")
                if approved
                else _("Extension refused: %(problem)s")
            )
            % {"problem": str(item)},
            body=note,
            url=item_url(item),
            object_key=f"campaign.extension:{locked.pk}",
        )
    return locked


def extension_approve(
    *, request: ExtensionRequest, actor: AnyUser, note: str = ""
) -> ExtensionRequest:
    return _extension_decide(
        request=request, actor=actor, target=ExtensionRequest.Status.APPROVED, note=note.strip()
    )


def extension_refuse(*, request: ExtensionRequest, actor: AnyUser, note: str) -> ExtensionRequest:
    note = _required_text(note, "note", _("Give the reason for refusing."))
    return _extension_decide(
        request=request, actor=actor, target=ExtensionRequest.Status.REFUSED, note=note
    )


# --- Inspections --------------------------------------------------------------------------


@dataclass
class FindingInput:
    unit: Unit
    severity: str
    description: str
    deadline: datetime.date
    category: ProblemCategory | None = None
    evidence: UploadedFile | None = None


def inspection_record(
    *,
    campaign: Campaign,
    kind: str,
    date: datetime.date,
    actor: AnyUser,
    findings: Sequence[FindingInput] = (),
    team: str = "",
    summary: str = "",
    units: Iterable[Unit] = (),
) -> Inspection:
    """Record an inspection; each finding is fed back and becomes a rectification item."""
    _require_manager(actor)
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": _("Unknown inspection type.")})
    visited = {unit.pk: unit for unit in units}
    with transaction.atomic():
        inspection = Inspection.objects.create(
            campaign=campaign,
            kind=kind,
            date=date,
            team=team.strip(),
            summary=summary.strip(),
            recorded_by=_who(actor),
        )
        for finding in findings:
            visited.setdefault(finding.unit.pk, finding.unit)
        inspection.units.set(list(visited.values()))
        for finding in findings:
            finding_add(inspection=inspection, actor=actor, data=finding)
    return inspection


def finding_add(*, inspection: Inspection, actor: AnyUser, data: FindingInput) -> Finding:
    """问题反馈: the finding, its rectification item (accepted, with a deadline), a notice."""
    _require_oversee(actor, data.unit)
    if data.severity not in Finding.Severity.values:
        raise ValidationError({"severity": _("Unknown severity.")})
    description = _required_text(data.description, "description", _("Describe the problem."))
    if not data.deadline:
        raise ValidationError({"deadline": _("Set a deadline.")})
    with transaction.atomic():
        finding = Finding.objects.create(
            inspection=inspection,
            unit=data.unit,
            category=data.category,
            severity=data.severity,
            description=description,
            evidence=data.evidence or "",
        )
        inspection.units.add(data.unit)
        # Found by inspection, the problem is established: the item starts accepted.
        item = Item.objects.create(
            campaign=inspection.campaign,
            unit=data.unit,
            source=Item.Source.INSPECTION,
            finding=finding,
            category=data.category,
            problem=description,
            deadline=data.deadline,
            status=Status.ACCEPTED,
            created_by=_who(actor),
        )
        _record_item(
            item, "", actor, _("Fed back from inspection of %(date)s") % {"date": inspection.date}
        )
        _notify_on_commit(
            recipients=selectors.unit_heads(unit=data.unit),
            kind=Notification.Kind.ASSIGNED,
            title=_("Inspection feedback: %(problem)s") % {"problem": str(item)},
            body=_("Rectify by %(deadline)s and report progress.") % {"deadline": data.deadline},
            url=item_url(item),
            object_key=f"campaign.finding:{finding.pk}",
            deadline=data.deadline,
        )
    return finding


def accountability_action_record(
    *,
    kind: str,
    reason: str,
    actor: AnyUser,
    unit: Unit | None = None,
    person: Person | None = None,
    date: datetime.date | None = None,
    document_number: str = "",
    source: Any = None,
) -> AccountabilityAction:
    """Record 问责 against a unit and/or a person; inspection staff within their jurisdiction."""
    if kind not in AccountabilityAction.Kind.values:
        raise ValidationError({"kind": _("Unknown accountability type.")})
    if unit is None and person is None:
        raise ValidationError(_("Name the unit or the person held accountable."))
    if not reason.strip():
        raise ValidationError({"reason": _("The reason is required.")})
    target_unit = unit or (person.unit if person else None)
    if not actor.has_perm("campaign.add_accountabilityaction") or (
        target_unit is not None and not can_oversee_unit(actor, target_unit)
    ):
        raise PermissionDenied(_("You may not record accountability actions for this unit."))
    extra: dict[str, Any] = {}
    if source is not None:
        extra = {
            "source_type": ContentType.objects.get_for_model(source),
            "source_id": source.pk,
        }
    with transaction.atomic():
        return AccountabilityAction.objects.create(
            kind=kind,
            unit=unit,
            person=person,
            reason=reason.strip(),
            date=date or timezone.localdate(),
            document_number=document_number.strip(),
            recorded_by=actor if actor.is_authenticated else None,
            **extra,
        )


def warning_talk_record(*, inspection: Inspection, unit: Unit, actor: AnyUser, reason: str) -> Any:
    """效能告诫谈话 for a unit with many findings, recorded as an accountability action."""
    reason = _required_text(reason, "reason", _("Give the reason."))
    return accountability_action_record(
        kind="warning_talk", unit=unit, source=inspection, reason=reason, actor=actor
    )


# --- Circulars ----------------------------------------------------------------------------


def _next_number(campaign: Campaign) -> int:
    # The campaign row lock serialises numbering; the unique constraint backs it up.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    current = Circular.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1


def _set_mentions(circular: Circular, mentions: Iterable[tuple[Unit, str]]) -> None:
    rows = {}
    for unit, tone in mentions:
        if tone not in CircularMention.Tone.values:
            raise ValidationError({"mentions": _("Unknown tone.")})
        rows[unit.pk] = CircularMention(circular=circular, unit=unit, tone=tone)
    circular.mentions.all().delete()
    CircularMention.objects.bulk_create(rows.values())


def circular_create(
    *,
    campaign: Campaign,
    kind: str,
    title: str,
    body: str,
    actor: AnyUser | None,
    mentions: Iterable[tuple[Unit, str]] = (),
    period: str = "",
) -> Circular:
    """A draft circular with the next number (第N期) of its campaign."""
    if actor is not None:
        _require_manager(actor)
    if kind not in Circular.Kind.values:
        raise ValidationError({"kind": _("Unknown circular type.")})
    title = _required_text(title, "title", _("The title is required."))
    body = _required_text(body, "body", _("The body is required."))
    with transaction.atomic():
        circular = Circular.objects.create(
            campaign=campaign,
            number=_next_number(campaign),
            kind=kind,
            title=title,
            body=body,
            period=period,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _set_mentions(circular, mentions)
        record_transition(
            record_model=CircularTransition,
            subject_field="circular",
            subject=circular,
            from_status="",
            to_status=circular.status,
            actor=actor,
        )
    return circular


def circular_update(
    *,
    circular: Circular,
    actor: AnyUser,
    title: str,
    body: str,
    mentions: Iterable[tuple[Unit, str]] | None = None,
    kind: str | None = None,
) -> Circular:
    _require_manager(actor)
    title = _required_text(title, "title", _("The title is required."))
    body = _required_text(body, "body", _("The body is required."))
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        if locked.status != Circular.Status.DRAFT:
            raise ValidationError(_("A published circular cannot be changed."))
        locked.title, locked.body = title, body
        fields = ["title", "body"]
        if kind:
            if kind not in Circular.Kind.values:
                raise ValidationError({"kind": _("Unknown circular type.")})
            locked.kind = kind
            fields.append("kind")
        locked.save(update_fields=fields)
        if mentions is not None:
            _set_mentions(locked, mentions)
    return locked


def circular_publish(*, circular: Circular, actor: AnyUser, is_public: bool = False) -> Circular:
    _require_manager(actor)
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        check_transition(
            transitions=Circular.TRANSITIONS,
            current=locked.status,
            target=Circular.Status.PUBLISHED,
            labels=Circular.Status.choices,
        )
        from_status = locked.status
        locked.status = Circular.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.is_public = is_public
        locked.save(update_fields=["status", "published_at", "is_public"])
        record_transition(
            record_model=CircularTransition,
            subject_field="circular",
            subject=locked,
            from_status=from_status,
            to_status=locked.status,
            actor=actor,
        )
    return locked


def _fmt_rate(value: Any) -> str:
    return "—" if value is None else f"{Decimal(value):.1f}%"


def circular_draft_progress(
    *,
    campaign: Campaign,
    actor: AnyUser | None,
    period: str = "",
    today: datetime.date | None = None,
) -> Circular:
    """整改完成情况通报 drafted from the figures, for staff to edit and publish.

    With a `period` (e.g. "2026-03") it is made once: a second call returns the first draft.
    """
    today = today or timezone.localdate()
    if period:
        existing = Circular.objects.filter(
            campaign=campaign, kind=Circular.Kind.PROGRESS, period=period
        ).first()
        if existing is not None:
            return existing
    # Figures over the whole scope: the circular is for everyone, not the drafter's view.
    viewer: Any = actor if actor is not None else _SystemViewer()
    totals = selectors.campaign_totals(user=viewer, campaign=campaign, today=today)
    rows = list(selectors.unit_figures(user=viewer, campaign=campaign, today=today))
    lines = [
        _(
            "As of %(date)s, %(items)s rectification items have been filed, %(closed)s closed; "
            "closure rate %(rate)s, on-time closure rate %(on_time)s, %(overdue)s overdue."
        )
        % {
            "date": today.isoformat(),
            "items": totals["items"],
            "closed": totals["closed"],
            "rate": _fmt_rate(totals["closure_rate"]),
            "on_time": _fmt_rate(totals["on_time_rate"]),
            "overdue": totals["overdue"],
        },
        "",
        _("Ranking by closure rate:"),
    ]
    for rank, unit in enumerate(rows, start=1):
        lines.append(
            _(
                "%(rank)s. %(unit)s: %(items)s items, %(closed)s closed, closure rate %(rate)s, "
                "on-time rate %(on_time)s, %(overdue)s overdue"
            )
            % {
                "rank": rank,
                "unit": unit.name,
                "items": unit.items,  # type: ignore[attr-defined]
                "closed": unit.closed,  # type: ignore[attr-defined]
                "rate": _fmt_rate(unit.closure_rate),  # type: ignore[attr-defined]
                "on_time": _fmt_rate(unit.on_time_rate),  # type: ignore[attr-defined]
                "overdue": unit.overdue,  # type: ignore[attr-defined]
            }
        )
    laggards = [unit.name for unit in rows if unit.overdue]  # type: ignore[attr-defined]
    if laggards:
        lines += [
            "",
            _("Units with overdue items, to rectify at once: %(units)s.")
            % {"units": "、".join(laggards)},
        ]
    try:
        return circular_create(
            campaign=campaign,
            kind=Circular.Kind.PROGRESS,
            title=_("Circular on rectification progress (%(date)s)") % {"date": today.isoformat()},
            body="\n".join(lines),
            actor=actor,
            period=period,
        )
    except IntegrityError:
        # The same month's draft was made concurrently: return that one.
        return Circular.objects.get(campaign=campaign, kind=Circular.Kind.PROGRESS, period=period)


class _SystemViewer:
    """The scheduler drafting a circular sees the whole organisation."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def has_perm(self, perm: str) -> bool:
        return True


def circulars_draft_monthly(*, today: datetime.date | None = None) -> list[Circular]:
    """The beat task's work: one progress draft per active campaign per month."""
    today = today or timezone.localdate()
    period = f"{today:%Y-%m}"
    return [
        circular_draft_progress(campaign=campaign, actor=None, period=period, today=today)
        for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related(
            "scope"
        )
    ]


# --- Reminders ----------------------------------------------------------------------------


def _windows(today: datetime.date) -> list[tuple[str, str, datetime.date, datetime.date]]:
    """(key, kind, first deadline, last deadline) for each reminder a sweep sends."""
    from units.workdays import add_working_days

    one = add_working_days(today, 1)
    two = add_working_days(today, 2)
    three = add_working_days(today, 3)
    return [
        ("d3", Notification.Kind.DUE_SOON, two + datetime.timedelta(days=1), three),
        ("d1", Notification.Kind.DUE_SOON, today + datetime.timedelta(days=1), one),
        (
            "overdue",
            Notification.Kind.OVERDUE,
            datetime.date.min,
            today - datetime.timedelta(days=1),
        ),
    ]


def reminders_sweep(*, today: datetime.date | None = None) -> int:
    """到期提醒 / 逾期提醒 for open items and missing deliverables; each sent once.

    Safe to run any number of times: notices dedupe on (object, deadline, kind,
    recipient), so a second sweep on the same day inserts nothing. Unit heads come from
    one query and notices are written in batches, so the cost does not grow with one
    statement per item.
    """
    today = today or timezone.localdate()
    heads = selectors.unit_heads_lookup()
    notices = NoticeBatch()
    open_items = (
        Item.objects.exclude(status__in=[Status.DRAFT, Status.CLOSED])
        .filter(long_term=False, campaign__status=Campaign.Status.ACTIVE)
        .select_related("unit", "responsible_user")
    )
    for key, kind, first, last in _windows(today):
        for item in open_items.filter(deadline__range=(first, last)).iterator(chunk_size=2000):
            recipients = list(heads(item.unit))
            if item.responsible_user is not None and item.responsible_user not in recipients:
                recipients.append(item.responsible_user)
            if key == "overdue":
                title = _("Overdue: %(problem)s (deadline %(deadline)s)")
            else:
                title = _("Due soon: %(problem)s (deadline %(deadline)s)")
            notices.add(
                recipients=recipients,
                kind=kind,
                title=title % {"problem": str(item), "deadline": item.deadline},
                url=item_url(item),
                object_key=f"campaign.item:{item.pk}:{key}",
                deadline=item.deadline,
            )
        deliverables = Deliverable.objects.filter(
            campaign__status=Campaign.Status.ACTIVE, due_date__range=(first, last)
        ).select_related("campaign__scope")
        for deliverable in deliverables:
            scope = deliverable.campaign.scope
            missing = (
                Unit.objects.active()
                .filter(path__startswith=scope.path, depth=scope.depth + 1)
                .exclude(
                    submissions__deliverable=deliverable,
                    submissions__status__in=[
                        Submission.Status.SUBMITTED,
                        Submission.Status.ACCEPTED,
                    ],
                )
            )
            for unit in missing:
                if key == "overdue":
                    title = _("Material overdue: %(title)s (due %(deadline)s)")
                else:
                    title = _("Material due soon: %(title)s (due %(deadline)s)")
                notices.add(
                    recipients=heads(unit),
                    kind=kind,
                    title=title % {"title": deliverable.title, "deadline": deliverable.due_date},
                    url=reverse("campaign:deliverables"),
                    object_key=f"campaign.deliverable:{deliverable.pk}:{unit.pk}:{key}",
                    deadline=deliverable.due_date,
                )
    notices.flush()
    return notices.addressed
