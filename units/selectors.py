"""Reads for the organisation, and the one scoping rule every app reuses.

A permission on a unit covers the unit's whole subtree. Global permissions
(`units.view_all_units`, `units.oversee_all_units`) cover everything. The rule itself
(`unit_scope_q`, the codenames, `granted_unit_paths`, `user_sees_all_units`) is defined next
to the permission tables in units.models, so that the models' `visible_to` managers need not
import this module; it is re-exported here, where every app looks for it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from units.models import (  # the scoping rule is re-exported: this is where apps find it
    ACT,
    OVERSEE,
    VIEW,  # noqa: F401
    Notification,
    Person,
    Responsibility,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
    granted_unit_paths,  # noqa: F401
    unit_in_scope,  # noqa: F401
    unit_scope_q,
    user_sees_all_units,  # noqa: F401
)
from units.types import AnyUser


def _ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]


def overseers_of(*, unit: Unit, permission: str = "") -> QuerySet[Any]:
    """Active accounts with inspection jurisdiction over `unit`: the whole county's staff and
    those whose subtree holds it (an oversight grant on the unit or an ancestor, directly or
    through a group). `permission` ("app.codename") narrows them to holders of that ability.

    Whom a unit's answer, closure request or material is announced to. Superusers are not
    counted: administering the system is no jurisdiction. For many units at once (a sweep),
    `Overseers` gives the same answer with one query per distinct set of granted ancestors.
    """
    return _overseers_granted_at(_ancestor_paths(unit), permission)


def _overseers_granted_at(paths: list[str], permission: str) -> QuerySet[Any]:
    """overseers_of for a unit whose ancestors (itself included) have these `paths`."""
    user_model = get_user_model()
    memberships = user_model.groups.through.objects

    def holders(app_label: str, codename: str) -> Q:
        perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        groups = perm.values("group")
        return Q(
            pk__in=user_model.user_permissions.through.objects.filter(permission__in=perm).values(
                "user_id"
            )
        ) | Q(pk__in=memberships.filter(group__in=groups).values("user_id"))

    granted = {**_OVERSIGHT_GRANT, "content_object__path__in": paths}
    by_grant = Q(pk__in=UnitUserObjectPermission.objects.filter(**granted).values("user_id")) | Q(
        pk__in=memberships.filter(
            group__in=UnitGroupObjectPermission.objects.filter(**granted).values("group_id")
        ).values("user_id")
    )
    qs = user_model.objects.filter(is_active=True).filter(
        holders("units", "oversee_all_units") | by_grant
    )
    if permission:
        qs = qs.filter(holders(*permission.split(".", 1)))
    return qs.order_by("pk")


_OVERSIGHT_GRANT = {
    "permission__codename": OVERSEE,
    "permission__content_type__app_label": "units",
}


class Overseers:
    """`overseers_of` for many units in one pass (the daily sweep's thousands of cases).

    Who oversees a unit depends only on which of its ancestors carry an oversight grant: the
    granted units are read once, and the staff are asked for once per distinct set of granted
    ancestors (a few dozen in a province, however many units the cases name). The lists are
    those `overseers_of(unit=…, permission=…)` returns, in the same order. Meant for one
    sweep: a grant given while it runs is seen by the next one.
    """

    def __init__(self, *, permission: str = "") -> None:
        self.permission = permission
        self._granted: frozenset[str] | None = None
        self._staff: dict[tuple[str, ...], list[Any]] = {}

    def key(self, unit: Unit) -> tuple[str, ...]:
        """The unit's granted ancestors (itself included): units with equal keys have the
        same overseers."""
        if self._granted is None:
            paths = [
                model.objects.filter(**_OVERSIGHT_GRANT).values_list(
                    "content_object__path", flat=True
                )
                for model in (UnitUserObjectPermission, UnitGroupObjectPermission)
            ]
            self._granted = frozenset(paths[0].union(paths[1]))
        return tuple(path for path in _ancestor_paths(unit) if path in self._granted)

    def of(self, unit: Unit) -> list[Any]:
        key = self.key(unit)
        if key not in self._staff:
            self._staff[key] = list(_overseers_granted_at(list(key), self.permission))
        return self._staff[key]


def units_visible_to(*, user: AnyUser) -> QuerySet[Unit]:
    return Unit.objects.visible_to(user)


def units_actable_by(*, user: AnyUser) -> QuerySet[Unit]:
    """Units the user may act for (file lists, answer complaints, submit deliverables)."""
    return Unit.objects.filter(unit_scope_q(user=user, codename=ACT))


def units_overseen_by(*, user: AnyUser) -> QuerySet[Unit]:
    """Units in the user's inspection jurisdiction."""
    return Unit.objects.filter(unit_scope_q(user=user, codename=OVERSEE))


def unit_list(*, user: AnyUser, search: str = "", group_id: int | None = None) -> QuerySet[Unit]:
    """The unit list page: visible units with group and child counts in one query."""
    qs = (
        Unit.objects.visible_to(user)
        .select_related("group")
        .annotate(
            responsibility_count=Count(
                "responsibilities",
                filter=Q(responsibilities__end_date__isnull=True),
                distinct=True,
            )
        )
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if group_id:
        qs = qs.filter(group_id=group_id)
    return qs


def unit_detail(*, unit: Unit) -> dict[str, object]:
    """What the unit page shows: its chain of parents, direct children and who is responsible."""
    today_responsibilities = (
        Responsibility.objects.current()
        .filter(unit=unit)
        .select_related("person")
        .order_by("role", "person__name")
    )
    return {
        "ancestors": list(Unit.objects.get_ancestors(unit)),
        "children": list(Unit.objects.get_children(unit).select_related("group")),
        "responsibilities": list(today_responsibilities),
    }


def current_responsibilities_of(*, user: AnyUser) -> QuerySet[Responsibility]:
    return (
        Responsibility.objects.current()
        .filter(person__user_id=user.pk)  # type: ignore[misc]
        .select_related("unit", "unit__group")
        .order_by("unit__path", "role")
    )


def people_visible_to(*, user: AnyUser) -> QuerySet[Person]:
    return Person.objects.filter(unit_scope_q(user=user, prefix="unit__")).prefetch_related(
        Prefetch(
            "responsibilities",
            queryset=Responsibility.objects.current().select_related("unit"),
            to_attr="current_responsibilities",
        )
    )


def notifications_for(*, user: AnyUser) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk)


def unread_notification_count(*, user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk).unread().count()


def units_without_first_responsible(*, user: AnyUser) -> QuerySet[Unit]:
    """Active visible units nobody currently answers for as 第一责任人."""
    current_first = Responsibility.objects.current().filter(
        unit=OuterRef("pk"), role=Responsibility.Role.FIRST_RESPONSIBLE
    )
    return Unit.objects.visible_to(user).active().exclude(Exists(current_first))


def units_by_group(*, user: AnyUser) -> list[dict[str, object]]:
    """Active visible units counted per assessment group (one GROUP BY)."""
    return list(
        Unit.objects.visible_to(user)
        .active()
        .order_by()
        .values("group__id", "group__name", "group__sort_order")
        .annotate(count=Count("pk"))
        .order_by("group__sort_order", "group__name")
    )


def workspace_summary(*, user: AnyUser, role: str | None) -> dict[str, object]:
    """The figures and lists on a role's workspace; a constant number of queries."""
    from units import roles

    summary: dict[str, object] = {
        "responsibilities": list(current_responsibilities_of(user=user)),
        "recent_notifications": list(notifications_for(user=user)[:8]),
    }
    if role in (roles.INSPECTION_STAFF, roles.LEADERSHIP):
        visible = Unit.objects.visible_to(user)
        summary["unit_count"] = visible.active().count()
        summary["groups"] = units_by_group(user=user)
        summary["archived_count"] = visible.filter(status=Unit.Status.ARCHIVED).count()
        summary["people_count"] = people_visible_to(user=user).filter(is_active=True).count()
    if role == roles.INSPECTION_STAFF:
        missing = units_without_first_responsible(user=user).select_related("group")
        summary["missing_first_count"] = missing.count()
        summary["missing_first"] = list(missing[:10])
    # An evaluator answers for no unit: their units are the ones they score, listed by the
    # assessment app's panel, and "you answer for no unit" would read as a fault.
    if role in (roles.UNIT_HEAD, roles.LEADER_IN_CHARGE):
        summary["my_units"] = list(
            Unit.objects.visible_to(user).select_related("group").order_by("path")[:200]
        )
    return summary
