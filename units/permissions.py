"""Who may do what to a unit, and the fetch helper every unit view uses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from units.models import Unit
from units.selectors import ACT, OVERSEE, unit_in_scope, unit_scope_q
from units.types import AnyUser


def can_view_unit(user: AnyUser, unit: Unit) -> bool:
    return unit_in_scope(user=user, unit=unit)


def can_act_for_unit(user: AnyUser, unit: Unit) -> bool:
    return unit_in_scope(user=user, unit=unit, codename=ACT)


def can_oversee_unit(user: AnyUser, unit: Unit) -> bool:
    return unit_in_scope(user=user, unit=unit, codename=OVERSEE)


def can_oversee_all_units(user: AnyUser) -> bool:
    """The whole county is the user's jurisdiction (not one subtree of it)."""
    return unit_scope_q(user=user, codename=OVERSEE) == Q()


def can_manage_units(user: AnyUser) -> bool:
    """Set up units, people and responsibilities (inspection staff, in the admin)."""
    return bool(user.is_authenticated and user.has_perm("units.change_unit"))  # type: ignore[union-attr]


def get_unit_for_user_or_404(user: AnyUser, pk: int) -> Unit:
    """Outsiders get 404: a unit they may not see does not exist for them."""
    try:
        return Unit.objects.visible_to(user).select_related("group").get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404(_("Unit not found.")) from None


def require_act_for_unit(user: AnyUser, unit: Unit) -> None:
    """Read-only users (leaders, leaders in charge) get 403 on writes."""
    if not can_act_for_unit(user, unit):
        raise PermissionDenied(_("You may not act for this unit."))
