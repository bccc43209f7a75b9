"""Every write to complaints and accountability."""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import AccountabilityAction
from campaign.services import accountability_action_record
from complaints import conf
from complaints.identity import Identity
from complaints.identity import decrypt as identity_decrypt
from complaints.identity import encrypt as identity_encrypt
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintTransition,
    ExtensionRequest,
    IdentityReveal,
)
from complaints.permissions import (
    can_answer_complaint,
    can_handle_complaint,
    can_view_identity,
)
from units.models import Notification, Unit
from units.permissions import can_oversee_unit
from units.services import NoticeBatch, notification_send
from units.transitions import check_transition, record_transition, record_transitions
from units.types import AnyUser
from units.workdays import add_working_days, due_soon_cutoff

# --- Complaints ---------------------------------------------------------------------------
# Every move below re-reads the row under select_for_update, checks who acts, checks the
# transition map, saves with update_fields and writes a ComplaintTransition. Notifications
# carry the case number and subject only: never who complained.

logger = logging.getLogger(__name__)

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ASSIGNABLE_FROM = (Complaint.Status.ACCEPTED, Complaint.Status.REROUTE_REQUESTED)
TRACKING_CODE_LENGTH = 16  # 16 × 5 bits = 80 bits of randomness


@dataclass(frozen=True)
class Upload:
    """A file that passed the form's checks (type sniffed from its content)."""

    file: Any
    content_type: str
    extension: str


def tracking_code_new() -> str:
    return "".join(secrets.choice(CROCKFORD) for _i in range(TRACKING_CODE_LENGTH))


def tracking_code_normalise(text: str) -> str:
    """What the complainant typed or read aloud, as stored (Crockford's decoding rules)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def _category_days(category: ComplaintCategory | None, field: str) -> int:
    defaults = {"accept_days": 3, "handle_days": 15, "urgent_days": 3}
    return int(getattr(category, field)) if category is not None else defaults[field]


def complaint_default_deadline(
    *, category: ComplaintCategory | None, urgent: bool, start: datetime.date | None = None
) -> datetime.date:
    """限时办结: the handling deadline in working days from the category's limits."""
    days = _category_days(category, "urgent_days" if urgent else "handle_days")
    return add_working_days(start or timezone.localdate(), days)


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("unit", "subject_unit", "category")
        .get(pk=complaint.pk)
    )


def _move(
    locked: Complaint,
    *,
    target: str,
    actor: AnyUser | None,
    comment: str = "",
    fields: dict[str, Any] | None = None,
) -> Complaint:
    check_transition(
        transitions=Complaint.TRANSITIONS,
        current=locked.status,
        target=target,
        labels=Complaint.Status.choices,
    )
    from_status = locked.status
    changes = {"status": target, **(fields or {})}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*changes, "updated_at"])
    record_transition(
        record_model=ComplaintTransition,
        subject_field="complaint",
        subject=locked,
        from_status=from_status,
        to_status=target,
        actor=actor,
        comment=comment,
    )
    return locked


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _notify_unit(
    complaint: Complaint,
    *,
    kind: str,
    title: str,
    include_in_charge: bool = False,
    object_suffix: str = "",
    recipients_of: dict[int, dict[str, list[Any]]] | None = None,
    notices: NoticeBatch | None = None,
) -> None:
    """Tell the handling unit (and maybe its leaders in charge); e-mails go after commit.

    A sweep passes `recipients_of` to look each unit's recipients up once, and `notices`
    to write the notices in batches.
    """
    from complaints.selectors import unit_recipients

    if complaint.unit is None:
        return
    if recipients_of is None:
        people = unit_recipients(unit=complaint.unit)
    else:
        if complaint.unit.pk not in recipients_of:
            recipients_of[complaint.unit.pk] = unit_recipients(unit=complaint.unit)
        people = recipients_of[complaint.unit.pk]
    recipients = people["heads"] + (people["in_charge"] if include_in_charge else [])
    url = reverse("complaints:detail", args=[complaint.pk])
    body = _("Case %(number)s: %(title)s. Handling deadline: %(deadline)s.") % {
        "number": complaint.number,
        "title": complaint.title,
        "deadline": complaint.deadline or "-",
    }
    deadline = complaint.deadline
    key = f"complaint:{complaint.pk}{object_suffix}"
    # The notice is written in the caller's transaction, with the move it reports: deferred
    # to after commit, a process dying in between (a worker killed mid-sweep) would leave a
    # claimed case whose notice is never sent. notification_send e-mails after commit.
    (notices.add if notices is not None else notification_send)(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=url,
        object_key=key,
        deadline=deadline,
    )


def complaint_submit(
    *,
    channel: str,
    title: str,
    content: str,
    category: ComplaintCategory | None = None,
    subject_unit: Unit | None = None,
    subject_person: str = "",
    identity: Identity | None = None,
    uploads: list[Upload] | None = None,
    urgent: bool = False,
    received_at: datetime.datetime | None = None,
    actor: AnyUser | None = None,
) -> Complaint:
    """登记: the public web form (actor None) or staff intake for the other channels."""
    if channel not in Complaint.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if channel != Complaint.Channel.WEB:
        _require(
            actor is not None and actor.has_perm("complaints.handle_complaint"),
            _("Only inspection staff may register complaints from this channel."),
        )
    title, content = title.strip(), content.strip()
    if not title:
        raise ValidationError({"title": _("Please give the complaint a subject.")})
    if not content:
        raise ValidationError({"content": _("Please describe what happened.")})
    identity = identity or Identity()
    received = received_at or timezone.now()
    code = tracking_code_new()
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=f"TMP-{code}",
            tracking_code=code,
            channel=channel,
            category=category,
            subject_unit=subject_unit,
            subject_person=subject_person.strip(),
            title=title,
            content=content,
            urgent=urgent,
            identity_token=identity_encrypt(identity),
            has_identity=identity.is_named,
            received_at=received,
            accept_deadline=add_working_days(
                timezone.localtime(received).date(), _category_days(category, "accept_days")
            ),
            registered_by=actor if actor is not None and actor.is_authenticated else None,
        )
        complaint.number = f"TS{timezone.localtime(received).year}-{complaint.pk:06d}"
        complaint.save(update_fields=["number"])
        for upload in uploads or []:
            attachment = ComplaintAttachment(
                complaint=complaint,
                original_name=str(getattr(upload.file, "name", ""))[:255] or "file",
                content_type=upload.content_type,
                size=int(upload.file.size),
            )
            attachment.file.save(
                f"{secrets.token_hex(16)}.{upload.extension}", upload.file, save=False
            )
            attachment.save()
        record_transition(
            record_model=ComplaintTransition,
            subject_field="complaint",
            subject=complaint,
            from_status="",
            to_status=Complaint.Status.REGISTERED,
            actor=actor,
            comment=str(Complaint.Channel(channel).label),
        )
    return complaint


def complaint_accept(*, complaint: Complaint, actor: AnyUser, comment: str = "") -> Complaint:
    """受理."""
    with transaction.atomic():
        locked = _locked(complaint)
        _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        return _move(
            locked,
            target=Complaint.Status.ACCEPTED,
            actor=actor,
            comment=comment,
            fields={"accepted_at": timezone.now()},
        )


def complaint_reject(*, complaint: Complaint, actor: AnyUser, reason: str) -> Complaint:
    """不予受理: the reason is shown to the complainant."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the complainant why it is not accepted.")})
    with transaction.atomic():
        locked = _locked(complaint)
        _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        return _move(
            locked,
            target=Complaint.Status.REJECTED,
            actor=actor,
            comment=reason,
            fields={"rejection_reason": reason, "closed_at": timezone.now()},
        )


def complaint_assign(
    *,
    complaint: Complaint,
    unit: Unit,
    actor: AnyUser,
    deadline: datetime.date | None = None,
    instructions: str = "",
) -> Complaint:
    """交办 (or re-route) to a unit with a handling deadline in working days."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(complaint)
        _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        _require(can_oversee_unit(actor, unit), _("You may not assign complaints to this unit."))
        if not unit.is_active:
            raise ValidationError({"unit": _("The unit is archived.")})
        deadline = deadline or complaint_default_deadline(
            category=locked.category, urgent=locked.urgent, start=today
        )
        if deadline <= today:
            raise ValidationError({"deadline": _("The deadline must be after today.")})
        # Return visit → assigned is the complainant's reopening (complaint_rate), not 交办.
        check_transition(
            transitions={s: {Complaint.Status.ASSIGNED} for s in ASSIGNABLE_FROM},
            current=locked.status,
            target=Complaint.Status.ASSIGNED,
            labels=Complaint.Status.choices,
        )
        rerouted = locked.status == Complaint.Status.REROUTE_REQUESTED
        comment = instructions.strip() or (_("Re-routed") if rerouted else "")
        moved = _move(
            locked,
            target=Complaint.Status.ASSIGNED,
            actor=actor,
            comment=f"{unit.name} · {deadline.isoformat()}" + (f" · {comment}" if comment else ""),
            fields={
                "unit": unit,
                "deadline": deadline,
                "assigned_at": timezone.now(),
                "instructions": instructions.strip(),
                "supervision": Complaint.Supervision.NONE,
                "supervised_at": None,
                "listed_at": None,
            },
        )
        _notify_unit(
            moved,
            kind=Notification.Kind.ASSIGNED,
            title=_("Complaint %(number)s has been assigned to your unit")
            % {"number": moved.number},
            object_suffix=f":assigned:{moved.transitions.count()}",
        )
    return moved


def complaint_request_reroute(*, complaint: Complaint, actor: AnyUser, reason: str) -> Complaint:
    """非本单位职责: the unit asks the staff to route the case elsewhere."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Explain why this is not your unit's responsibility.")})
    with transaction.atomic():
        locked = _locked(complaint)
        _require(
            can_answer_complaint(actor, locked),
            _("Only the unit the complaint is assigned to may do this."),
        )
        return _move(locked, target=Complaint.Status.REROUTE_REQUESTED, actor=actor, comment=reason)


def complaint_answer(
    *,
    complaint: Complaint,
    actor: AnyUser,
    facts: str,
    verdict: str,
    measures: str,
    public_reply: str,
) -> Complaint:
    """办理: the unit reports the facts, the verdict, its measures and the public reply."""
    errors = {}
    if not facts.strip():
        errors["facts"] = _("Describe the facts found.")
    if verdict not in Complaint.Verdict.values:
        errors["verdict"] = _("Choose a verdict.")
    if not public_reply.strip():
        errors["public_reply"] = _("Write the reply the complainant will read.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(complaint)
        _require(
            can_answer_complaint(actor, locked),
            _("Only the unit the complaint is assigned to may do this."),
        )
        return _move(
            locked,
            target=Complaint.Status.ANSWERED,
            actor=actor,
            fields={
                "facts": facts.strip(),
                "verdict": verdict,
                "measures": measures.strip(),
                "public_reply": public_reply.strip(),
                "answered_at": timezone.now(),
            },
        )


def complaint_review(
    *, complaint: Complaint, actor: AnyUser, approve: bool, note: str = ""
) -> Complaint:
    """审核: accept the unit's answer (on to the return visit) or send it back (退回重办)."""
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say what the unit must redo.")})
    with transaction.atomic():
        locked = _locked(complaint)
        _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        target = Complaint.Status.RETURN_VISIT if approve else Complaint.Status.SENT_BACK
        moved = _move(
            locked, target=target, actor=actor, comment=note, fields={"review_note": note}
        )
        if not approve:
            _notify_unit(
                moved,
                kind=Notification.Kind.RETURNED,
                title=_("Complaint %(number)s was sent back for re-handling")
                % {"number": moved.number},
                object_suffix=f":returned:{moved.transitions.count()}",
            )
    return moved


def complaint_rate(
    *,
    complaint: Complaint,
    satisfaction: str,
    comment: str = "",
    actor: AnyUser | None = None,
) -> Complaint:
    """回访: the complainant (actor None, by tracking code) or staff record the rating.

    Satisfied or basically satisfied closes the case; unsatisfied reopens it with the unit.
    """
    if satisfaction not in Complaint.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied you are.")})
    with transaction.atomic():
        locked = _locked(complaint)
        if actor is not None:
            _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        fields: dict[str, Any] = {
            "satisfaction": satisfaction,
            "satisfaction_comment": comment.strip(),
        }
        # Only a case at the return visit can be rated, whatever the rating leads to.
        target = (
            Complaint.Status.ASSIGNED
            if satisfaction == Complaint.Satisfaction.UNSATISFIED
            else Complaint.Status.CLOSED
        )
        check_transition(
            transitions={Complaint.Status.RETURN_VISIT: {target}},
            current=locked.status,
            target=target,
            labels=Complaint.Status.choices,
        )
        if satisfaction == Complaint.Satisfaction.UNSATISFIED:
            fields |= {
                "deadline": add_working_days(timezone.localdate(), conf.reopen_handle_days()),
                "reopen_count": locked.reopen_count + 1,
                "supervision": Complaint.Supervision.NONE,
                "supervised_at": None,
                "listed_at": None,
            }
            moved = _move(
                locked,
                target=Complaint.Status.ASSIGNED,
                actor=actor,
                comment=_("Reopened: the complainant is not satisfied.")
                + (f" {comment.strip()}" if comment.strip() else ""),
                fields=fields,
            )
            _notify_unit(
                moved,
                kind=Notification.Kind.RETURNED,
                title=_("Complaint %(number)s was reopened: the complainant is not satisfied")
                % {"number": moved.number},
                object_suffix=f":reopened:{moved.reopen_count}",
            )
            return moved
        fields["closed_at"] = timezone.now()
        return _move(
            locked,
            target=Complaint.Status.CLOSED,
            actor=actor,
            comment=str(Complaint.Satisfaction(satisfaction).label),
            fields=fields,
        )


def complaint_close(*, complaint: Complaint, actor: AnyUser, comment: str) -> Complaint:
    """办结 without a rating, e.g. an anonymous complainant who never came back."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the case is closed without a rating.")})
    with transaction.atomic():
        locked = _locked(complaint)
        _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        return _move(
            locked,
            target=Complaint.Status.CLOSED,
            actor=actor,
            comment=comment.strip(),
            fields={"closed_at": timezone.now()},
        )


def complaint_merge(*, complaint: Complaint, into: Complaint, actor: AnyUser) -> Complaint:
    """Merge a duplicate into the case that carries on."""
    if into.pk == complaint.pk:
        raise ValidationError({"into": _("A complaint cannot be merged into itself.")})
    with transaction.atomic():
        locked = _locked(complaint)
        target = Complaint.objects.select_for_update(of=("self",)).get(pk=into.pk)
        _require(can_handle_complaint(actor, locked), _("You may not handle this complaint."))
        if target.status == Complaint.Status.MERGED:
            raise ValidationError(
                {"into": _("That complaint was itself merged; merge into the surviving case.")}
            )
        return _move(
            locked,
            target=Complaint.Status.MERGED,
            actor=actor,
            comment=target.number,
            fields={"merged_into": target, "closed_at": timezone.now()},
        )


def complaint_identity_reveal(*, complaint: Complaint, actor: AnyUser, reason: str) -> Identity:
    """Decrypt who complained, for a permitted officer, and log that they looked."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("State why you need to see the complainant's identity.")}
        )
    _require(
        can_view_identity(actor, complaint),
        _("You may not see who made this complaint."),
    )
    with transaction.atomic():
        IdentityReveal.objects.create(
            complaint=complaint, user=cast(Any, actor), reason=reason[:255]
        )
    logger.info("complainant identity of complaint %s viewed by user %s", complaint.pk, actor.pk)
    token = Complaint.objects.values_list("identity_token", flat=True).get(pk=complaint.pk)
    return identity_decrypt(token)


def extension_request_create(
    *, complaint: Complaint, actor: AnyUser, new_deadline: datetime.date, reason: str
) -> ExtensionRequest:
    """延期申请: only before the deadline has passed."""
    if not reason.strip():
        raise ValidationError({"reason": _("Explain why more time is needed.")})
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked(complaint)
        _require(
            can_answer_complaint(actor, locked),
            _("Only the unit the complaint is assigned to may do this."),
        )
        if not locked.is_in_handling or locked.deadline is None:
            raise ValidationError(_("Only a complaint being handled can be extended."))
        if today > locked.deadline:
            raise ValidationError(
                _("The deadline has passed: extensions must be asked before it expires.")
            )
        if new_deadline <= locked.deadline:
            raise ValidationError(
                {"new_deadline": _("The new deadline must be after the current one.")}
            )
        if ExtensionRequest.objects.filter(
            complaint=locked, status=ExtensionRequest.Status.PENDING
        ).exists():
            raise ValidationError(_("An extension request is already waiting for a decision."))
        request = ExtensionRequest.objects.create(
            complaint=locked,
            requested_by=cast(Any, actor),
            old_deadline=locked.deadline,
            new_deadline=new_deadline,
            reason=reason.strip(),
        )
        record_transition(
            record_model=ComplaintTransition,
            subject_field="complaint",
            subject=locked,
            from_status=locked.status,
            to_status=locked.status,
            actor=actor,
            comment=_("Extension requested to %(date)s: %(reason)s")
            % {"date": new_deadline.isoformat(), "reason": reason.strip()},
        )
    return request


def extension_request_decide(
    *, request: ExtensionRequest, actor: AnyUser, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Staff approve (the deadline moves, the old one stays in history) or refuse."""
    with transaction.atomic():
        locked_request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        complaint = _locked(locked_request.complaint)
        _require(can_handle_complaint(actor, complaint), _("You may not handle this complaint."))
        if locked_request.status != ExtensionRequest.Status.PENDING:
            raise ValidationError(_("This extension request has already been decided."))
        locked_request.status = (
            ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
        )
        locked_request.decided_by = cast(Any, actor)
        locked_request.decided_at = timezone.now()
        locked_request.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            complaint.deadline = locked_request.new_deadline
            complaint.save(update_fields=["deadline", "updated_at"])
        record_transition(
            record_model=ComplaintTransition,
            subject_field="complaint",
            subject=complaint,
            from_status=complaint.status,
            to_status=complaint.status,
            actor=actor,
            comment=(
                _("Extension approved: deadline %(old)s → %(new)s")
                if approve
                else _("Extension refused (deadline stays %(old)s)")
            )
            % {
                "old": locked_request.old_deadline.isoformat(),
                "new": locked_request.new_deadline.isoformat(),
            }
            + (f" {note.strip()}" if note.strip() else ""),
        )
    return locked_request


def complaints_escalation_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: reminders before deadlines, 督办 when overdue, 挂牌督办 when still overdue.

    Escalations go a thousand cases at a time: one transaction locks them (skipping rows a
    concurrent sweep holds), moves them with one UPDATE and writes their transition records
    and notices in batches, so two sweeps at once move and notify each case once and a
    sweep killed midway leaves no case moved without its record and notice.
    """
    today = today or timezone.localdate()
    handling = Complaint.objects.in_handling().filter(unit__isnull=False)
    # Looked up once per unit and per deadline, not once per case.
    recipients_of: dict[int, dict[str, list[Any]]] = {}

    reminders = NoticeBatch()
    soon = handling.filter(deadline__gte=today, deadline__lte=due_soon_cutoff(today))
    reminded = 0
    for complaint in soon.select_related("unit").iterator(chunk_size=2000):
        _notify_unit(
            complaint,
            kind=Notification.Kind.DUE_SOON,
            recipients_of=recipients_of,
            notices=reminders,
            title=_("Complaint %(number)s is due on %(deadline)s")
            % {"number": complaint.number, "deadline": complaint.deadline},
        )
        reminded += 1
    reminders.flush()

    supervised = _escalate(
        handling.filter(deadline__lt=today, supervision=Complaint.Supervision.NONE),
        to=Complaint.Supervision.SUPERVISED,
        stamp="supervised_at",
        comment=_("Overdue: marked for supervised handling (督办)."),
        title=_("Reminder notice: complaint %(number)s is overdue and under supervised handling"),
        suffix=":supervised",
        recipients_of=recipients_of,
    )

    # 挂牌督办 a set number of working days after the deadline: worked out per deadline.
    listing_days = conf.listing_after_working_days()
    overdue = handling.filter(deadline__lt=today, supervision=Complaint.Supervision.SUPERVISED)
    deadlines = overdue.order_by().values_list("deadline", flat=True).distinct()
    due = [day for day in deadlines if day and add_working_days(day, listing_days) < today]
    listed = _escalate(
        overdue.filter(deadline__in=due),
        to=Complaint.Supervision.LISTED,
        stamp="listed_at",
        comment=_("Still overdue: listed for supervision (挂牌督办)."),
        title=_("Reminder notice: complaint %(number)s is listed for supervision"),
        suffix=":listed",
        recipients_of=recipients_of,
    )
    return {"reminded": reminded, "supervised": supervised, "listed": listed}


def _escalate(
    cases: models.QuerySet[Complaint],
    *,
    to: str,
    stamp: str,
    comment: str,
    title: str,
    suffix: str,
    recipients_of: dict[int, dict[str, list[Any]]],
    chunk: int = 1000,
) -> int:
    """Move `cases` to supervision level `to`, a chunk per transaction; how many moved."""
    moved = 0
    now = timezone.now()
    while True:
        with transaction.atomic():
            batch = list(
                cases.select_for_update(skip_locked=True, of=("self",))
                .select_related("unit")
                .order_by("pk")[:chunk]
            )
            if not batch:
                return moved
            Complaint.objects.filter(pk__in=[c.pk for c in batch]).update(
                supervision=to, **{stamp: now}
            )
            by_status: dict[str, list[Complaint]] = {}
            for complaint in batch:
                by_status.setdefault(complaint.status, []).append(complaint)
            for status, subjects in by_status.items():
                record_transitions(
                    record_model=ComplaintTransition,
                    subject_field="complaint",
                    subjects=subjects,
                    from_status=status,
                    to_status=status,
                    actor=None,
                    comment=comment,
                )
            notices = NoticeBatch()
            for complaint in batch:
                _notify_unit(
                    complaint,
                    kind=Notification.Kind.REMINDER,
                    title=title % {"number": complaint.number},
                    include_in_charge=True,
                    object_suffix=suffix,
                    recipients_of=recipients_of,
                    notices=notices,
                )
            notices.flush()
            moved += len(batch)


def complaint_follow_up(
    *,
    complaint: Complaint,
    actor: AnyUser,
    kind: str,
    reason: str,
    document_number: str = "",
    date: datetime.date | None = None,
    create_rectification: bool = False,
) -> AccountabilityAction:
    """A substantiated complaint spawns 问责 (and, if the campaign app is there, 整改)."""
    if complaint.verdict not in (Complaint.Verdict.SUBSTANTIATED, Complaint.Verdict.PARTLY):
        raise ValidationError(_("Only a substantiated complaint can lead to accountability."))
    target = complaint.subject_unit or complaint.unit
    if target is None:
        raise ValidationError(_("The complaint names no unit to hold accountable."))
    with transaction.atomic():
        action = accountability_action_record(
            kind=kind,
            reason=reason,
            actor=actor,
            unit=target,
            date=date,
            document_number=document_number,
            source=complaint,
        )
        if create_rectification:
            _rectification_from_complaint(complaint=complaint, unit=target, actor=actor)
        record_transition(
            record_model=ComplaintTransition,
            subject_field="complaint",
            subject=complaint,
            from_status=complaint.status,
            to_status=complaint.status,
            actor=actor,
            comment=_("Accountability recorded: %(kind)s") % {"kind": action.get_kind_display()},
        )
    return action


def rectification_available() -> bool:
    """Whether the campaign app (built separately) offers items raised from a complaint."""
    try:
        from campaign import services as campaign_services
        from campaign.models import RectificationItem  # type: ignore[attr-defined]  # noqa: F401
    except ImportError:
        return False
    return hasattr(campaign_services, "rectification_item_from_complaint")


def _rectification_from_complaint(*, complaint: Complaint, unit: Unit, actor: AnyUser) -> None:
    """The campaign app is built separately: use its service when it offers one."""
    try:
        from campaign import services as campaign_services
    except ImportError:
        raise ValidationError(_("Rectification lists are not available yet.")) from None
    create = getattr(campaign_services, "rectification_item_from_complaint", None)
    if create is None:
        raise ValidationError(_("Rectification lists are not available yet."))
    create(complaint=complaint, unit=unit, actor=actor)
