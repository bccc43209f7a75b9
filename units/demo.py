"""The demo county (`manage.py seed_demo`): the organisation, then each app's part.

Safe to run again: everything is looked up by its natural key first (unit code, name and
phone, username, group name) and only what is missing is created, through the same
services the application uses, so the second run changes nothing. Each app that plugs into
the shell adds its own part through its `demo` hook (units.extensions), in INSTALLED_APPS
order, after the organisation exists. Refuses to run under production settings.
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units import audit, extensions, services, two_factor
from units.demo_county import (
    DEMO_LOGINS,
    FIRST,
    GROUPS,
    IN_CHARGE,
    LEADERS_IN_CHARGE,
    LEADING_GROUPS,
    LIAISON,
    PEOPLE,
    PRINCIPAL,
    PRINCIPALS,
    UNIT_HEADS,
    UNITS,
)
from units.digests import (
    digest_compile,
    digest_jurisdictions,
    digest_send,
    digests_prepare,
    period_before,
)
from units.models import (
    AssessmentGroup,
    Digest,
    LeadingGroup,
    LeadingGroupMember,
    Person,
    Responsibility,
    Supervisor,
    Unit,
)
from units.security import requires_two_factor
from units.supervisors import supervisor_appoint

# A published demo password by design: the command refuses to run in production.
PASSWORD_ENV = "ZUOFENG_DEMO_PASSWORD"  # noqa: S105 (the variable's name, not a secret)
DEFAULT_PASSWORD = "Zuofeng2026"  # noqa: S105


def refuse_in_production() -> None:
    # Judge by the settings module, not DEBUG: the test settings run with DEBUG off too.
    modules = {os.environ.get("DJANGO_SETTINGS_MODULE", ""), settings.SETTINGS_MODULE or ""}
    for module in modules:
        if module.endswith(".prod"):
            raise CommandError(
                _(
                    "Demo data must not be written to production (settings module: %(module)s). Run it in a development or trial environment."
                )
                % {"module": module}
            )


def _seed_groups(tally: Counter[str]) -> dict[str, AssessmentGroup]:
    # Assessment groups have no service yet: get_or_create is acceptable for seed data.
    groups = {}
    for order, (key, name, description) in enumerate(GROUPS, start=1):
        group, created = AssessmentGroup.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )
        tally["groups"] += created
        groups[key] = group
    return groups


def _seed_units(groups: dict[str, AssessmentGroup], tally: Counter[str]) -> dict[str, Unit]:
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[row[0] for row in UNITS])}
    for order, (code, parent_code, name, short_name, kind, group_key) in enumerate(UNITS, start=1):
        if code in units:
            continue
        units[code] = services.unit_create(
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            parent=units[parent_code] if parent_code else None,
            group=groups[group_key] if group_key else None,
            sort_order=order,
        )
        tally["units"] += 1
    return units


def _seed_two_factor(users: dict[str, Any], tally: Counter[str]) -> None:
    """Staff must pass two-factor login: the demo staff get the published demo authenticator."""
    for user in users.values():
        if requires_two_factor(user) and two_factor.demo_device_ensure(user=user):
            tally["authenticators"] += 1


def _seed_users(password: str, tally: Counter[str]) -> dict[str, Any]:
    """The demo logins by username; an account that already exists is left as it is."""
    user_model = get_user_model()
    users = {}
    for login in DEMO_LOGINS:
        if login.watches:
            continue  # a supervisor's account comes with the appointment (_seed_supervisors)
        user = user_model.objects.filter(username=login.username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=login.username,
                password=password,
                first_name=login.person or login.role,
                is_staff=login.is_staff,
                is_superuser=login.is_superuser,
            )
            tally["users"] += 1
        if login.group:
            try:
                user.groups.add(Group.objects.get(name=login.group))
            except Group.DoesNotExist as exc:
                raise CommandError(
                    _("Group “%(group)s” not found; run migrate first.") % {"group": login.group}
                ) from exc
        users[login.username] = user
    return users


def _seed_supervisors(
    password: str,
    units: dict[str, Unit],
    users: dict[str, Any],
    tally: Counter[str],
    warn: Callable[[str], None],
) -> None:
    """The supervisors among the logins, appointed by the officer for this year and the
    next (a two-year term, as their letters of appointment give) through the roster's
    service, which creates their account in the 监督员 role."""
    for login in DEMO_LOGINS:
        if not login.watches or Supervisor.objects.filter(user__username=login.username).exists():
            continue
        try:
            _appoint(login, password, units, users)
        except ValidationError as exc:
            # A ZUOFENG_DEMO_PASSWORD the password rules refuse: the rest of the demo stands.
            warn(
                _("The demo supervisor %(login)s was not appointed: %(reason)s")
                % {"login": login.username, "reason": "; ".join(exc.messages)}
            )
            continue
        tally["users"] += 1
        tally["supervisors"] += 1


def _appoint(login: Any, password: str, units: dict[str, Unit], users: dict[str, Any]) -> None:
    today = timezone.localdate()
    supervisor_appoint(
        actor=users["jiwei"],
        username=login.username,
        password=password,
        name=login.person,
        category=Supervisor.Category.SPECIAL,
        standing=Supervisor.Standing.PEOPLES_DEPUTY,
        term_start=datetime.date(today.year, 1, 1),
        term_end=datetime.date(today.year + 1, 12, 31),
        units=[units[code] for code in login.watches],
        phone="13905170286",
        workplace="示例县城关镇社区卫生服务中心主任",
    )


def _seed_jurisdictions(units: dict[str, Unit], tally: Counter[str]) -> None:
    """Officers of a subtree get exactly that jurisdiction, the one-step way."""
    for login in DEMO_LOGINS:
        if login.jurisdiction:
            _user, created = services.subtree_officer_setup(
                username=login.username, unit=units[login.jurisdiction], name=login.person
            )
            tally["users"] += created


def _seed_people(
    units: dict[str, Unit], users: dict[str, Any], tally: Counter[str], warn: Any
) -> dict[str, Person]:
    account_of = {
        login.person: users[login.username]
        for login in DEMO_LOGINS
        if login.person and not login.watches
    }
    people = {}
    for name, title, phone, unit_code in PEOPLE:
        user = account_of.get(name)
        person = Person.objects.filter(name=name, phone=phone).first()
        if person is None:
            if user is not None and Person.objects.filter(user=user).exists():
                warn(
                    _(
                        "Account %(user)s is already linked to another cadre and was not linked to %(name)s."
                    )
                    % {"user": user, "name": name}
                )
                user = None
            person = services.person_create(
                name=name, title=title, phone=phone, unit=units[unit_code], user=user
            )
            tally["people"] += 1
        elif user is not None and person.user_id is None:
            # A demo account left unlinked (e.g. by hand in the admin): link it again so
            # the responsibilities grant it its units.
            if Person.objects.filter(user=user).exists():
                warn(
                    _(
                        "Account %(user)s is already linked to another cadre and was not linked to %(name)s."
                    )
                    % {"user": user, "name": name}
                )
            else:
                person = services.person_update(person=person, user=user)
                tally["links"] += 1
        people[name] = person
    return people


def _responsibility_rows() -> list[tuple[str, str, str, str]]:
    """(unit code, role, person, note) for every responsibility the demo hands out."""
    rows: list[tuple[str, str, str, str]] = []
    for code, first, liaison in UNIT_HEADS:
        rows.append((code, FIRST, first, ""))
        if liaison:
            rows.append((code, LIAISON, liaison, ""))
    rows.extend((code, PRINCIPAL, name, "") for code, name in PRINCIPALS)
    for name, codes in LEADERS_IN_CHARGE:
        rows.extend((code, IN_CHARGE, name, "一岗双责") for code in codes)
    return rows


def _seed_responsibilities(
    units: dict[str, Unit],
    people: dict[str, Person],
    start: datetime.date,
    tally: Counter[str],
) -> None:
    for code, role, name, note in _responsibility_rows():
        unit, person = units[code], people[name]
        existing = Responsibility.objects.filter(unit=unit, role=role)
        # Any record for this person, even one ended since, means it was seeded before: the
        # ending was deliberate. A unit that meanwhile got another 第一责任人 keeps them.
        if existing.filter(person=person).exists():
            continue
        if role == FIRST and existing.current().exists():
            continue
        services.responsibility_assign(
            person=person, unit=unit, role=role, start_date=start, note=note
        )
        tally["responsibilities"] += 1


def _seed_leading_group(
    people: dict[str, Person], start: datetime.date, tally: Counter[str]
) -> None:
    # LeadingGroup has no service yet: get_or_create is acceptable for seed data.
    groups: dict[str, LeadingGroup] = {}
    for order, (name, kind, parent_name, duties, members) in enumerate(LEADING_GROUPS, start=1):
        group, created = LeadingGroup.objects.get_or_create(
            name=name,
            parent=groups[parent_name] if parent_name else None,
            defaults={"kind": kind, "duties": duties, "sort_order": order},
        )
        tally["leading_groups"] += created
        groups[name] = group
        for person_name, position in members:
            _member, created = LeadingGroupMember.objects.get_or_create(
                leading_group=group,
                person=people[person_name],
                position=position,
                defaults={"start_date": start},
            )
            tally["members"] += created


SUMMARY_KEYS = (
    "groups",
    "units",
    "people",
    "responsibilities",
    "users",
    "leading_groups",
    "members",
)


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def demo_build(*, password: str, stdout: Any, warn: Callable[[str], None]) -> Counter[str]:
    """Build what is missing of the demo county; returns what was created, by kind."""
    refuse_in_production()
    start = datetime.date(timezone.localdate().year, 1, 1)
    tally: Counter[str] = Counter()
    with transaction.atomic():
        groups = _seed_groups(tally)
        units = _seed_units(groups, tally)
        users = _seed_users(password, tally)
        _seed_jurisdictions(units, tally)
        _seed_supervisors(password, units, users, tally, warn)
        people = _seed_people(units, users, tally, warn=warn)
        _seed_responsibilities(units, people, start, tally)
        _seed_leading_group(people, start, tally)
        _seed_two_factor(users, tally)
    for seed in extensions.hooks("demo"):
        # The apps backdate what they fabricate, audit records included (units.audit).
        with transaction.atomic(), audit.demo_rewrites():
            seed(tally=tally, stdout=stdout)
    _seed_digests()
    return tally


def _seed_digests() -> None:
    """Last month's 月点评 and last quarter's 季小结, of the county and of the 派驻组's
    jurisdiction, reviewed and sent by their officers; last week's 周检查 waiting, with the
    comment the system drafted, for the officers to review and send (or for the system to,
    a working day later)."""
    today = timezone.localdate()
    for kind in (Digest.Kind.MONTHLY, Digest.Kind.QUARTERLY):
        period = period_before(kind=kind, today=today)
        for jurisdiction in digest_jurisdictions().values():
            digest, _created = digest_compile(period=period, scope=jurisdiction.scope)
            if digest.is_draft:
                editors = jurisdiction.editors
                digest_send(digest=digest, actor=editors[0] if editors else None)
    digests_prepare(kind=Digest.Kind.WEEKLY, today=today)
