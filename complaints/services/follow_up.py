"""What a substantiated complaint leads to: a rectification item (整改) for the unit
complained about and/or an accountability action (问责), each linked back to the case.

The item carries the complaint as its source (never who complained: its problem text is
the officer's, prefilled from the case's subject) and shows on the unit's ledger.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import AccountabilityAction, Campaign, RectificationItem
from campaign.services import accountability_action_record, item_raise
from complaints.models import Complaint
from complaints.permissions import require_handle
from complaints.selectors import items_raised_from
from complaints.services.handling import history_note, lock_case
from units.models import Unit
from units.types import AnyUser
from units.workdays import add_working_days


@dataclass(frozen=True)
class Accountability:
    """问责 chosen with an item: what kind, why, and the decision's document."""

    kind: str
    reason: str
    document_number: str = ""
    date: datetime.date | None = None


def _accountable_unit(complaint: Complaint) -> Unit:
    """The unit complained about (else the one that handled it), once the verdict holds."""
    if not complaint.is_substantiated:
        raise ValidationError(
            _(
                "Only a complaint found substantiated or partly substantiated, with its answer "
                "reviewed, can lead to rectification or accountability."
            )
        )
    unit = complaint.subject_unit or complaint.unit
    if unit is None:
        raise ValidationError(_("The complaint names no unit to hold accountable."))
    return unit


def _record_accountability(
    *, complaint: Complaint, unit: Unit, actor: AnyUser, accountability: Accountability
) -> AccountabilityAction:
    action = accountability_action_record(
        kind=accountability.kind,
        reason=accountability.reason,
        actor=actor,
        unit=unit,
        date=accountability.date,
        document_number=accountability.document_number,
        source=complaint,
    )
    history_note(
        complaint,
        actor,
        _("Accountability recorded: %(kind)s") % {"kind": action.get_kind_display()},
    )
    return action


def complaint_follow_up(
    *,
    complaint: Complaint,
    actor: AnyUser,
    kind: str,
    reason: str,
    document_number: str = "",
    date: datetime.date | None = None,
) -> AccountabilityAction:
    """问责 on a substantiated complaint, against the unit complained about."""
    with transaction.atomic():
        locked = lock_case(complaint)
        require_handle(actor, locked)
        unit = _accountable_unit(locked)
        return _record_accountability(
            complaint=locked,
            unit=unit,
            actor=actor,
            accountability=Accountability(kind, reason, document_number, date),
        )


def complaint_raise_item(
    *,
    complaint: Complaint,
    actor: AnyUser,
    campaign: Campaign,
    problem: str,
    working_days: int,
    accountability: Accountability | None = None,
) -> RectificationItem:
    """整改 (and, if chosen, 问责) from a substantiated complaint: one officer action.

    The item goes on the ledger of the unit complained about in `campaign`, due
    `working_days` working days from today, with the complaint as its source; the case's
    history says so. All or nothing.
    """
    problem = problem.strip()
    errors = {}
    if not problem:
        errors["problem"] = _("Describe the problem the unit must rectify.")
    if working_days < 1:
        errors["working_days"] = _("Give at least one working day.")
    if errors:
        raise ValidationError(errors)
    deadline = add_working_days(timezone.localdate(), working_days)
    with transaction.atomic():
        locked = lock_case(complaint)
        require_handle(actor, locked)
        unit = _accountable_unit(locked)
        if not unit.path.startswith(campaign.scope.path):
            raise ValidationError({"campaign": _("This campaign does not cover the unit.")})
        if items_raised_from(complaint=locked).filter(campaign=campaign).exists():
            raise ValidationError(
                {"campaign": _("This complaint has already raised an item in that campaign.")}
            )
        item = item_raise(
            campaign=campaign,
            unit=unit,
            actor=actor,
            problem=problem,
            deadline=deadline,
            source=RectificationItem.Source.COMPLAINT,
            source_object=locked,
            comment=_("Raised from complaint %(number)s") % {"number": locked.number},
        )
        history_note(
            locked,
            actor,
            _("Rectification item raised for %(unit)s in “%(campaign)s”, due %(deadline)s")
            % {"unit": unit.name, "campaign": campaign.name, "deadline": deadline.isoformat()},
        )
        if accountability is not None:
            _record_accountability(
                complaint=locked, unit=unit, actor=actor, accountability=accountability
            )
    return item
