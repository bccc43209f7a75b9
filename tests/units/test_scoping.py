"""Scoping: a grant on a unit covers its subtree; responsibilities grant and revoke."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_person_with_login, make_unit
from units import roles, services
from units.models import Responsibility, Unit
from units.permissions import can_act_for_unit, can_oversee_unit, get_unit_for_user_or_404
from units.selectors import (
    ACT,
    OVERSEE,
    VIEW,
    unit_in_scope,
    unit_scope_q,
    units_actable_by,
    units_overseen_by,
    units_visible_to,
)

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(u.name for u in qs)


def test_unit_head_sees_own_unit_and_its_subtree_only(cast):
    assert names(units_visible_to(user=cast.head_a)) == [
        "县市场监督管理局",
        "县市场监督管理局办公室",
    ]
    assert names(units_visible_to(user=cast.head_b)) == ["县教育局"]


def test_unit_head_gets_404_for_sibling_unit(cast):
    with pytest.raises(Http404):
        get_unit_for_user_or_404(cast.head_a, cast.dept_b.pk)
    assert get_unit_for_user_or_404(cast.head_a, cast.division_a.pk) == cast.division_a


def test_subtree_inheritance_covers_units_added_and_moved_later(cast):
    new_child = make_unit(
        "县市场监督管理局稽查大队", parent=cast.dept_a, kind=Unit.Kind.SUBORDINATE
    )
    grandchild = make_unit("稽查一中队", parent=new_child, kind=Unit.Kind.DIVISION)
    visible = set(units_visible_to(user=cast.head_a))
    assert {new_child, grandchild} <= visible
    # Moved under the sibling: the grant follows the tree, not the old position.
    services.unit_move(unit=new_child, new_parent=cast.dept_b)
    visible = set(units_visible_to(user=cast.head_a))
    assert new_child not in visible and grandchild not in visible
    assert {new_child.pk, grandchild.pk} <= {u.pk for u in units_visible_to(user=cast.head_b)}


def test_roles_see_what_the_spec_says(cast):
    everything = set(Unit.objects.all())
    assert set(units_visible_to(user=cast.officer)) == everything
    assert set(units_visible_to(user=cast.leader)) == everything
    assert set(units_overseen_by(user=cast.officer)) == everything
    assert not units_overseen_by(user=cast.leader).exists()
    assert names(units_visible_to(user=cast.in_charge)) == [
        "县市场监督管理局",
        "县市场监督管理局办公室",
    ]
    assert not units_visible_to(user=cast.evaluator).exists()
    assert not units_visible_to(user=cast.outsider).exists()


def test_leader_in_charge_and_leader_are_read_only(cast):
    assert can_act_for_unit(cast.head_a, cast.division_a)
    assert not can_act_for_unit(cast.head_a, cast.dept_b)
    assert not can_act_for_unit(cast.in_charge, cast.dept_a)
    assert not can_act_for_unit(cast.leader, cast.dept_a)
    assert not units_actable_by(user=cast.leader).exists()
    assert can_oversee_unit(cast.officer, cast.dept_b)
    assert not can_oversee_unit(cast.head_a, cast.dept_a)


def test_assigning_a_responsibility_adds_the_role_group(cast):
    assert roles.has_role(cast.head_a, roles.UNIT_HEAD)
    assert roles.has_role(cast.in_charge, roles.LEADER_IN_CHARGE)
    assert not roles.has_role(cast.in_charge, roles.UNIT_HEAD)


def test_ending_a_responsibility_revokes_its_permissions_and_group(cast):
    responsibility = Responsibility.objects.get(person__user=cast.head_a)
    services.responsibility_end(responsibility=responsibility)
    cast.head_a.refresh_from_db()
    assert not units_visible_to(user=cast.head_a).exists()
    assert not can_act_for_unit(cast.head_a, cast.dept_a)
    assert not roles.has_role(cast.head_a, roles.UNIT_HEAD)
    # The sibling's and the leader in charge's grants are untouched.
    assert names(units_visible_to(user=cast.head_b)) == ["县教育局"]
    assert units_visible_to(user=cast.in_charge).filter(pk=cast.dept_a.pk).exists()


def test_overlapping_responsibilities_keep_the_grant_until_the_last_one_ends(cast):
    person = cast.head_a.person
    liaison = services.responsibility_assign(
        person=person, unit=cast.dept_a, role=Responsibility.Role.LIAISON
    )
    first = Responsibility.objects.get(person=person, role=Responsibility.Role.FIRST_RESPONSIBLE)
    services.responsibility_end(responsibility=first)
    assert can_act_for_unit(cast.head_a, cast.dept_a)
    services.responsibility_end(responsibility=liaison)
    assert not can_act_for_unit(cast.head_a, cast.dept_a)


def test_future_responsibility_grants_only_from_its_start_date(cast):
    person, user = make_person_with_login("吴新任", "newcomer")
    start = timezone.localdate() + datetime.timedelta(days=5)
    services.responsibility_assign(
        person=person, unit=cast.township, role=Responsibility.Role.PRINCIPAL, start_date=start
    )
    assert not units_visible_to(user=user).exists()
    services.responsibilities_sync_due(today=start)
    user.refresh_from_db()
    assert names(units_visible_to(user=user)) == ["城关镇"]


def test_a_unit_has_one_first_responsible_person_at_a_time(cast):
    person, _ = make_person_with_login("郑替补", "substitute")
    with pytest.raises(ValidationError) as excinfo:
        services.responsibility_assign(
            person=person, unit=cast.dept_a, role=Responsibility.Role.FIRST_RESPONSIBLE
        )
    assert "已有第一责任人" in str(excinfo.value)
    assert Responsibility.objects.filter(person=person).count() == 0


def test_a_grant_to_a_group_also_covers_the_subtree(cast):
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    team = Group.objects.create(name="城关镇督查组")
    cast.outsider.groups.add(team)
    assign_perm("units.view_unit", team, cast.root)
    assert set(units_visible_to(user=cast.outsider)) == set(Unit.objects.all())


def test_jurisdiction_limited_officer_oversees_only_the_subtree(cast):
    _, officer = make_person_with_login("冯乡纪委", "town_officer")
    services.staff_jurisdiction_grant(user=officer, unit=cast.dept_a)
    assert names(units_overseen_by(user=officer)) == ["县市场监督管理局", "县市场监督管理局办公室"]
    assert names(units_visible_to(user=officer)) == ["县市场监督管理局", "县市场监督管理局办公室"]


def test_changing_a_persons_login_moves_the_grants(cast):
    person = cast.head_b.person
    _, new_user = make_person_with_login("钱局长新账号", "head_b_new")
    new_user.person.delete()
    services.person_update(person=person, user=new_user)
    cast.head_b.refresh_from_db()
    new_user.refresh_from_db()
    assert not units_visible_to(user=cast.head_b).exists()
    assert names(units_visible_to(user=new_user)) == ["县教育局"]


def test_inactive_or_anonymous_users_see_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    cast.head_a.is_active = False
    cast.head_a.save()
    assert not units_visible_to(user=cast.head_a).exists()
    assert not units_visible_to(user=AnonymousUser()).exists()


def test_a_login_account_belongs_to_one_cadre(cast):
    with pytest.raises(ValidationError) as excinfo:
        services.person_create(name="冒名者", user=cast.head_a)
    assert "已关联到干部" in str(excinfo.value)
    with pytest.raises(ValidationError):
        services.person_update(person=cast.head_b.person, user=cast.head_a)
    cast.head_b.person.refresh_from_db()
    assert cast.head_b.person.user == cast.head_b


@pytest.mark.parametrize("codename", [VIEW, ACT, OVERSEE])
def test_a_units_answer_is_the_querysets_answer_for_every_user_and_unit(cast, codename):
    """unit_in_scope decides on the unit's path what unit_scope_q asks the database: the
    same rule, for every kind of user (global, subtree, whole tree, none) and every unit."""
    from django.contrib.auth.models import AnonymousUser

    root_person, province_head = make_person_with_login("全县负责人", "whole_tree_head")
    services.responsibility_assign(
        person=root_person, unit=cast.root, role=Responsibility.Role.FIRST_RESPONSIBLE
    )
    gone_person, inactive = make_person_with_login("离职人员", "gone")
    services.responsibility_assign(
        person=gone_person, unit=cast.division_a, role=Responsibility.Role.PRINCIPAL
    )
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    users = [
        cast.officer,
        cast.leader,
        cast.head_a,
        cast.head_b,
        cast.in_charge,
        cast.evaluator,
        cast.outsider,
        cast.township_officer,
        province_head,
        inactive,
        AnonymousUser(),
    ]
    units = list(Unit.objects.all())
    decided = 0
    for user in users:
        in_reach = set(
            Unit.objects.filter(unit_scope_q(user=user, codename=codename)).values_list(
                "pk", flat=True
            )
        )
        for unit in units:
            assert unit_in_scope(user=user, unit=unit, codename=codename) == (
                unit.pk in in_reach
            ), (user, unit.name, codename)
            decided += unit.pk in in_reach
    assert decided  # some user reaches some unit: the comparison is not all "no"


def test_a_page_asks_nothing_more_for_the_same_unit_in_a_request(cast):
    officer = cast.township_officer
    officer._zf_grants = {}  # as units.middleware leaves it for a request
    assert can_oversee_unit(officer, cast.division_a)  # the grants, asked once
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            assert can_oversee_unit(officer, cast.division_a)
            assert not can_oversee_unit(officer, cast.dept_b)
            assert not can_act_for_unit(officer, cast.township)
    assert len(ctx.captured_queries) == 0
