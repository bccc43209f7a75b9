"""Cadres (干部作风档案): who sees whose record, and the flags results put on them.

Whose record a user may open: an officer, the cadres in their inspection jurisdiction; a
unit head, their unit's cadres; anyone, their own. A cadre belongs to a unit by their home
unit or by a current post on it (第一责任人, 主要负责人, 联络员); a 分管领导 follows the unit
from the county and is not one of its cadres. Everyone else gets 404.

The flags (units.models.CadreFlag) are written here only: `cadre_flag_set` for an officer,
`cadre_flags_for_units` for scoring (assessments publishes results and names the units).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from units.models import CadreFlag, Person, Responsibility, Unit
from units.selectors import ACT, OVERSEE, unit_scope_q
from units.types import AnyUser

Role = Responsibility.Role
# 领导班子成员: the unit's own leadership team (seed 004 五(二)); the flags of a bad result
# fall on them.
LEADERSHIP_ROLES = (Role.FIRST_RESPONSIBLE, Role.PRINCIPAL)
# The posts by which a cadre belongs to a unit (besides their home unit).
MEMBER_ROLES = (Role.FIRST_RESPONSIBLE, Role.PRINCIPAL, Role.LIAISON)


# --- Reads --------------------------------------------------------------------------------


def cadre_label(person: Person) -> str:
    """赵局长（县市场监督管理局 · 局长）: enough to tell two cadres of one name apart."""
    details = " · ".join(str(x) for x in (person.unit, person.title) if x)
    return f"{person.name}（{details}）" if details else person.name


def _members_q(unit_q: Q) -> Q:
    """Persons whose home unit matches `unit_q` (a Q over "unit__") or who hold a current
    post there. `unit_q` reads the same on Person and on Responsibility (both say unit)."""
    posts = Responsibility.objects.current().filter(
        unit_q, role__in=MEMBER_ROLES, person=OuterRef("pk")
    )
    return unit_q | Q(Exists(posts))


def _scope(user: AnyUser, codename: str) -> Q | None:
    """The cadres the user reaches through `codename`; None for all of them."""
    unit_q = unit_scope_q(user=user, codename=codename, prefix="unit__")
    return None if unit_q == Q() else _members_q(unit_q)


def cadres_visible_to(*, user: AnyUser) -> QuerySet[Person]:
    """Whose 作风档案 the user may open (the one scoping rule of the record and its list)."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    overseen, acted = _scope(user, OVERSEE), _scope(user, ACT)
    if overseen is None or acted is None:
        return Person.objects.all()
    return Person.objects.filter(Q(user_id=user.pk) | overseen | acted)  # type: ignore[misc]


def cadres_overseen_by(*, user: AnyUser) -> QuerySet[Person]:
    """The cadres in the user's inspection jurisdiction (whom an officer may flag)."""
    overseen = _scope(user, OVERSEE)
    return Person.objects.all() if overseen is None else Person.objects.filter(overseen)


def cadres_of_units(*, units: QuerySet[Unit]) -> QuerySet[Person]:
    """The cadres of these units, for a form's choice of the cadre an item is tied to."""
    return Person.objects.filter(
        _members_q(Q(unit__in=units.values("pk"))), is_active=True
    ).order_by("name", "pk")


def cadre_list(*, user: AnyUser, search: str = "") -> QuerySet[Person]:
    """The 干部作风档案 list: visible cadres with their posts and active flags, a constant
    number of queries whatever the page holds (two prefetches)."""
    today = timezone.localdate()
    qs = (
        cadres_visible_to(user=user)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.current()
                .select_related("unit")
                .order_by("unit__path", "role"),
                to_attr="current_posts",
            ),
            Prefetch(
                "flags",
                queryset=CadreFlag.objects.active_on(today).order_by("start_date", "pk"),
                to_attr="active_flags",
            ),
        )
        .order_by("name", "pk")
    )
    if search:
        posts = Responsibility.objects.current().filter(
            person=OuterRef("pk"), unit__name__icontains=search
        )
        qs = qs.filter(
            Q(name__icontains=search) | Q(unit__name__icontains=search) | Q(Exists(posts))
        )
    return qs


def cadre_units(*, person: Person) -> list[Unit]:
    """The units a cadre belongs to: the home unit, then the units of current posts."""
    units = list(
        Unit.objects.filter(
            Q(pk=person.unit_id)
            | Q(
                pk__in=Responsibility.objects.current()
                .filter(person=person, role__in=MEMBER_ROLES)
                .values("unit")
            )
        ).order_by("path")
    )
    return units


def cadre_flags(*, person: Person, units: Sequence[Unit]) -> QuerySet[CadreFlag]:
    """The flags on the cadre and on the units they belong to, newest first."""
    return (
        CadreFlag.objects.filter(Q(person=person) | Q(person__isnull=True, unit__in=units))
        .select_related("unit", "created_by")
        .order_by("-start_date", "-pk")
    )


def leadership_of(*, units: Any, day: datetime.date | None = None) -> QuerySet[Responsibility]:
    """The current leadership team (领导班子成员) of the units, one query."""
    day = day or timezone.localdate()
    return (
        Responsibility.objects.active_on(day)
        .filter(unit__in=units, role__in=LEADERSHIP_ROLES)
        .select_related("person")
        .order_by("unit__path", "role", "person__name", "pk")
    )


# --- Who may ------------------------------------------------------------------------------


def get_cadre_for_user_or_404(user: AnyUser, pk: int) -> Person:
    """Outsiders (another unit's head, an officer of another subtree) get 404."""
    try:
        return cadres_visible_to(user=user).select_related("unit", "user").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404(_("Cadre not found.")) from None


def can_flag_cadre(user: AnyUser, person: Person) -> bool:
    """Flags are set by inspection staff with jurisdiction over the cadre."""
    return cadres_overseen_by(user=user).filter(pk=person.pk).exists()


def require_flag_cadre(user: AnyUser, person: Person) -> None:
    if not can_flag_cadre(user, person):
        raise PermissionDenied(_("Only inspection staff with jurisdiction may flag this cadre."))


# --- Writes -------------------------------------------------------------------------------


def one_year_from(start: datetime.date) -> datetime.date:
    """The last day of "一年内" counted from `start` (29 February falls back to the 28th)."""
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:
        anniversary = start.replace(year=start.year + 1, day=28)
    return anniversary - datetime.timedelta(days=1)


def _validate(
    *,
    kind: str,
    reason: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    unit: Unit | None,
) -> None:
    errors: dict[str, str] = {}
    if kind not in CadreFlag.Kind.values:
        errors["kind"] = _("Unknown value.")
    if not (reason or "").strip():
        errors["reason"] = _("State the reason.")
    if start_date is None:
        errors["start_date"] = _("Set the start date.")
    if end_date is None:
        errors["end_date"] = _("Set the end date.")
    elif start_date is not None and end_date < start_date:
        errors["end_date"] = _("The end date cannot be before the start date.")
    if kind in CadreFlag.UNIT_KINDS and unit is None:
        errors["unit"] = _("Choose the unit the flag is on.")
    if errors:
        raise ValidationError(errors)


def cadre_flag_set(
    *,
    person: Person,
    kind: str,
    reason: str,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    actor: AnyUser,
    unit: Unit | None = None,
    document: str = "",
) -> CadreFlag:
    """An officer flags a cadre (or, for a unit kind, one of the cadre's units)."""
    require_flag_cadre(actor, person)
    _validate(kind=kind, reason=reason, start_date=start_date, end_date=end_date, unit=unit)
    if unit is not None and unit.pk not in {u.pk for u in cadre_units(person=person)}:
        raise ValidationError({"unit": _("The cadre does not belong to this unit.")})
    if (
        unit is not None
        and not Unit.objects.filter(unit_scope_q(user=actor, codename=OVERSEE), pk=unit.pk).exists()
    ):
        raise PermissionDenied(_("Only inspection staff with jurisdiction may flag this unit."))
    assert start_date is not None and end_date is not None  # _validate refused them
    flag = CadreFlag(
        kind=kind,
        person=person if kind in CadreFlag.PERSON_KINDS else None,
        unit=unit,
        reason=reason.strip(),
        start_date=start_date,
        end_date=end_date,
        source=CadreFlag.Source.OFFICER,
        document=document.strip(),
        created_by=actor if actor.is_authenticated else None,
    )
    # The history row (append-only, sealed) is the audit record: who set it, when.
    flag._history_user = flag.created_by  # type: ignore[attr-defined]
    with transaction.atomic():
        flag.save()
    return flag


def cadre_flags_for_units(
    *,
    units: Sequence[tuple[Unit, str]],
    source: models.Model,
    document: str,
    start_date: datetime.date,
    actor: AnyUser | None = None,
) -> list[CadreFlag]:
    """Scoring's flags for each (unit, reason): "该部门一年内不新提拔干部" on the unit and
    "领导班子成员当年不评优、一年内不提拔" on each member of its current leadership team.

    Safe to run twice: a flag already set for the same record behind it (`source`, e.g. the
    published scheme) is not set again (and two runs at once meet the unique constraints).
    Returns the flags it created.
    """
    if not units:
        return []
    source_type = ContentType.objects.get_for_model(source)
    end_date = one_year_from(start_date)
    reasons = {unit.pk: reason for unit, reason in units}
    author = actor if actor is not None and actor.is_authenticated else None
    existing = CadreFlag.objects.filter(source_type=source_type, source_id=source.pk)
    had_units = set(existing.filter(person__isnull=True).values_list("kind", "unit_id").order_by())
    had_persons = set(
        existing.filter(person__isnull=False).values_list("kind", "person_id").order_by()
    )
    common = {
        "source": CadreFlag.Source.SCORING,
        "source_type": source_type,
        "source_id": source.pk,
        "document": document[:200],
        "start_date": start_date,
        "end_date": end_date,
        "created_by": author,
    }
    unit_kind = CadreFlag.Kind.NO_NEW_PROMOTION
    person_kind = CadreFlag.Kind.NO_EXCELLENCE_NO_PROMOTION
    new: list[CadreFlag] = [
        CadreFlag(kind=unit_kind, unit=unit, reason=reasons[unit.pk], **common)
        for unit, _reason in units
        if (unit_kind, unit.pk) not in had_units
    ]
    seen: set[int] = set()
    for post in leadership_of(units=[unit.pk for unit, _r in units], day=start_date):
        # One flag per person per record, even for someone leading two flagged units.
        if post.person_id in seen or (person_kind, post.person_id) in had_persons:
            continue
        seen.add(post.person_id)
        new.append(
            CadreFlag(
                kind=person_kind,
                person_id=post.person_id,
                unit_id=post.unit_id,
                reason=reasons[post.unit_id],
                **common,
            )
        )
    if not new:
        return []
    with transaction.atomic():
        return bulk_create_with_history(new, CadreFlag, default_user=author)  # type: ignore[no-any-return]
