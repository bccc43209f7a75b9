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

from campaign.models import Reminder
from campaign.services import reminder_send
from complaints.models import Complaint
from complaints.permissions import require_handle
from complaints.selectors import unit_recipients
from complaints.services.handling import history_note, lock_case
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
