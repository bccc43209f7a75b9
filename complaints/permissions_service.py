"""Who may manage service commitments and reception days, and their fetch helpers.

A unit's heads (whoever acts for the unit) write its commitments; officers and leaders read
those of the units they see. Reception days are the inspection staff's: complaint handlers
publish them and register the visits, within their jurisdiction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from complaints.models import ReceptionDay, ServiceCommitment
from complaints.permissions import is_handler
from complaints.selectors_service import commitments_visible_to, reception_days_visible_to
from units.models import Unit
from units.permissions import can_act_for_unit, can_oversee_all_units, can_oversee_unit
from units.selectors import units_actable_by
from units.types import AnyUser


def can_manage_commitments_of(user: AnyUser, unit: Unit) -> bool:
    return can_act_for_unit(user, unit)


def can_manage_some_commitments(user: AnyUser) -> bool:
    """The user acts for a unit (shows the new-commitment button)."""
    return units_actable_by(user=user).exists()


def require_manage_commitments_of(user: AnyUser, unit: Unit) -> None:
    if not can_manage_commitments_of(user, unit):
        raise PermissionDenied(_("Only the unit's own staff may manage its service commitments."))


def get_commitment_for_user_or_404(user: AnyUser, pk: int) -> ServiceCommitment:
    """Outsiders get 404: a commitment of a unit they do not see does not exist for them."""
    try:
        return commitments_visible_to(user=user).select_related("unit").get(pk=pk)
    except ServiceCommitment.DoesNotExist:
        raise Http404(_("Service commitment not found.")) from None


def can_manage_reception_day(user: AnyUser, unit: Unit | None) -> bool:
    """Complaint handlers, for a day hosted in their jurisdiction (the county's: all units)."""
    if not is_handler(user):
        return False
    return can_oversee_all_units(user) if unit is None else can_oversee_unit(user, unit)


def require_manage_reception_day(user: AnyUser, unit: Unit | None) -> None:
    if not can_manage_reception_day(user, unit):
        raise PermissionDenied(_("Only complaint staff of the jurisdiction manage reception days."))


def require_reception_pages(user: AnyUser) -> None:
    """The internal schedule is the complaint staff's (others: 403)."""
    if not is_handler(user):
        raise PermissionDenied(_("Only complaint staff manage reception days."))


def get_reception_day_for_user_or_404(user: AnyUser, pk: int) -> ReceptionDay:
    require_reception_pages(user)
    try:
        return reception_days_visible_to(user=user).select_related("unit", "leader").get(pk=pk)
    except ReceptionDay.DoesNotExist:
        raise Http404(_("Reception day not found.")) from None
