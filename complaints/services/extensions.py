"""延期申请: the unit asks for more time before the deadline; inspection staff decide.

The rules shared with rectification items live in units.extension_requests; here: who may
ask and decide, "only before the deadline", and the entries in the case's history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ExtensionRequest
from complaints.permissions import require_answer, require_handle
from complaints.services.handling import history_note, lock_case
from units.extension_requests import extension_decide, extension_request_open
from units.types import AnyUser


def extension_request_create(
    *, complaint: Complaint, actor: AnyUser, new_deadline: datetime.date, reason: str
) -> ExtensionRequest:
    """延期申请: only before the deadline has passed."""
    with transaction.atomic():
        locked = lock_case(complaint)
        require_answer(actor, locked)
        if not locked.is_in_handling or locked.deadline is None:
            raise ValidationError(_("Only a complaint being handled can be extended."))
        if timezone.localdate() > locked.deadline:
            raise ValidationError(
                _("The deadline has passed: extensions must be asked before it expires.")
            )
        request = extension_request_open(
            model=ExtensionRequest,
            subject=locked,
            current_deadline=locked.deadline,
            requested_deadline=new_deadline,
            reason=reason,
            actor=actor,
            deadline_field="new_deadline",  # the form's field
        )
        history_note(
            locked,
            actor,
            _("Extension requested to %(date)s: %(reason)s")
            % {"date": new_deadline.isoformat(), "reason": request.reason},
        )
    return request


def extension_request_decide(
    *, request: ExtensionRequest, actor: AnyUser, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Staff approve (the deadline moves, the old one stays in history) or refuse."""
    note = note.strip()
    with transaction.atomic():
        # The case first, as when the request was made; its deadline moves on approval.
        complaint = lock_case(request.complaint)
        require_handle(actor, complaint)

        def move_deadline(deadline: datetime.date) -> None:
            complaint.deadline = deadline
            complaint.save(update_fields=["deadline", "updated_at"])

        decided = extension_decide(
            request=request, actor=actor, approve=approve, note=note, apply=move_deadline
        )
        history_note(
            complaint,
            actor,
            (
                _("Extension approved: deadline %(old)s → %(new)s")
                if approve
                else _("Extension refused (deadline stays %(old)s)")
            )
            % {
                "old": decided.old_deadline.isoformat(),
                "new": decided.requested_deadline.isoformat(),
            }
            + (f" {note}" if note else ""),
        )
    return decided
