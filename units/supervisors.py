"""The supervisors' roster: who sees it, who keeps it, and every write to it.

An officer keeps the roster of their jurisdiction: they appoint a supervisor (creating the
sign-in account in the 监督员 group), set the term of office and the units watched (all
within the jurisdiction), and change them later. A supervisor whose term has ended keeps
their account and their reports but can no longer file (campaign's report service asks
`supervisor_serving_for`). Supervisors hold no grant on any unit: `units_watched_by` is all
they see of the organisation.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from units import roles
from units.models import Supervisor, Unit
from units.selectors import OVERSEE, granted_unit_paths, unit_scope_q
from units.types import AnyUser

User = get_user_model()

# --- Who may -------------------------------------------------------------------------------


def can_manage_supervisors(user: AnyUser) -> bool:
    """Keep the roster: inspection staff (a subtree officer, of their subtree)."""
    return bool(
        user.is_authenticated
        and (getattr(user, "is_superuser", False) or roles.has_role(user, roles.INSPECTION_STAFF))
    )


def get_supervisor_for_user_or_404(user: AnyUser, pk: int) -> Supervisor:
    """A roster entry the officer keeps; anyone else (the supervisor included) gets 404."""
    if not can_manage_supervisors(user):
        raise Http404(_("Supervisor not found."))
    try:
        return Supervisor.objects.visible_to(user).select_related("user", "jurisdiction").get(pk=pk)
    except Supervisor.DoesNotExist:
        raise Http404(_("Supervisor not found.")) from None


# --- Reads ---------------------------------------------------------------------------------


def supervisors_visible_to(*, user: AnyUser) -> QuerySet[Supervisor]:
    """The roster page: the officer's supervisors with the number of units each watches."""
    if not can_manage_supervisors(user):
        return Supervisor.objects.none()
    return (
        Supervisor.objects.visible_to(user)
        .select_related("user", "jurisdiction")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("term_end", "name", "pk")
    )


def supervisor_of(*, user: AnyUser) -> Supervisor | None:
    """The signed-in user's roster entry (None for everyone else)."""
    if not user.is_authenticated:
        return None
    return Supervisor.objects.filter(user_id=user.pk).first()


def units_watched_by(*, user: AnyUser) -> QuerySet[Unit]:
    """The units a supervisor watches (empty for anyone who is not one)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(supervisors__user_id=user.pk).active()


def supervisor_serving_for(*, user: AnyUser, unit: Unit) -> Supervisor:
    """The supervisor `user` is, in office today and watching `unit`; else refused."""
    supervisor = supervisor_of(user=user)
    if supervisor is None or not supervisor.units.filter(pk=unit.pk).exists():
        raise PermissionDenied(_("You do not watch this unit."))
    if not supervisor.user.is_active or not supervisor.serving_on(timezone.localdate()):
        raise ValidationError(
            _(
                "Your term as a supervisor ran from %(start)s to %(end)s; you can no longer file reports."
            )
            % {"start": supervisor.term_start, "end": supervisor.term_end}
        )
    return supervisor


def appointable_units(*, user: AnyUser) -> QuerySet[Unit]:
    """The units an officer may give a supervisor to watch: their active jurisdiction."""
    return Unit.objects.filter(unit_scope_q(user=user, codename=OVERSEE)).active()


# --- Writes --------------------------------------------------------------------------------


def _jurisdiction_for(actor: AnyUser, units: Sequence[Unit]) -> Unit:
    """The root of the actor's jurisdiction that holds every unit: their granted subtree, or
    for county-wide staff the top-level unit. One root for all the units, else refused."""
    if not units:
        raise ValidationError({"units": _("Choose at least one unit to watch.")})
    allowed = set(
        appointable_units(user=actor)
        .filter(pk__in=[u.pk for u in units])
        .values_list("pk", flat=True)
    )
    if allowed != {u.pk for u in units}:
        raise ValidationError(
            {"units": _("Every unit watched must be an active unit in your jurisdiction.")}
        )
    if unit_scope_q(user=actor, codename=OVERSEE) == Q():
        # County-wide staff: the jurisdiction is the county the units are in.
        roots = sorted({u.path[: Unit.steplen] for u in units})
    else:
        roots = granted_unit_paths(user=actor, codenames=(OVERSEE,))
    holding = [r for r in roots if all(u.path.startswith(r) for u in units)]
    if not holding:
        raise ValidationError({"units": _("The units watched must all lie in one jurisdiction.")})
    return Unit.objects.get(path=holding[0])


def _clean(
    *, name: str, category: str, standing: str, term_start: Any, term_end: Any
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the supervisor's name.")
    if category not in Supervisor.Category.values:
        errors["category"] = _("Choose a supervisor category.")
    if standing not in Supervisor.Standing.values:
        errors["standing"] = _("Choose whether they are a deputy, a member or other.")
    if not isinstance(term_start, datetime.date):
        errors["term_start"] = _("Enter the first day of the term.")
    if not isinstance(term_end, datetime.date):
        errors["term_end"] = _("Enter the last day of the term.")
    elif isinstance(term_start, datetime.date) and term_end < term_start:
        errors["term_end"] = _("The term cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "category": category,
        "standing": standing,
        "term_start": term_start,
        "term_end": term_end,
    }


def _require_manage(actor: AnyUser) -> None:
    if not can_manage_supervisors(actor):
        raise PermissionDenied(_("Only inspection staff may keep the supervisors' roster."))


def supervisor_appoint(
    *,
    actor: AnyUser,
    username: str,
    password: str,
    name: str,
    category: str,
    standing: str,
    term_start: datetime.date,
    term_end: datetime.date,
    units: Sequence[Unit],
    phone: str = "",
    workplace: str = "",
) -> Supervisor:
    """Appoint a supervisor: their sign-in account in the 监督员 group and the roster entry."""
    _require_manage(actor)
    fields = _clean(
        name=name, category=category, standing=standing, term_start=term_start, term_end=term_end
    )
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Enter a user name for the sign-in account.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This user name is already taken.")})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    units = list(units)
    jurisdiction = _jurisdiction_for(actor, units)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username, password=password, first_name=fields["name"]
        )
        user.groups.add(Group.objects.get(name=roles.SUPERVISOR))
        supervisor = Supervisor.objects.create(
            user=user,
            jurisdiction=jurisdiction,
            phone=phone.strip(),
            workplace=workplace.strip(),
            appointed_by=actor if actor.is_authenticated else None,
            **fields,
        )
        supervisor.units.set(units)
    return supervisor


def supervisor_update(
    *,
    supervisor: Supervisor,
    actor: AnyUser,
    name: str,
    category: str,
    standing: str,
    term_start: datetime.date,
    term_end: datetime.date,
    units: Sequence[Unit],
    phone: str = "",
    workplace: str = "",
) -> Supervisor:
    """Change a roster entry: its category, standing, term (ending it early) or units."""
    _require_manage(actor)
    if not Supervisor.objects.visible_to(actor).filter(pk=supervisor.pk).exists():
        raise PermissionDenied(_("This supervisor is not on your roster."))
    fields = _clean(
        name=name, category=category, standing=standing, term_start=term_start, term_end=term_end
    )
    units = list(units)
    jurisdiction = _jurisdiction_for(actor, units)
    with transaction.atomic():
        row = Supervisor.objects.select_for_update().get(pk=supervisor.pk)
        for key, value in {
            **fields,
            "phone": phone.strip(),
            "workplace": workplace.strip(),
            "jurisdiction": jurisdiction,
        }.items():
            setattr(row, key, value)
        row.save()
        row.units.set(units)
        if row.user.first_name != fields["name"]:
            row.user.first_name = fields["name"]
            row.user.save(update_fields=["first_name"])
    return row
