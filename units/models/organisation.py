"""The organisation: units in a tree, assessment groups, people and their responsibilities,
the unit permission tables and the scoping rule every app reuses (`unit_scope_q`, re-exported
by units.selectors)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from units.choice_labels import ChoiceLabels

if TYPE_CHECKING:
    from units.types import AnyUser


class AssessmentGroup(models.Model):
    """考核组别: units are ranked within their group and overall."""

    name = models.CharField(_("Designation"), max_length=64, unique=True)
    description = models.TextField(_("Description"), blank=True)
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("Assessment group")
        verbose_name_plural = _("Assessment group")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(MP_NodeQuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(status=Unit.Status.ACTIVE)

    def visible_to(self, user: AnyUser) -> UnitQuerySet:
        """Units the user may read: a grant on a unit covers its whole subtree."""
        return self.filter(unit_scope_q(user=user))


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user: AnyUser) -> UnitQuerySet:
        return self.get_queryset().visible_to(user)

    def active(self) -> UnitQuerySet:
        return self.get_queryset().active()


class Unit(ChoiceLabels, MP_Node):
    """单位: a node in the organisation tree (materialised path, so subtrees are one LIKE)."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County/district")
        DEPARTMENT = "department", _("Department")
        DIVISION = "division", _("Internal division")
        SUBORDINATE = "subordinate", _("Subordinate unit")
        TOWNSHIP = "township", _("Township")
        SERVICE_WINDOW = "window", _("Service window")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    # The only legal moves; unit_archive/unit_restore check against this map.
    TRANSITIONS: dict[str, set[str]] = {
        Status.ACTIVE: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.ACTIVE},
    }

    steplen = 4

    code = models.CharField(
        _("Unit code"),
        max_length=32,
        unique=True,
        help_text=_("A stable code that identifies the unit in imports and exports."),
    )
    name = models.CharField(_("Unit name"), max_length=128)
    short_name = models.CharField(_("Short name"), max_length=64, blank=True)
    kind = models.CharField(_("Unit type"), max_length=16, choices=Kind.choices)
    group = models.ForeignKey(
        AssessmentGroup,
        verbose_name=_("Assessment group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])
    objects = UnitManager()

    class Meta:
        verbose_name = _("Units")
        verbose_name_plural = _("Units")
        permissions = [
            (
                "act_for_unit",
                _("Act for the unit (file lists, answer complaints, submit deliverables)"),
            ),
            ("oversee_unit", _("Oversee the unit (inspection staff)")),
            ("view_all_units", _("View all units")),
            ("oversee_all_units", _("Oversee all units")),
        ]
        indexes = [models.Index(fields=["group", "status"], name="unit_group_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def subtree(self) -> UnitQuerySet:
        """This unit and everything below it, in one indexed prefix query."""
        return Unit.objects.filter(path__startswith=self.path)


class UnitUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK object permissions (guardian's performance guide): joins, not generic keys."""

    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Unit user permission")
        verbose_name_plural = _("Unit user permission")


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("Unit group permission")
        verbose_name_plural = _("Unit group permission")


# --- Scoping: the one rule every app reuses ------------------------------------------------
# It lives with the permission tables it reads so that the managers above (and Digest's)
# can use it without importing selectors; units.selectors re-exports it for everyone else.
# A permission on a unit covers the unit's whole subtree; the global permissions
# (`units.view_all_units`, `units.oversee_all_units`) cover everything.

VIEW = "view_unit"
ACT = "act_for_unit"
OVERSEE = "oversee_unit"
_GLOBAL = {VIEW: "units.view_all_units", OVERSEE: "units.oversee_all_units"}
_NOTHING = Q(pk__in=[])


def _granted_roots(*, user: AnyUser, codenames: tuple[str, ...]) -> tuple[list[str], bool]:
    """The paths of units on which the user holds one of `codenames` (directly or via a
    group), those covered by an ancestor's grant dropped; and whether they cover every
    top-level unit, i.e. the whole tree. One query: the tree's top-level paths come in the
    same UNION as the grants, so that the answer costs nothing extra and cannot be stale.

    Within a request the grants are kept on the user (units.middleware.RequestMemoryMiddleware
    gives request.user an empty `_zf_grants`): a page scopes a dozen querysets, some to
    read (view, act or oversee), some to act, some to oversee, and asks once for all three.
    Outside a request (services, tasks, tests) every call asks the database."""
    cache: dict[Any, Any] | None = getattr(user, "_zf_grants", None)
    if cache is None:
        return _roots_of(_grant_rows(user=user, codenames=codenames), codenames)
    if codenames not in cache:
        if "rows" not in cache:
            cache["rows"] = _grant_rows(user=user, codenames=(VIEW, ACT, OVERSEE))
        cache[codenames] = _roots_of(cache["rows"], codenames)
    return cache[codenames]  # type: ignore[no-any-return]


def _grant_rows(*, user: AnyUser, codenames: tuple[str, ...]) -> list[tuple[str, str]]:
    """(path, codename) of the user's grants, and (path, "") for every top-level unit."""
    user_paths = UnitUserObjectPermission.objects.filter(
        user_id=user.pk,  # type: ignore[misc]
        permission__codename__in=codenames,
        permission__content_type__app_label="units",
    ).values_list("content_object__path", "permission__codename")
    group_paths = UnitGroupObjectPermission.objects.filter(
        group__user=user.pk,
        permission__codename__in=codenames,
        permission__content_type__app_label="units",
    ).values_list("content_object__path", "permission__codename")
    top = models.Value("", output_field=models.CharField())
    tops = Unit.objects.filter(depth=1).order_by().values_list("path", top)
    return list(user_paths.order_by().union(group_paths.order_by(), tops))


def subtree_roots(paths: Iterable[str]) -> list[str]:
    """The paths not below another one of them, in order (a grant covers its subtree)."""
    roots: list[str] = []
    for path in sorted(set(paths)):
        if not roots or not path.startswith(roots[-1]):
            roots.append(path)
    return roots


def _roots_of(rows: list[tuple[str, str]], codenames: tuple[str, ...]) -> tuple[list[str], bool]:
    # Paths already covered by an ancestor's grant are dropped to keep the OR short.
    roots = subtree_roots(path for path, codename in rows if codename in codenames)
    top_paths = {path for path, codename in rows if not codename}
    return roots, bool(top_paths) and top_paths <= set(roots)


def granted_unit_paths(*, user: AnyUser, codenames: tuple[str, ...]) -> list[str]:
    """Paths of units on which the user holds one of `codenames`, directly or via a group."""
    return _granted_roots(user=user, codenames=codenames)[0]


Reach = Literal["nothing", "all", "tree", "subtrees"]


def _scope(*, user: AnyUser, codename: str) -> tuple[Reach, list[str]]:
    """The user's reach for `codename`: ("nothing", []), ("all", []) for a global
    permission (rows without a unit included), ("tree", []) for a grant on every top-level
    unit, or ("subtrees", the granted subtrees' root paths)."""
    if not user.is_authenticated or not user.is_active:
        return "nothing", []
    global_perm = _GLOBAL.get(codename)
    if user.is_superuser or (global_perm and user.has_perm(global_perm)):  # type: ignore[union-attr]
        return "all", []
    if codename == VIEW:
        if user.has_perm(_GLOBAL[OVERSEE]):  # type: ignore[union-attr]
            return "all", []
        # Whoever may act for or oversee a unit may also read it.
        paths, whole_tree = _granted_roots(user=user, codenames=(VIEW, ACT, OVERSEE))
    else:
        paths, whole_tree = _granted_roots(user=user, codenames=(codename,))
    if not paths:
        return "nothing", []
    return ("tree", []) if whole_tree else ("subtrees", paths)


def unit_scope_q(*, user: AnyUser, codename: str = VIEW, prefix: str = "") -> Q:
    """A Q on Unit (or on a model reaching Unit through `prefix`, e.g. "unit__").

    The empty Q means "everything, rows without a unit included" (a global permission).
    A grant on every top-level unit (a province's unit head) covers every unit but not the
    rows without one: it is "has a unit", which needs no join and no prefix scan of the
    whole tree; anything else is one indexed prefix range per granted subtree.
    """
    reach, paths = _scope(user=user, codename=codename)
    if reach == "nothing":
        return _NOTHING
    if reach == "all":
        return Q()
    if reach == "tree":
        # `unit__pk__isnull` is answered from the foreign key column itself (no join).
        return Q(**{f"{prefix}pk__isnull": False})
    q = Q()
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def unit_in_scope(*, user: AnyUser, unit: Unit, codename: str = VIEW) -> bool:
    """Whether `unit` (a stored unit) is within unit_scope_q(user, codename): the same rule,
    decided on the unit's path. Within a request the grants are already on the user, so a
    page that asks about the same unit for each of its buttons asks the database nothing."""
    reach, paths = _scope(user=user, codename=codename)
    if reach == "subtrees":
        return any(unit.path.startswith(path) for path in paths)
    return reach != "nothing"


def user_sees_all_units(*, user: AnyUser) -> bool:
    # unit_scope_q returns the empty Q exactly when nothing is filtered out.
    return unit_scope_q(user=user) == Q()


class Person(models.Model):
    """干部: a person who can hold responsibilities, with an optional login account."""

    name = models.CharField(_("Name"), max_length=64)
    title = models.CharField(_("Position"), max_length=128, blank=True)
    phone = models.CharField(_("Mobile phone"), max_length=32, blank=True)
    email = models.EmailField(_("E-mail"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("Home unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_active = models.BooleanField(_("Serving"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("Cadre")
        verbose_name_plural = _("Cadre")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "phone"],
                condition=~Q(phone=""),
                name="person_unique_name_phone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class ResponsibilityQuerySet(models.QuerySet["Responsibility"]):
    def active_on(self, day: datetime.date) -> ResponsibilityQuerySet:
        # end_date is the day the post is left: from that day on it no longer applies.
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gt=day))

    def current(self) -> ResponsibilityQuerySet:
        return self.active_on(timezone.localdate())


class Responsibility(models.Model):
    """责任: person × unit × role, dated; while current it grants object permissions."""

    class Role(models.TextChoices):
        FIRST_RESPONSIBLE = "first", _("First responsible person")
        PRINCIPAL = "principal", _("Principal")
        LEADER_IN_CHARGE = "in_charge", _("Leader in charge")
        LIAISON = "liaison", _("Liaison")

    person = models.ForeignKey(
        Person, verbose_name=_("Cadre"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("Units"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField(_("Responsibility"), max_length=16, choices=Role.choices)
    start_date = models.DateField(_("Start date"), default=timezone.localdate)
    end_date = models.DateField(
        _("End date"),
        null=True,
        blank=True,
        help_text=_("From this day the post is no longer held; empty means still in post."),
    )
    note = models.CharField(_("Note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ResponsibilityQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "role", "start_date"]
        verbose_name = _("Responsibility record")
        verbose_name_plural = _("Responsibility record")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="responsibility_end_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "role"], name="resp_unit_role"),
            models.Index(fields=["person", "end_date"], name="resp_person_end"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()} · {self.person.name}"

    def is_current(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


class LeadingGroup(models.Model):
    """领导小组, its office (办公室) and working groups (综合组, 明察暗访组, 追责问责组)."""

    class Kind(models.TextChoices):
        LEADING_GROUP = "leading", _("Leading group")
        OFFICE = "office", _("Leading group office")
        WORKING_GROUP = "working", _("Working group")

    name = models.CharField(_("Designation"), max_length=128)
    kind = models.CharField(_("Type"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    duties = models.TextField(_("Duties"), blank=True)
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("Leading groups and working groups")
        verbose_name_plural = _("Leading groups and working groups")

    def __str__(self) -> str:
        return self.name


class LeadingGroupMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", _("Head")
        DEPUTY = "deputy", _("Deputy head")
        DIRECTOR = "director", _("Director")
        MEMBER = "member", _("Member")

    leading_group = models.ForeignKey(
        LeadingGroup, verbose_name=_("Group"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("Cadre"), on_delete=models.PROTECT, related_name="memberships"
    )
    position = models.CharField(_("Position"), max_length=16, choices=Position.choices)
    start_date = models.DateField(_("Start date"), default=timezone.localdate)
    end_date = models.DateField(_("End date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["leading_group", "position", "pk"]
        verbose_name = _("Group member")
        verbose_name_plural = _("Group member")

    def __str__(self) -> str:
        return f"{self.leading_group} · {self.get_position_display()} · {self.person.name}"
