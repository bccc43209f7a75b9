"""Who a unit's notices go to, looked up for many units at once as the daily sweep does.

`units_recipients` (one query for a batch's units) must name the same people, in the same
order, as the one-unit question asked unit by unit: the unit's heads (第一责任人, 主要负责人,
联络员) and the leaders in charge of it or of any unit above it, serving and with an active
account.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Q

from complaints.selectors import UnitRecipients, unit_recipients, units_recipients
from tests.factories import UserFactory, make_unit
from units.models import Responsibility, Unit
from units.services import person_create, responsibility_assign, responsibility_end

pytestmark = pytest.mark.django_db


def _asked_alone(unit: Unit) -> dict[str, list[Any]]:
    """The question for one unit, written out plainly: the reference."""
    paths = [unit.path[:i] for i in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    rows = (
        Responsibility.objects.current()
        .filter(person__user__isnull=False, person__user__is_active=True)
        .filter(
            Q(unit=unit, role__in=("first", "principal", "liaison"))
            | Q(unit__path__in=paths, role="in_charge")
        )
        .select_related("person__user")
    )
    heads: dict[int, Any] = {}
    in_charge: dict[int, Any] = {}
    for row in rows:
        (in_charge if row.role == "in_charge" else heads)[row.person.user.pk] = row.person.user
    return {"heads": list(heads.values()), "in_charge": list(in_charge.values())}


def _person(name: str, unit: Unit, *, active: bool = True):
    user = UserFactory(is_active=active)
    return person_create(name=name, unit=unit, user=user)


@pytest.fixture
def tree(cast):
    """Heads and leaders in charge at several depths, one of them in charge of two units,
    an account switched off, a post left, a liaison, a head without an account."""
    county_deputy = _person("分管副县长", cast.root)
    responsibility_assign(person=county_deputy, unit=cast.root, role="in_charge")
    responsibility_assign(person=county_deputy, unit=cast.dept_b, role="in_charge")
    responsibility_assign(
        person=_person("科长", cast.division_a), unit=cast.division_a, role="first"
    )
    responsibility_assign(
        person=_person("联络员", cast.division_a), unit=cast.division_a, role="liaison"
    )
    responsibility_assign(
        person=_person("停用账号", cast.dept_a, active=False), unit=cast.dept_a, role="principal"
    )
    left = responsibility_assign(
        person=_person("已调离", cast.dept_b), unit=cast.dept_b, role="principal"
    )
    responsibility_end(responsibility=left)
    responsibility_assign(
        person=person_create(name="无账号", unit=cast.dept_b), unit=cast.dept_b, role="liaison"
    )
    station = make_unit("乡镇站所", parent=cast.township)
    responsibility_assign(person=_person("站所负责人", station), unit=station, role="first")
    return list(Unit.objects.order_by("path"))


def test_many_units_at_once_name_whom_each_unit_alone_names(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = units_recipients(units=tree)
    assert set(found) == {unit.pk for unit in tree}
    for unit in tree:
        assert found[unit.pk] == _asked_alone(unit), unit.name
        assert unit_recipients(unit=unit) == _asked_alone(unit), unit.name
    # The cast is not empty: the comparison compares people.
    assert any(found[unit.pk]["heads"] for unit in tree)
    assert sum(len(found[unit.pk]["in_charge"]) > 1 for unit in tree) >= 1


def test_a_sweep_reads_a_batchs_units_once(tree, django_assert_num_queries):
    recipients = UnitRecipients()
    with django_assert_num_queries(1):
        recipients.prefetch([*tree, None, tree[0]])
    with django_assert_num_queries(0):
        seen = {unit.pk: recipients.of(unit) for unit in tree}
    assert seen == {unit.pk: _asked_alone(unit) for unit in tree}
    station = make_unit("新设站所", parent=tree[0])
    expected = _asked_alone(station)
    with django_assert_num_queries(1):  # a unit not in the batch: asked for then
        assert recipients.of(station) == expected
    assert expected["heads"] == [] and expected["in_charge"]
