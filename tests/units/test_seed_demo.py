"""`manage.py seed_demo`: a demo county that can be built twice and scopes like the real thing."""

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from units import roles
from units.models import (
    AssessmentGroup,
    Digest,
    LeadingGroup,
    LeadingGroupMember,
    Notification,
    Person,
    Responsibility,
    Unit,
    UnitUserObjectPermission,
)
from units.selectors import units_actable_by, units_visible_to

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot() -> dict[str, Any]:
    """Everything a run could add to or change."""
    return {
        "units": Unit.objects.count(),
        "groups": AssessmentGroup.objects.count(),
        "people": Person.objects.count(),
        "responsibilities": Responsibility.objects.count(),
        "users": sorted(User.objects.values_list("username", "password", "first_name")),
        "leading_groups": LeadingGroup.objects.count(),
        "members": LeadingGroupMember.objects.count(),
        "grants": UnitUserObjectPermission.objects.count(),
        "notifications": Notification.objects.count(),
        "digests": list(Digest.objects.values_list("kind", "period_start")),
        "unit_history": Unit.history.count(),
        "person_history": Person.history.count(),
        "tree": list(Unit.objects.values_list("code", "path", "numchild")),
    }


def login(username: str):
    return User.objects.get(username=username)


def subtrees(*codes: str) -> set[Unit]:
    return {unit for code in codes for unit in Unit.objects.get(code=code).subtree()}


def test_second_run_changes_nothing(django_capture_on_commit_callbacks):
    # Sending a digest notifies its readers once the sending commits (units.digests).
    with django_capture_on_commit_callbacks(execute=True):
        first_output = seed()
    first = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        second_output = seed()

    assert snapshot() == first
    assert 35 <= first["units"] <= 45
    assert first["groups"] == 4
    assert "新建考核组别 4 个" in first_output
    assert "本次未作改动" in second_output
    # Leaders find last month's 月点评 and last quarter's 季小结 (sent), in-app; last week's
    # 周检查 waits for the officers' review (tests/units/test_digest_demo.py).
    assert {kind for kind, _ in first["digests"]} == {"weekly", "monthly", "quarterly"}
    assert Notification.objects.filter(recipient__username="lingdao", kind="digest").count() == 2


def test_every_unit_has_exactly_one_current_first_responsible_person():
    seed()
    seed()
    firsts = Counter(
        Responsibility.objects.current()
        .filter(role=Responsibility.Role.FIRST_RESPONSIBLE)
        .values_list("unit__code", flat=True)
    )
    assert firsts == Counter(Unit.objects.values_list("code", flat=True))
    liaisons = Responsibility.objects.current().filter(role=Responsibility.Role.LIAISON)
    assert liaisons.values("unit").distinct().count() > Unit.objects.count() / 2


def test_tree_and_groups_are_realistic():
    seed()
    root = Unit.objects.get(code="SLX")
    assert root.is_root() and root.name == "示例县" and root.kind == Unit.Kind.COUNTY
    assert set(AssessmentGroup.objects.values_list("name", flat=True)) == {
        "综合管理部门",
        "执法监管部门",
        "窗口服务单位",
        "乡镇",
    }
    registry = Unit.objects.get(code="SLX-ZRJ-BDC")
    resources = Unit.objects.get(code="SLX-ZRJ")
    assert registry.path.startswith(resources.path) and registry.depth == resources.depth + 1
    assert registry.kind == Unit.Kind.SERVICE_WINDOW and registry.group.name == "窗口服务单位"
    townships = Unit.objects.filter(kind=Unit.Kind.TOWNSHIP)
    assert townships.count() >= 5
    assert set(townships.values_list("group__name", flat=True)) == {"乡镇"}
    assert Unit.objects.filter(kind=Unit.Kind.DIVISION, depth=3).exists()


def test_unit_head_sees_own_department_and_its_subtree_only():
    seed()
    danwei = login("danwei")
    market = Unit.objects.get(name="县市场监督管理局")
    visible = set(units_visible_to(user=danwei))

    assert visible == set(market.subtree())
    assert len(visible) > 1
    assert Unit.objects.get(name="县教育局") not in visible
    assert danwei.groups.filter(name=roles.UNIT_HEAD).exists()
    assert danwei.first_name == "张伟"
    assert set(units_visible_to(user=login("danwei2"))) == subtrees("SLX-JYJ")


def test_leader_in_charge_sees_exactly_the_supervised_departments():
    seed()
    fenguan = login("fenguan")
    supervised = Responsibility.objects.current().filter(
        person__user=fenguan, role=Responsibility.Role.LEADER_IN_CHARGE
    )
    codes = sorted(supervised.values_list("unit__code", flat=True))

    assert codes == ["SLX-SCJ", "SLX-SPJ", "SLX-YJJ", "SLX-ZWZX"]
    assert set(units_visible_to(user=fenguan)) == subtrees(*codes)
    assert fenguan.groups.filter(name=roles.LEADER_IN_CHARGE).exists()
    assert fenguan.person.title == "副县长"


def test_leadership_and_inspection_staff_see_everything():
    seed()
    everything = set(Unit.objects.all())
    jiwei = login("jiwei")

    assert set(units_visible_to(user=login("lingdao"))) == everything
    assert set(units_visible_to(user=jiwei)) == everything
    assert jiwei.is_staff and jiwei.groups.filter(name=roles.INSPECTION_STAFF).exists()
    lingdao = login("lingdao")
    assert lingdao.groups.filter(name=roles.LEADERSHIP).exists()
    # Leadership reads everything and edits nothing.
    assert not units_actable_by(user=lingdao).exists()
    assert not units_actable_by(user=login("fenguan")).exists()
    assert login("kaoping").groups.filter(name=roles.EVALUATOR).exists()
    assert login("admin").is_superuser


def test_logins_use_the_demo_password_and_are_printed(monkeypatch):
    monkeypatch.setenv("ZUOFENG_DEMO_PASSWORD", "shili-2026")
    output = seed()

    for username in (
        "admin",
        "jiwei",
        "baoguan",
        "lingdao",
        "paizhu",
        "danwei",
        "danwei2",
        "fenguan",
        "kaoping",
        "jiandu",  # the supervisor: their account comes with the appointment
    ):
        assert login(username).check_password("shili-2026")
        assert username in output
    assert "shili-2026" in output
    # Every demo login except admin is a cadre, so the interface can greet them by name.
    linked = Person.objects.filter(user__isnull=False)
    assert {p.user.first_name for p in linked} == {p.name for p in linked}
    assert linked.count() == 10  # + baoguan (h1) and the two 评议 evaluators (assessments demo)


def test_leading_group_has_office_and_working_groups():
    seed()
    group = LeadingGroup.objects.get(name="示例县作风建设领导小组", parent=None)
    assert set(group.children.values_list("name", flat=True)) == {
        "领导小组办公室",
        "综合组",
        "明察暗访组",
        "追责问责组",
    }
    assert group.members.filter(position=LeadingGroupMember.Position.LEADER).exists()
    office = group.children.get(name="领导小组办公室")
    director = office.members.get(position=LeadingGroupMember.Position.DIRECTOR)
    assert director.person.user.username == "jiwei"


def test_refuses_under_production_settings(monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "config.settings.prod")

    with pytest.raises(CommandError, match="生产环境"):
        seed()
    assert not Unit.objects.exists()
    assert not Person.objects.exists()
    assert not User.objects.exists()
    assert not AssessmentGroup.objects.exists()
