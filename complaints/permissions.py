"""Who may do what to a complaint, and the fetch helper every complaint view uses.

Units see only the complaints assigned to them (never who complained); inspection staff
handle everything in their jurisdiction plus the unrouted intake; leaders read.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.selectors import complaints_visible_to
from units.permissions import can_act_for_unit, can_oversee_unit
from units.types import AnyUser

HANDLE = "complaints.handle_complaint"
VIEW_IDENTITY = "complaints.view_complainant_identity"
VIEW_FIGURES = "complaints.view_complaint_figures"


def is_handler(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(HANDLE))  # type: ignore[union-attr]


def can_handle_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """Intake, triage, assignment, review, return visit: staff, within their jurisdiction."""
    if not is_handler(user):
        return False
    for unit in (complaint.unit, complaint.subject_unit):
        if unit is not None and not can_oversee_unit(user, unit):
            return False
    return True


def can_answer_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """The unit the case is assigned to acts on it (answer, re-routing, extension)."""
    return complaint.unit is not None and can_act_for_unit(user, complaint.unit)


def can_view_identity(user: AnyUser, complaint: Complaint) -> bool:
    if not (user.is_authenticated and user.has_perm(VIEW_IDENTITY)):  # type: ignore[union-attr]
        return False
    # Never to the unit that handles or is complained about, whatever else it holds.
    for unit in (complaint.unit, complaint.subject_unit):
        if unit is not None and can_act_for_unit(user, unit):
            return False
    return True


def can_view_attachments(user: AnyUser, complaint: Complaint) -> bool:
    """Files may show who sent them (a receipt, a face): staff and leaders, not the unit."""
    if can_handle_complaint(user, complaint):
        return True
    return bool(
        user.is_authenticated
        and user.has_perm("complaints.view_all_complaints")  # type: ignore[union-attr]
        and not (complaint.unit is not None and can_act_for_unit(user, complaint.unit))
    )


def can_view_figures(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(VIEW_FIGURES))  # type: ignore[union-attr]


def get_complaint_for_user_or_404(user: AnyUser, pk: int) -> Complaint:
    """Outsiders and sibling units get 404: a case they may not see does not exist for them."""
    try:
        return (
            complaints_visible_to(user=user)
            .select_related("category", "unit", "subject_unit", "merged_into")
            .get(pk=pk)
        )
    except Complaint.DoesNotExist:
        raise Http404(_("Complaint not found.")) from None


def require_handle(user: AnyUser, complaint: Complaint) -> None:
    if not can_handle_complaint(user, complaint):
        raise PermissionDenied(_("You may not handle this complaint."))


def require_answer(user: AnyUser, complaint: Complaint) -> None:
    if not can_answer_complaint(user, complaint):
        raise PermissionDenied(_("Only the unit the complaint is assigned to may do this."))
