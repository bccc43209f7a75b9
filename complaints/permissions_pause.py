"""Who may stop and restart a case's handling clock (中止计时)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.permissions import can_answer_complaint, can_handle_complaint
from units.types import AnyUser


def can_pause_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """The handling unit, which waits on the complainant, or staff who handle the case."""
    return can_answer_complaint(user, complaint) or can_handle_complaint(user, complaint)


def require_pause(user: AnyUser, complaint: Complaint) -> None:
    if not can_pause_complaint(user, complaint):
        raise PermissionDenied(
            _("Only the handling unit or inspection staff may pause or resume the clock.")
        )
