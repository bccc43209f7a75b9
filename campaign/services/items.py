"""Rectification items (整改事项): filed by units, raised by staff, worked off, closed (销号).

Every move goes through units.transitions.transition; filing many at once (a ledger import)
writes its records set-based.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from campaign import permissions
from campaign.models import (
    ITEM_COLUMNS,
    ITEM_SERVICE_FIELDS,
    Campaign,
    ProgressUpdate,
    RectificationItem,
    RectificationTransition,
)
from campaign.services._common import (
    item_recipients,
    item_url,
    notify_overseers,
    require_under_way,
    required_text,
    who,
)
from units.bulk import copy_rows, reserve_ids, uses_copy
from units.models import Notification, Unit
from units.notifications import notification_send
from units.transitions import check_transition, record_transitions, transition
from units.types import AnyUser

Item = RectificationItem
Status = RectificationItem.Status

# What item_create, item_update and the ledger import may set: the one declaration in
# campaign.models (the form's and the Excel ledger's columns) and the account fields.
ITEM_EDITABLE = frozenset(ITEM_COLUMNS) | frozenset(ITEM_SERVICE_FIELDS)


def _field_kinds() -> dict[str, tuple[frozenset[str] | None, bool]]:
    """Per editable field: its allowed choices (or None) and whether it is text to strip."""
    kinds = {}
    for name in ITEM_EDITABLE:
        field = Item._meta.get_field(name)
        choices = getattr(field, "choices", None)
        kinds[name] = (
            frozenset(code for code, _label in choices) if choices else None,
            isinstance(field, (models.CharField, models.TextField)),
        )
    return kinds


_KINDS = _field_kinds()


def _clean_item_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - ITEM_EDITABLE
    if unknown:
        raise ValueError(f"rectification items cannot set {sorted(unknown)}")
    errors: dict[str, str] = {}
    for name, value in fields.items():
        choices, text = _KINDS[name]
        if choices is not None and value not in choices:
            errors[name] = _("Unknown value.")
        elif text:
            fields[name] = (value or "").strip()
    if "problem" in fields and not fields["problem"]:
        errors["problem"] = _("Describe the problem.")
    if "deadline" in fields and not fields["deadline"]:
        errors["deadline"] = _("Set a deadline.")
    if errors:
        raise ValidationError(errors)
    return fields


def _source_fields(source_object: Any) -> dict[str, Any]:
    if source_object is None:
        return {}
    return {
        "source_type": ContentType.objects.get_for_model(source_object),
        "source_id": source_object.pk,
    }


def _require_under_way(campaign: Campaign) -> None:
    require_under_way(campaign, _("The campaign is not under way; items cannot be added."))


# --- Filing -------------------------------------------------------------------------------


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
    permissions.require_act_for_units(actor, units)
    _require_under_way(campaign)


def items_file(
    *,
    campaign: Campaign,
    actor: AnyUser,
    entries: Sequence[dict[str, Any]],
    source_object: Any = None,
) -> list[RectificationItem]:
    """Units file items in their lists: drafts, each with its history row and its transition.

    Each entry holds `unit`, `problem`, `deadline` and any other editable item field. Set
    based (see items_file_many); returns the items filed.
    """
    return _file(
        campaign=campaign, actor=actor, entries=entries, source_object=source_object, built=True
    )


def items_file_many(
    *, campaign: Campaign, actor: AnyUser, entries: Sequence[dict[str, Any]]
) -> int:
    """items_file for a ledger import of 20 000 rows: returns how many, builds no instances.

    One query checks that the actor may act for every unit named; on PostgreSQL the items,
    their history rows and their transition records then go in with one COPY each (elsewhere
    one INSERT per batch each). All or nothing.
    """
    return len(_file(campaign=campaign, actor=actor, entries=entries, built=False))


# Item columns as stored: field name → attribute (unit → unit_id).
_ATTNAMES = {field.name: field.attname for field in Item._meta.concrete_fields}


def _file(
    *,
    campaign: Campaign,
    actor: AnyUser,
    entries: Sequence[dict[str, Any]],
    source_object: Any = None,
    built: bool,
) -> list[Any]:
    """The items as rows (attribute → value), written; the instances if `built`, else pks."""
    if not entries:
        return []
    items_file_check(campaign=campaign, actor=actor, units=[entry["unit"] for entry in entries])
    author = who(actor)
    now = timezone.now()
    # What every filed item shares: the model's defaults, the campaign, the filing user.
    base = {
        field.attname: field.get_default()
        for field in Item._meta.concrete_fields
        if not field.primary_key
    }
    base.update(
        campaign_id=campaign.pk,
        status=Status.DRAFT,
        created_by_id=author.pk if author is not None else None,
        created_at=now,
        updated_at=now,
    )
    for name, value in _source_fields(source_object).items():
        base[_ATTNAMES[name]] = value.pk if isinstance(value, models.Model) else value
    rows = []
    for entry in entries:
        fields = dict(entry)
        row = dict(base)
        row["unit_id"] = fields.pop("unit").pk
        for name, value in _clean_item_fields(fields).items():
            row[_ATTNAMES[name]] = value.pk if isinstance(value, models.Model) else value
        rows.append(row)
    with transaction.atomic():
        if uses_copy(Item):
            pks = _copy_filed(rows, actor=actor, author=author, now=now)
            if not built:
                return pks
            using = router.db_for_write(Item)
            items = []
            for pk, row in zip(pks, rows, strict=True):
                item = Item(id=pk, **row)
                item._state.adding = False
                item._state.db = using
                items.append(item)
            return items
        created = bulk_create_with_history(
            [Item(**row) for row in rows], Item, batch_size=1000, default_user=author
        )
        record_transitions(
            record_model=RectificationTransition,
            subject_field="item",
            subjects=created,
            from_status="",
            to_status=Status.DRAFT,
            actor=actor,
        )
    return created


def _copy_filed(
    rows: list[dict[str, Any]], *, actor: AnyUser, author: Any, now: datetime.datetime
) -> list[int]:
    """The filing on PostgreSQL: the items, their history rows and their transition records
    in three COPY statements (and one query for their ids).

    The same rows bulk_create_with_history and record_transitions write: every column of
    the item, a "+" history row by the filing user, a "" → draft record by the actor. Like
    theirs, the records are sealed into the audit chain by the sweeper (no post_save).
    """
    pks = reserve_ids(Item, len(rows))
    # Values every row shares, rendered once as COPY reads them (not once a row by csv).
    stamp, draft = now.isoformat(), str(Status.DRAFT)
    shared = {"created_at": stamp, "updated_at": stamp, "status": draft}
    columns = [field.attname for field in Item._meta.concrete_fields if not field.primary_key]
    copy_rows(
        Item,
        ["id", *columns],
        (
            [pk, *(row[name] for name in columns)]
            for pk, row in zip(pks, _shared(rows, shared), strict=True)
        ),
    )
    history = Item.history.model
    tracked = [field.attname for field in history.tracked_fields if field.attname != "id"]
    author_id = author.pk if author is not None else None
    copy_rows(
        history,
        [
            "id",
            *tracked,
            "history_date",
            "history_user_id",
            "history_change_reason",
            "history_type",
        ],
        (
            [pk, *(row[name] for name in tracked), stamp, author_id, None, "+"]
            for pk, row in zip(pks, _shared(rows, shared), strict=True)
        ),
    )
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    copy_rows(
        RectificationTransition,
        ["item_id", "actor_id", "from_status", "to_status", "comment", "created_at"],
        ([pk, actor_id, "", draft, "", stamp] for pk in pks),
    )
    return pks


def _shared(rows: list[dict[str, Any]], shared: dict[str, Any]) -> Any:
    """Each row with the shared values put in (the caller's rows are left as they are)."""
    return ({**row, **shared} for row in rows)


def item_establish(
    *,
    campaign: Campaign,
    unit: Unit,
    actor: AnyUser,
    fields: dict[str, Any],
    comment: str,
    notice: tuple[str, str],
    object_key: str,
    extra: dict[str, Any] | None = None,
) -> RectificationItem:
    """Staff put an established problem on the unit's ledger: the item starts accepted.

    The one path for problems found by staff (an inspection finding, a complaint, an
    officer's own record): the unit is told at once and reports progress against it.
    `notice` is (title with %(problem)s, body).
    """
    permissions.require_oversee(actor, unit)
    _require_under_way(campaign)
    cleaned = _clean_item_fields(dict(fields))
    with transaction.atomic():
        item = Item.objects.create(
            campaign=campaign,
            unit=unit,
            status=Status.ACCEPTED,
            created_by=who(actor),
            **cleaned,
            **(extra or {}),
        )
        record_transitions(
            record_model=RectificationTransition,
            subject_field="item",
            subjects=[item],
            from_status="",
            to_status=Status.ACCEPTED,
            actor=actor,
            comment=comment,
        )
        title, body = notice
        transaction.on_commit(
            lambda: notification_send(
                recipients=item_recipients(item),
                kind=Notification.Kind.ASSIGNED,
                title=title % {"problem": str(item)},
                body=body,
                url=item_url(item),
                object_key=object_key.format(pk=item.pk),
                deadline=item.deadline,
            )
        )
    return item


def item_raise(
    *,
    campaign: Campaign,
    unit: Unit,
    actor: AnyUser,
    problem: str,
    deadline: datetime.date,
    source_object: Any = None,
    comment: str = "",
    **fields: Any,
) -> RectificationItem:
    """An overseeing officer raises an item for a unit (from a complaint, say): accepted at once.

    Unlike item_create (a unit's own draft), the problem is established: the unit is
    notified and reports progress against it. `source_object` links the item to its origin.
    """
    fields.setdefault("source", Item.Source.FEEDBACK)
    return item_establish(
        campaign=campaign,
        unit=unit,
        actor=actor,
        fields={"problem": problem, "deadline": deadline, **fields},
        comment=comment.strip() or _("Raised by inspection staff"),
        notice=(
            _("Rectification item assigned: %(problem)s"),
            _("Rectify by %(deadline)s and report progress.") % {"deadline": deadline},
        ),
        object_key="campaign.item:{pk}:raised",
        extra=_source_fields(source_object),
    )


def item_update(*, item: RectificationItem, actor: AnyUser, **changes: Any) -> RectificationItem:
    """Edit a draft or returned item."""
    cleaned = _clean_item_fields(dict(changes))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        permissions.require_act_for(actor, locked.unit)
        if not locked.is_editable:
            raise ValidationError(
                _("Only draft or returned items can be edited; this one is “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*cleaned, "updated_at"])
    return locked


# --- Moves --------------------------------------------------------------------------------


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
    """Every item move: the actor checked on the locked row, then units.transitions.

    `only_from` narrows the map for services sharing a target: reopening a closure
    request (staff) and starting work (the unit) both lead to in progress.
    """
    require = permissions.require_act_for if who == "act" else permissions.require_oversee

    def check(row: RectificationItem) -> None:
        if actor is not None:
            require(actor, row.unit)
        if only_from is not None:
            check_transition(
                transitions={k: v for k, v in Item.TRANSITIONS.items() if k in only_from},
                current=row.status,
                target=target,
                labels=Status.choices,
            )

    after: Callable[[RectificationItem], None] | None = None
    if notify is not None:
        kind, title = notify

        def after(row: RectificationItem) -> None:
            notification_send(
                recipients=item_recipients(row),
                kind=kind,
                title=title % {"problem": str(row)},
                body=comment,
                url=item_url(row),
                object_key=f"campaign.item:{row.pk}:{target}:{timezone.now():%Y%m%d%H%M%S%f}",
            )

    return transition(
        item,
        target=target,
        actor=actor,
        comment=comment,
        fields=extra_fields,
        queryset=Item.objects.select_related("unit", "responsible_user"),
        check=check,
        after_commit=after,
    )


def item_submit(*, item: RectificationItem, actor: AnyUser) -> RectificationItem:
    """Hand a draft (or a corrected returned item) to inspection staff."""
    return _item_move(item=item, actor=actor, target=Status.SUBMITTED, who="act")


def items_submit_list(*, campaign: Campaign, unit: Unit, actor: AnyUser) -> int:
    """Submit every draft and returned item of the unit's list; returns how many."""
    permissions.require_act_for(actor, unit)
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
    """Inspection staff send the item back for revision, with the reason."""
    reason = required_text(reason, "reason", _("Give the reason for returning it."))
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
    text = required_text(text, "text", _("Describe the progress."))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        permissions.require_act_for(actor, locked.unit)
        if locked.status == Status.ACCEPTED:
            locked = item_start(item=locked, actor=actor)
        elif locked.status != Status.IN_PROGRESS:
            raise ValidationError(_("Progress can be reported only on accepted items in progress."))
        update = ProgressUpdate.objects.create(
            item=locked, text=text, attachment=attachment or "", author=who(actor)
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
    evidence = required_text(evidence, "evidence", _("Describe what was done as evidence."))
    with transaction.atomic():
        locked = Item.objects.select_for_update().select_related("unit").get(pk=item.pk)
        permissions.require_act_for(actor, locked.unit)
        if locked.long_term:
            raise ValidationError(_("Long-term items stay open by design and cannot be closed."))
        moved = _item_move(
            item=locked, actor=actor, target=Status.CLOSURE_REQUESTED, who="act", comment=evidence
        )
        evidence_row = ProgressUpdate.objects.create(
            item=moved,
            text=evidence,
            attachment=attachment or "",
            author=who(actor),
            is_closure_evidence=True,
        )
        # 销号申请 waits for verification: the staff who oversee the unit are told.
        notify_overseers(
            unit=moved.unit,
            title=_("Closure requested by %(unit)s: %(problem)s")
            % {"unit": moved.unit.name, "problem": str(moved)},
            body=evidence,
            url=item_url(moved),
            object_key=f"campaign.item:{moved.pk}:closure_requested:{evidence_row.pk}",
        )
    return moved


def item_close(
    *, item: RectificationItem, actor: AnyUser, verification_note: str
) -> RectificationItem:
    """已销号: inspection staff verified the rectification."""
    note = required_text(
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
    reason = required_text(reason, "reason", _("Give the reason for returning it."))
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
