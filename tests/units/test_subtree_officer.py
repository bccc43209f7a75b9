"""manage.py create_subtree_officer: one step, and the officer reaches only the subtree."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from units import roles, security
from units.models import Unit
from units.permissions import can_oversee_all_units, can_oversee_unit
from units.selectors import units_overseen_by, units_visible_to, user_sees_all_units

pytestmark = pytest.mark.django_db
User = get_user_model()


def run(*args: str) -> str:
    out = StringIO()
    call_command("create_subtree_officer", *args, stdout=out)
    return out.getvalue()


def test_the_role_group_has_the_abilities_without_the_county(db):
    group = Group.objects.get(name=roles.SUBTREE_INSPECTION_STAFF)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    source = set(
        Group.objects.get(name=roles.INSPECTION_STAFF).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert held < source
    for county_wide in (
        ("units", "view_all_units"),
        ("units", "oversee_all_units"),
        ("complaints", "view_all_complaints"),
        ("units", "view_jobrun"),
    ):
        assert county_wide not in held
    assert not {app for app, _ in held} & {"assessments", "django_celery_beat"}
    for ability in (
        ("complaints", "handle_complaint"),
        ("complaints", "view_complainant_identity"),
        ("campaign", "change_rectificationitem"),
        ("units", "change_person"),
    ):
        assert ability in held


def test_creates_an_officer_of_the_subtree(cast):
    out = run("wuxz", "--unit", cast.township.code, "--name", "吴乡纪", "--email", "w@x.gov.cn")
    assert "Created wuxz" in out and "changepassword wuxz" in out
    user = User.objects.get(username="wuxz")
    assert (user.first_name, user.email, user.is_staff, user.is_active) == (
        "吴乡纪",
        "w@x.gov.cn",
        True,
        True,
    )
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [roles.SUBTREE_INSPECTION_STAFF]
    assert list(units_overseen_by(user=user)) == [cast.township]
    assert list(units_visible_to(user=user)) == [cast.township]
    assert not user_sees_all_units(user=user) and not can_oversee_all_units(user)
    # They work as inspection staff (workspace, two-factor login), within the township.
    assert roles.primary_role(user) == roles.INSPECTION_STAFF
    assert security.requires_two_factor(user)


def test_rerun_moves_the_jurisdiction_and_keeps_the_account(cast):
    run("wuxz", "--unit", cast.township.code)
    user = User.objects.get(username="wuxz")
    user.set_password("keep-this-password-1")
    user.save()
    out = run("wuxz", "--unit", cast.dept_b.code)
    assert "Updated wuxz" in out and "changepassword" not in out
    user = User.objects.get(username="wuxz")
    assert user.check_password("keep-this-password-1")
    assert not can_oversee_unit(user, cast.township)
    assert can_oversee_unit(user, cast.dept_b)
    run("wuxz", "--unit", cast.dept_a.code, "--keep-other-grants")
    assert set(units_overseen_by(user=user)) == {cast.dept_a, cast.division_a, cast.dept_b}


def test_a_county_officer_moved_to_a_township_loses_the_county(cast):
    run(cast.officer.username, "--unit", cast.township.code)
    officer = User.objects.get(pk=cast.officer.pk)
    assert not officer.groups.filter(name=roles.INSPECTION_STAFF).exists()
    assert list(units_visible_to(user=officer)) == [cast.township]


@pytest.mark.parametrize("who", ["leader", "superuser"])
def test_refused_when_the_account_would_still_see_the_county(cast, who):
    username = cast.leader.username if who == "leader" else "root_admin"
    if who == "superuser":
        User.objects.create_superuser(username, "r@x.gov.cn", "pass-for-tests-123")
    with pytest.raises(CommandError, match="仍可查看全部单位"):
        run(username, "--unit", cast.township.code)
    user = User.objects.get(username=username)
    # All or nothing: the account is as it was.
    assert not user.groups.filter(name=roles.SUBTREE_INSPECTION_STAFF).exists()
    assert not can_oversee_unit(user, cast.township) or who == "superuser"


def test_unknown_or_archived_unit_is_refused(cast):
    with pytest.raises(CommandError, match="No unit has the code"):
        run("wuxz", "--unit", "NOPE")
    Unit.objects.filter(pk=cast.township.pk).update(status=Unit.Status.ARCHIVED)
    with pytest.raises(CommandError, match="已撤销"):
        run("wuxz", "--unit", cast.township.code)
    assert not User.objects.filter(username="wuxz").exists()
