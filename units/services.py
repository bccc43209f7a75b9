"""Every write to the organisation: units, people, responsibilities and their grants.

The shared notification service lives in units.notifications; its names are re-exported
here, where the apps have always found them.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units import roles
from units.models import (
    AssessmentGroup,
    Notification,
    Person,
    Responsibility,
    SecurityEvent,
    SessionCutoff,
    SessionEnd,
    Unit,
    UnitUserObjectPermission,
)
from units.notifications import (  # noqa: F401 (re-exported: apps send through units.services)
    NoticeBatch,
    notification_emails_deliver,
    notification_emails_drain,
    notification_mark_read,
    notification_send,
    notification_sms_deliver,
    notifications_deliver,
    notifications_mark_all_read,
)
from units.security_log import security_event
from units.selectors import ACT, VIEW
from units.transitions import transition
from units.types import AnyUser

logger = logging.getLogger(__name__)
User = get_user_model()  # the concrete model, for queries

# What each responsibility grants on its unit (and so on the unit's subtree).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Responsibility.Role.FIRST_RESPONSIBLE: (VIEW, ACT),
    Responsibility.Role.PRINCIPAL: (VIEW, ACT),
    Responsibility.Role.LIAISON: (VIEW, ACT),
    # 分管领导 follow the units they supervise, read-only.
    Responsibility.Role.LEADER_IN_CHARGE: (VIEW,),
}
ROLE_GROUPS: dict[str, str] = {
    Responsibility.Role.FIRST_RESPONSIBLE: roles.UNIT_HEAD,
    Responsibility.Role.PRINCIPAL: roles.UNIT_HEAD,
    Responsibility.Role.LIAISON: roles.UNIT_HEAD,
    Responsibility.Role.LEADER_IN_CHARGE: roles.LEADER_IN_CHARGE,
}
# Only these groups are given and taken by responsibilities; others are set by hand.
MANAGED_GROUPS = frozenset(ROLE_GROUPS.values())
# Roles a unit can hold only once at a time.
SINGLE_HOLDER_ROLES = frozenset({Responsibility.Role.FIRST_RESPONSIBLE})


# --- Units -------------------------------------------------------------------------------


def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    group: AssessmentGroup | None = None,
    sort_order: int = 0,
    actor: AnyUser | None = None,
) -> Unit:
    """Add a unit under `parent` (or as a root)."""
    code = code.strip()
    if not code:
        raise ValidationError({"code": _("The unit code is required.")})
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": _("The unit code “%(code)s” already exists.") % {"code": code}}
        )
    fields: dict[str, Any] = {
        "code": code,
        "name": name.strip(),
        "kind": kind,
        "short_name": short_name.strip(),
        "group": group,
        "sort_order": sort_order,
    }
    with transaction.atomic():
        if parent is None:
            return Unit.objects.add_root(create_kwargs=fields)
        # treebeard computes the child's path from the parent's child count: lock and
        # re-read the parent so that concurrent inserts cannot collide.
        locked_parent = Unit.objects.select_for_update().get(pk=parent.pk)
        if not locked_parent.is_active:
            raise ValidationError(_("Units cannot be added under an archived unit."))
        return Unit.objects.add_child(locked_parent, create_kwargs=fields)


_UNIT_EDITABLE = frozenset({"name", "short_name", "kind", "group", "sort_order"})


def unit_update(*, unit: Unit, actor: AnyUser | None = None, **changes: Any) -> Unit:
    """Change a unit's descriptive fields (not its place in the tree: see unit_move)."""
    unknown = set(changes) - _UNIT_EDITABLE
    if unknown:
        raise ValueError(f"unit_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=[*changes, "updated_at"])
    return locked


def unit_move(*, unit: Unit, new_parent: Unit, actor: AnyUser | None = None) -> Unit:
    """Move a unit and its subtree under another parent; grants follow the subtree."""
    with transaction.atomic():
        node = Unit.objects.select_for_update().get(pk=unit.pk)
        target = Unit.objects.select_for_update().get(pk=new_parent.pk)
        if target.path.startswith(node.path):
            raise ValidationError(_("A unit cannot be moved under itself or one of its sub-units."))
        Unit.objects.move(node, target, pos="last-child")
    return Unit.objects.get(pk=unit.pk)


def _unit_set_status(*, unit: Unit, target: str, actor: AnyUser | None, comment: str) -> Unit:
    def check(locked: Unit) -> None:
        if target == Unit.Status.ARCHIVED and Unit.objects.get_children(locked).active().exists():
            raise ValidationError(
                _("The unit still has active sub-units; archive or move them first.")
            )
        if target == Unit.Status.ACTIVE:
            parent = Unit.objects.get_parent(locked)
            if parent is not None and not parent.is_active:
                raise ValidationError(
                    _("The parent unit is archived; this unit cannot be restored on its own.")
                )

    return transition(unit, target=target, actor=actor, comment=comment, check=check)


def unit_archive(*, unit: Unit, actor: AnyUser | None, comment: str = "") -> Unit:
    """撤销: the unit stays on the books (audit) but takes no new work."""
    return _unit_set_status(unit=unit, target=Unit.Status.ARCHIVED, actor=actor, comment=comment)


def unit_restore(*, unit: Unit, actor: AnyUser | None, comment: str = "") -> Unit:
    return _unit_set_status(unit=unit, target=Unit.Status.ACTIVE, actor=actor, comment=comment)


# --- People and responsibilities --------------------------------------------------------


def person_create(
    *,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    unit: Unit | None = None,
    user: Any = None,
    actor: AnyUser | None = None,
) -> Person:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("The name is required.")})
    phone = phone.strip()
    _check_login_free(user)
    if phone and Person.objects.filter(name=name, phone=phone).exists():
        raise ValidationError(
            _("A cadre named “%(name)s” with this phone number already exists.") % {"name": name}
        )
    return Person.objects.create(
        name=name, title=title.strip(), phone=phone, email=email.strip(), unit=unit, user=user
    )


def _check_login_free(user: Any, *, person: Person | None = None) -> None:
    if user is None:
        return
    taken = Person.objects.filter(user=user)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    other = taken.first()
    if other is not None:
        raise ValidationError(
            {
                "user": _("Login account “%(username)s” is already linked to cadre “%(name)s”.")
                % {"username": user.get_username(), "name": other.name}
            }
        )


_PERSON_EDITABLE = frozenset({"name", "title", "phone", "email", "unit", "user", "is_active"})


def person_update(*, person: Person, actor: AnyUser | None = None, **changes: Any) -> Person:
    """Change a person; a new or removed login account gets its grants moved."""
    unknown = set(changes) - _PERSON_EDITABLE
    if unknown:
        raise ValueError(f"person_update cannot change {sorted(unknown)}")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if "user" in changes:
            _check_login_free(changes["user"], person=locked)
        old_user_id = locked.user_id
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(changes))
        if old_user_id != locked.user_id:
            # The old account no longer reaches these responsibilities: revoke there too.
            units = set(locked.responsibilities.values_list("unit_id", flat=True))
            for user in User.objects.filter(pk__in={old_user_id, locked.user_id} - {None}):
                responsibility_grants_sync(user=user, also_units=units, actor=actor)
    return locked


def _check_overlap(
    *,
    person: Person,
    unit: Unit,
    role: str,
    start: datetime.date,
    end: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    # Periods are [start, end): they overlap when each starts before the other ends.
    overlapping = Responsibility.objects.filter(unit=unit, role=role).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start)
    )
    if end is not None:
        overlapping = overlapping.filter(start_date__lt=end)
    if exclude_pk:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.filter(person=person).exists():
        raise ValidationError(
            _("This person already holds this responsibility for the unit in that period.")
        )
    if role in SINGLE_HOLDER_ROLES:
        other = overlapping.exclude(person=person).select_related("person").first()
        if other is not None:
            raise ValidationError(
                _(
                    "%(unit)s already has %(name)s as first responsible person in that period; end that responsibility first."
                )
                % {"unit": unit.name, "name": other.person.name}
            )


def responsibility_assign(
    *,
    person: Person,
    unit: Unit,
    role: str,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    note: str = "",
    actor: AnyUser | None = None,
) -> Responsibility:
    """Give a person a responsibility for a unit; while current it grants permissions."""
    start = start_date or timezone.localdate()
    if role not in ROLE_PERMISSIONS:
        raise ValidationError({"role": _("Unknown responsibility type.")})
    if end_date is not None and end_date < start:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    with transaction.atomic():
        # Serialise assignments to one unit so overlap checks cannot race.
        locked_unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if not locked_unit.is_active:
            raise ValidationError(_("The unit is archived; no responsible person can be assigned."))
        _check_overlap(person=person, unit=locked_unit, role=role, start=start, end=end_date)
        responsibility = Responsibility.objects.create(
            person=person,
            unit=locked_unit,
            role=role,
            start_date=start,
            end_date=end_date,
            note=note,
        )
        if person.user_id:
            responsibility_grants_sync(user=person.user, actor=actor)
            _notify_responsibility(responsibility, ended=False)
    return responsibility


def responsibility_end(
    *,
    responsibility: Responsibility,
    end_date: datetime.date | None = None,
    actor: AnyUser | None = None,
) -> Responsibility:
    """End a responsibility on `end_date` (default: today); from that day its grants are gone."""
    end = end_date or timezone.localdate()
    with transaction.atomic():
        locked = Responsibility.objects.select_for_update().get(pk=responsibility.pk)
        if end < locked.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if locked.end_date is not None and locked.end_date <= timezone.localdate():
            raise ValidationError(
                _("This responsibility already ended on %(date)s.") % {"date": locked.end_date}
            )
        locked.end_date = end
        locked.save(update_fields=["end_date"])
        user = locked.person.user
        if user is not None:
            # Ending their last responsibility (or role) also ends their open sessions.
            responsibility_grants_sync(user=user, actor=actor)
            _notify_responsibility(locked, ended=True)
    return locked


def responsibility_grants_sync(
    *,
    user: Any,
    on: datetime.date | None = None,
    also_units: set[int] | None = None,
    actor: AnyUser | None = None,
) -> None:
    """Make the user's unit permissions and role groups match their current responsibilities.

    Idempotent: it computes the wanted grants and adds or removes the difference. It only
    touches units where the user has (or had) a responsibility, so grants given by hand
    elsewhere stay. Losing the last responsibility or a role group ends the user's sessions.
    """
    day = on or timezone.localdate()
    responsibilities = Responsibility.objects.filter(person__user=user)
    managed_units = set(responsibilities.values_list("unit_id", flat=True)) | (also_units or set())
    current = list(
        responsibilities.active_on(day)
        .filter(unit__status=Unit.Status.ACTIVE)
        .values_list("role", "unit_id")
    )
    wanted = {
        (codename, unit_id) for role, unit_id in current for codename in ROLE_PERMISSIONS[role]
    }
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="units", codename__in=(VIEW, ACT)
        )
    }
    existing = set(
        UnitUserObjectPermission.objects.filter(
            user=user,
            permission__in=permissions.values(),
            content_object_id__in=managed_units,
        ).values_list("permission__codename", "content_object_id")
    )
    UnitUserObjectPermission.objects.bulk_create(
        [
            UnitUserObjectPermission(
                user=user, permission=permissions[codename], content_object_id=unit_id
            )
            for codename, unit_id in wanted - existing
        ],
        ignore_conflicts=True,
    )
    for codename, unit_id in existing - wanted:
        UnitUserObjectPermission.objects.filter(
            user=user, permission=permissions[codename], content_object_id=unit_id
        ).delete()

    wanted_groups = {ROLE_GROUPS[role] for role, _unit in current}
    groups = {g.name: g for g in Group.objects.filter(name__in=MANAGED_GROUPS)}
    held = set(user.groups.filter(name__in=MANAGED_GROUPS).values_list("name", flat=True))
    to_add = [groups[name] for name in wanted_groups - held if name in groups]
    to_remove = [groups[name] for name in held - wanted_groups]
    if to_add:
        user.groups.add(*to_add)
    if to_remove:
        user.groups.remove(*to_remove)
    # Django caches permissions on the user object; drop them so checks see the change.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_zf_roles", "_zf_grants"):
        user.__dict__.pop(attr, None)
    lost_last = not current and bool(existing or held)
    if lost_last or to_remove:
        reason = (
            SessionEnd.Reason.RESPONSIBILITY_ENDED if lost_last else SessionEnd.Reason.ROLE_REMOVED
        )
        user_sessions_end(user=user, actor=actor, reason=reason)


def responsibilities_sync_due(*, today: datetime.date | None = None) -> int:
    """Daily: apply responsibilities that start or end around now. Returns users synced."""
    day = today or timezone.localdate()
    recent = day - datetime.timedelta(days=7)
    user_ids = (
        Responsibility.objects.filter(person__user__isnull=False)
        .filter(Q(start_date__range=(recent, day)) | Q(end_date__range=(recent, day)))
        .values_list("person__user_id", flat=True)
        .distinct()
    )
    count = 0
    for user in User.objects.filter(pk__in=user_ids).iterator():
        responsibility_grants_sync(user=user, on=day)
        count += 1
    return count


def _notify_responsibility(responsibility: Responsibility, *, ended: bool) -> None:
    user = responsibility.person.user
    if user is None:
        return
    values = {"unit": responsibility.unit.name, "role": responsibility.get_role_display()}
    if ended:
        title = _("Your responsibility as %(role)s of %(unit)s has ended") % values
        kind_key = f"responsibility-end:{responsibility.pk}"
    else:
        title = _("You are now %(role)s of %(unit)s") % values
        kind_key = f"responsibility:{responsibility.pk}"
    notification_send(
        recipients=[user],
        kind=Notification.Kind.RESPONSIBILITY,
        title=title,
        url=reverse("units:unit_detail", args=[responsibility.unit_id]),
        object_key=kind_key,
    )


def staff_jurisdiction_grant(*, user: Any, unit: Unit, actor: AnyUser | None = None) -> None:
    """Give an inspection officer a jurisdiction: the unit and its subtree."""
    from guardian.shortcuts import assign_perm

    assign_perm("units.oversee_unit", user, unit)
    user.__dict__.pop("_zf_grants", None)


@transaction.atomic
def subtree_officer_setup(
    *,
    username: str,
    unit: Unit,
    name: str = "",
    email: str = "",
    keep_other_grants: bool = False,
    actor: AnyUser | None = None,
) -> tuple[Any, bool]:
    """Create or update an inspection officer whose jurisdiction is exactly `unit`'s subtree.

    One step that cannot leave the officer seeing more: the subtree role group (纪检监察人员's
    abilities without the county-wide permissions), out of the county-wide group, oversight
    on the unit (other oversight grants dropped unless kept), and a final check that the
    account reaches no unit outside the subtree. Returns (user, created).
    """
    from units.models import user_sees_all_units

    if not unit.is_active:
        raise ValidationError(_("An archived unit cannot be a jurisdiction."))
    user, created = User.objects.select_for_update().get_or_create(username=username)
    if created:
        user.set_unusable_password()  # set by the officer's administrator: changepassword
    user.is_active = True
    user.is_staff = True  # the admin holds the reveal log and the unit records they keep
    if name:
        user.first_name = name
    if email:
        user.email = email
    user.save()
    user.groups.remove(*Group.objects.filter(name=roles.INSPECTION_STAFF))
    user.groups.add(Group.objects.get(name=roles.SUBTREE_INSPECTION_STAFF))
    if not keep_other_grants:
        UnitUserObjectPermission.objects.filter(
            user=user, permission__codename="oversee_unit"
        ).exclude(content_object=unit).delete()
    staff_jurisdiction_grant(user=user, unit=unit, actor=actor)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_zf_roles", "_zf_grants"):
        user.__dict__.pop(attr, None)
    if user.is_superuser or user_sees_all_units(user=user):
        # Another group or a direct permission still gives the whole county: refuse, undone.
        raise ValidationError(
            _(
                "%(user)s still sees every unit (superuser, another group or a direct "
                "permission): nothing was changed."
            )
            % {"user": username}
        )
    return user, created


# --- Accounts and their sessions --------------------------------------------------------


def user_sessions_end(*, user: Any, actor: AnyUser | None, reason: str) -> SessionEnd:
    """End every open session of `user` now: their next request lands on the login page.

    A per-account cut-off time rather than deleting session rows: it holds whatever the
    session backend (database, cache, signed cookie) and needs no scan of every session.
    """
    now = timezone.now()
    acting = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        # An upsert: two ends at once cannot collide on the one row per account.
        SessionCutoff.objects.bulk_create(
            [SessionCutoff(user_id=user.pk, valid_after=now)],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["valid_after"],
        )
        record = SessionEnd.objects.create(user=user, actor=acting, reason=reason, created_at=now)
        security_event(
            kind=SecurityEvent.Kind.SESSION_ENDED,
            user=user,
            detail=_("%(reason)s; by %(actor)s")
            % {
                "reason": record.get_reason_display(),
                "actor": acting.get_username() if acting is not None else _("the system"),
            },
        )
    logger.info(
        "sessions ended: user=%s reason=%s actor=%s",
        user.pk,
        reason,
        acting.pk if acting is not None else "-",
    )
    return record


def user_deactivate(*, user: Any, actor: AnyUser | None) -> Any:
    """停用 an account: it can no longer sign in, and its open sessions end at once."""
    if actor is not None and actor.is_authenticated and actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
        user_sessions_end(user=locked, actor=actor, reason=SessionEnd.Reason.DEACTIVATED)
    return locked
