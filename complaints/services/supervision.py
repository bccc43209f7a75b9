"""督办 and 催办 on a case in handling: an officer's recorded push on the handling unit.

The record and its once-a-day rule are campaign's (`campaign.services.reminder_send`), shared
with rectification items and deliverables; 督办 also marks the case as under supervision,
the level the daily sweep sets when a deadline passes (complaints.services.escalation).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Circular, CircularMention, Reminder
from campaign.services import circular_create, reminder_send
from complaints.models import Complaint, ComplaintEscalation
from complaints.permissions import require_handle
from complaints.selectors import unit_recipients
from complaints.services.handling import history_note, lock_case
from complaints.services.notices import notify_unit
from units.models import Notification
from units.types import AnyUser

# The unit holds the case: pushing it makes sense (a re-routing request waits on staff).
PUSHABLE = frozenset({Complaint.Status.ASSIGNED, Complaint.Status.SENT_BACK})


def _pushable(complaint: Complaint, actor: AnyUser) -> Complaint:
    locked = lock_case(complaint)
    require_handle(actor, locked)
    if locked.status not in PUSHABLE or locked.unit is None:
        raise ValidationError(
            _("Only cases a unit is handling can be supervised or urged (status: %(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def complaint_supervise(*, complaint: Complaint, actor: AnyUser, text: str = "") -> Reminder:
    """督办: a supervision notice to the handling unit and its leaders in charge; a case not
    yet under supervision is marked 督办 (with a line in its history)."""
    with transaction.atomic():
        locked = _pushable(complaint, actor)
        assert locked.unit is not None
        if locked.supervision == Complaint.Supervision.NONE:
            locked.supervision = Complaint.Supervision.SUPERVISED
            locked.supervised_at = timezone.now()
            locked.save(update_fields=["supervision", "supervised_at", "updated_at"])
            note = _("Marked for supervised handling (督办) by inspection staff.")
            history_note(locked, actor, f"{note} {text.strip()}".strip())
        people = unit_recipients(unit=locked.unit)
        return reminder_send(
            kind=Reminder.Kind.SUPERVISE,
            subject=locked,
            unit=locked.unit,
            actor=actor,
            recipients=people["heads"] + people["in_charge"],
            title=_("Supervision notice: complaint %(number)s (deadline %(deadline)s)")
            % {"number": locked.number, "deadline": locked.deadline or "-"},
            url=locked.get_absolute_url(),
            text=text,
            deadline=locked.deadline,
        )


def complaint_urge(*, complaint: Complaint, actor: AnyUser, text: str = "") -> Reminder:
    """催办: remind the handling unit to answer the case."""
    with transaction.atomic():
        locked = _pushable(complaint, actor)
        assert locked.unit is not None
        return reminder_send(
            kind=Reminder.Kind.URGE,
            subject=locked,
            unit=locked.unit,
            actor=actor,
            recipients=unit_recipients(unit=locked.unit)["heads"],
            title=_("Reminder to handle: complaint %(number)s (deadline %(deadline)s)")
            % {"number": locked.number, "deadline": locked.deadline or "-"},
            url=locked.get_absolute_url(),
            text=text,
            deadline=locked.deadline,
        )


# Where an officer lists a case by hand: any open case (the staff's own acceptance too).
LISTABLE = frozenset(set(Complaint.Status.values) - Complaint.FINAL_STATUSES)


def _stage_of(complaint: Complaint) -> str:
    if complaint.status in (Complaint.Status.REGISTERED, Complaint.Status.ACCEPTED):
        return ComplaintEscalation.Stage.ACCEPTANCE
    if complaint.status == Complaint.Status.RETURN_VISIT:
        return ComplaintEscalation.Stage.RETURN_VISIT
    return ComplaintEscalation.Stage.HANDLING


def complaint_list_supervision(
    *, complaint: Complaint, actor: AnyUser, reason: str
) -> ComplaintEscalation:
    """挂牌督办 by hand: an officer lists an open case, with the reason (shown on the case
    page and the 督办 board, told to the handling unit and its leaders in charge)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for listing the case.")})
    with transaction.atomic():
        locked = lock_case(complaint)
        require_handle(actor, locked)
        if locked.status not in LISTABLE:
            raise ValidationError(
                _("Only an open case can be listed for supervision (status: %(status)s).")
                % {"status": locked.get_status_display()}
            )
        if locked.supervision == Complaint.Supervision.LISTED:
            raise ValidationError(_("This case is already listed for supervision."))
        now = timezone.now()
        locked.supervision = Complaint.Supervision.LISTED
        locked.listed_at = now
        locked.supervised_at = locked.supervised_at or now
        locked.save(update_fields=["supervision", "listed_at", "supervised_at", "updated_at"])
        history_note(
            locked, actor, _("Listed for supervision (挂牌督办): %(reason)s") % {"reason": reason}
        )
        listing = ComplaintEscalation.objects.create(  # type: ignore[misc]  # staff, checked by require_*
            complaint=locked,
            stage=_stage_of(locked),
            kind=ComplaintEscalation.Kind.LISTING,
            deadline=locked.deadline if locked.unit_id else locked.accept_deadline,
            unit=locked.unit,
            reason=reason,
            issued_by=actor,
            issued_at=now,
        )
        notify_unit(
            locked,
            kind=Notification.Kind.REMINDER,
            title=_("Complaint %(number)s is listed for supervision (挂牌督办)")
            % {"number": locked.number},
            include_in_charge=True,
            object_suffix=f":listed_by_hand:{listing.pk}",
        )
    return listing


def criticism_proposal_decide(
    *,
    proposal: ComplaintEscalation,
    actor: AnyUser,
    draft: bool,
    note: str = "",
    campaign: Campaign | None = None,
) -> ComplaintEscalation:
    """The officers' decision on a 通报批评 proposal: a draft criticism circular naming the
    unit in `campaign` (published, or not, through the circular's own steps), or dismissed
    with a note. Once."""
    note = note.strip()
    if not draft and not note:
        raise ValidationError({"note": _("Say why no criticism is circulated.")})
    if draft and campaign is None:
        raise ValidationError({"campaign": _("Choose the campaign the circular belongs to.")})
    with transaction.atomic():
        locked = lock_case(proposal.complaint)
        require_handle(actor, locked)
        row = ComplaintEscalation.objects.select_for_update().get(pk=proposal.pk)
        if row.kind != ComplaintEscalation.Kind.CRITICISM or row.decision != (
            ComplaintEscalation.Decision.PENDING
        ):
            raise ValidationError(_("This proposal has already been decided."))
        row.decided_by = actor  # type: ignore[assignment]
        row.decided_at = timezone.now()
        row.decision_note = note
        if draft:
            assert campaign is not None
            unit = row.unit or locked.unit
            if unit is None or not unit.path.startswith(campaign.scope.path):
                raise ValidationError({"campaign": _("This campaign does not cover the unit.")})
            facts = {
                "unit": unit.name,
                "number": locked.number,
                "title": locked.title,
                "deadline": row.deadline.isoformat() if row.deadline else "-",
            }
            row.circular = circular_create(
                campaign=campaign,
                kind=Circular.Kind.CRITICISM,
                title=_("Circulated criticism of %(unit)s for overdue complaint handling") % facts,
                body=_(
                    "%(unit)s did not finish complaint %(number)s (%(title)s) by its handling "
                    "deadline %(deadline)s and had not finished it after the reminder notice "
                    "and listed supervision. It is hereby criticised and must finish the case "
                    "at once and report back."
                )
                % facts
                + (f"\n\n{note}" if note else ""),
                actor=actor,
                mentions=[(unit, CircularMention.Tone.NEGATIVE)],
            )
            row.decision = ComplaintEscalation.Decision.DRAFTED
        else:
            row.decision = ComplaintEscalation.Decision.DISMISSED
        row.save(
            update_fields=["decision", "decided_by", "decided_at", "decision_note", "circular"]
        )
        history_note(
            locked,
            actor,
            (
                _("Criticism proposal: circular drafted (%(circular)s).")
                % {"circular": row.circular}
                if draft
                else _("Criticism proposal dismissed: %(note)s") % {"note": note}
            ),
        )
    return row
