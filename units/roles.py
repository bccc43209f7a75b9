"""The cast: role groups (created by a data migration) and how to tell who is who.

Abilities come from the group's global permissions; *which units* a person may act on
comes from object permissions on Unit (see units.selectors).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from units.types import AnyUser

# Group names are what administrators see in the admin, so they are Chinese.
INSPECTION_STAFF = "纪检监察人员"
LEADERSHIP = "领导"
UNIT_HEAD = "单位负责人"
LEADER_IN_CHARGE = "分管领导"
EVALUATOR = "考评人员"
# Inspection staff confined to a subtree (a township's discipline office): the same work as
# 纪检监察人员, without the county-wide permissions; `create_subtree_officer` sets them up.
SUBTREE_INSPECTION_STAFF = "辖区纪检监察人员"
# 特邀监督员、效能监督员、察访员: outside the organisation; they see only the units they watch
# (units.models.supervisors) and file 察访 reports on them. The group carries no permission.
SUPERVISOR = "监督员"

ROLE_LABELS = {
    INSPECTION_STAFF: _("Inspection staff"),
    LEADERSHIP: _("Leadership"),
    UNIT_HEAD: _("Unit head"),
    LEADER_IN_CHARGE: _("Leader in charge"),
    EVALUATOR: _("Evaluator"),
    SUPERVISOR: _("Supervisor"),
}

# When one account holds several roles, the workspace shows the first in this order.
ROLE_PRIORITY = [
    INSPECTION_STAFF,
    LEADERSHIP,
    UNIT_HEAD,
    LEADER_IN_CHARGE,
    EVALUATOR,
    SUPERVISOR,
]


def user_roles(user: AnyUser) -> list[str]:
    """The user's role groups in priority order (cached on the user for the request)."""
    if not user.is_authenticated:
        return []
    cached: list[str] | None = getattr(user, "_zf_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        if SUBTREE_INSPECTION_STAFF in names:
            # Same workspace as inspection staff; their jurisdiction keeps them to the subtree.
            names.add(INSPECTION_STAFF)
        cached = [role for role in ROLE_PRIORITY if role in names]
        user._zf_roles = cached  # type: ignore[union-attr,attr-defined]
    return cached


def primary_role(user: AnyUser) -> str | None:
    if getattr(user, "is_superuser", False):
        return INSPECTION_STAFF
    roles = user_roles(user)
    return roles[0] if roles else None


def has_role(user: AnyUser, role: str) -> bool:
    return role in user_roles(user)
