"""Unit pages: allowed role, outsider 404, wrong method, anonymous to login, query counts."""

import pytest
from django.urls import reverse

from tests.factories import make_unit
from units import services
from units.models import Notification, Unit

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client, cast):
    for url in (
        reverse("units:workspace"),
        reverse("units:unit_list"),
        reverse("units:unit_detail", args=[cast.dept_a.pk]),
        reverse("units:notification_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    # "/" is the public front page (tests/units/test_front_page.py), not a login redirect.
    assert client.get("/").status_code == 200


def test_home_sends_each_role_to_its_workspace(client_for, cast):
    for user, label in (
        (cast.officer, "纪检监察人员"),
        (cast.leader, "领导"),
        (cast.head_a, "单位负责人"),
        (cast.in_charge, "分管领导"),
        (cast.evaluator, "考评人员"),
    ):
        client = client_for(user)
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0] == reverse("units:workspace")
        assert f'data-testid="role-badge">{label}<' in response.content.decode()


def test_unit_head_workspace_lists_only_own_units(client_for, cast):
    content = client_for(cast.head_a).get(reverse("units:workspace")).content.decode()
    assert "县市场监督管理局" in content
    assert "县教育局" not in content


def test_officer_workspace_counts_units_without_first_responsible_person(client_for, cast):
    response = client_for(cast.officer).get(reverse("units:workspace"))
    # root, division_a and the township have no 第一责任人 in the cast.
    assert response.context["missing_first_count"] == 3
    assert response.context["unit_count"] == Unit.objects.count()


def test_unit_detail_for_own_unit_and_404_for_sibling(client_for, cast):
    client = client_for(cast.head_a)
    response = client.get(reverse("units:unit_detail", args=[cast.dept_a.pk]))
    assert response.status_code == 200
    assert "赵局长" in response.content.decode()
    assert client.get(reverse("units:unit_detail", args=[cast.dept_b.pk])).status_code == 404
    assert client.get(reverse("units:unit_detail", args=[cast.root.pk])).status_code == 404


def test_outsider_gets_404_everywhere(client_for, cast):
    client = client_for(cast.outsider)
    for unit in (cast.root, cast.dept_a, cast.dept_b):
        assert client.get(reverse("units:unit_detail", args=[unit.pk])).status_code == 404
    assert "县" not in "".join(
        u.name for u in client.get(reverse("units:unit_list")).context["page"]
    )


def test_unit_pages_refuse_the_wrong_method(client_for, cast):
    client = client_for(cast.officer)
    assert client.post(reverse("units:unit_list")).status_code == 405
    assert client.post(reverse("units:unit_detail", args=[cast.dept_a.pk])).status_code == 405
    assert client.get(reverse("units:notifications_read_all")).status_code == 405


def test_unit_list_query_count_is_flat(client_for, cast, django_assert_max_num_queries):
    client = client_for(cast.officer)
    client.get(reverse("units:unit_list"))  # warm the session
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("units:unit_list"))
    for i in range(30):
        make_unit(f"新增单位{i}", parent=cast.root)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("units:unit_list"))
    assert len(response.context["page"]) == 35


def test_unit_list_filters_by_name_and_group(client_for, cast):
    client = client_for(cast.leader)
    response = client.get(reverse("units:unit_list"), {"q": "教育"})
    assert [u.name for u in response.context["page"]] == ["县教育局"]
    response = client.get(reverse("units:unit_list"), {"group": cast.township.group_id})
    assert [u.name for u in response.context["page"]] == ["城关镇"]
    response = client.get(reverse("units:unit_list"), {"group": "not-a-number"})
    assert response.status_code == 200
    assert "查询条件有误" in response.content.decode()


@pytest.mark.parametrize("who", ["officer", "leader", "head_a", "in_charge", "evaluator"])
def test_workspace_query_count_is_flat(client_for, cast, who, django_assert_max_num_queries):
    """Every role's workspace, with all the apps' panels, stays flat as units are added."""
    client = client_for(getattr(cast, who))
    client.get(reverse("units:workspace"))
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("units:workspace"))
    for i in range(20):
        make_unit(f"新增单位{i}", parent=cast.dept_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("units:workspace"))


def test_notifications_only_own_and_open_marks_read(client_for, cast):
    services.notification_send(
        recipients=[cast.head_b], kind=Notification.Kind.INFO, title="仅钱局长可见", email=False
    )
    notice = Notification.objects.get(recipient=cast.head_a, kind=Notification.Kind.RESPONSIBILITY)
    client = client_for(cast.head_a)
    content = client.get(reverse("units:notification_list")).content.decode()
    assert notice.title in content and "仅钱局长可见" not in content
    other = Notification.objects.get(recipient=cast.head_b, title="仅钱局长可见")
    assert client.post(reverse("units:notification_open", args=[other.pk])).status_code == 404
    response = client.post(reverse("units:notification_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("units:unit_detail", args=[cast.dept_a.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_interface_is_chinese_by_default_and_english_on_request(client_for, cast):
    client = client_for(cast.head_a)
    assert "工作台" in client.get(reverse("units:workspace")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Workspace" in client.get(reverse("units:workspace")).content.decode()
