"""干部作风档案: what the record gathers, who may open it, and an officer's flag."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_person_with_login
from units import cadres, services
from units.models import CadreFlag, Responsibility

pytestmark = pytest.mark.django_db


def _url(person) -> str:
    return reverse("campaign:cadre_record", args=[person.pk])


def _flag(cast, cadre, **kwargs) -> CadreFlag:
    today = timezone.localdate()
    values = {
        "kind": CadreFlag.Kind.NO_EXCELLENCE_NO_PROMOTION,
        "reason": "作风问题严重，经研究决定",
        "start_date": today,
        "end_date": cadres.one_year_from(today),
        "document": "县纪发〔2026〕9号",
        **kwargs,
    }
    return cadres.cadre_flag_set(person=cadre, actor=cast.officer, **values)


def test_record_gathers_items_accountability_and_flags(client_for, cast, cadre, record):
    flag = _flag(cast, cadre)
    response = client_for(cast.officer).get(_url(cadre))
    assert response.status_code == 200
    page = response.content.decode()
    assert "个人层面：窗口审批签字拖延" in page
    assert [i.pk for i in response.context["items"]] == [record["item"].pk]
    assert [a.pk for a in response.context["accountability"]] == [record["action"].pk]
    assert "县纪发〔2026〕7号" in page
    assert [f.pk for f in response.context["active_flags"]] == [flag.pk]
    assert f'data-flag="{flag.pk}"' in page
    assert response.context["can_flag"]


def test_item_tied_through_the_responsible_account_counts_too(cast, campaign, client_for):
    """An item whose responsible account is the cadre's login is on their record."""
    from tests.campaign.conftest import item_drive

    person_b = cast.head_b.person
    item = item_drive(
        cast, campaign, unit=cast.dept_b, actor=cast.head_b, responsible_user=cast.head_b
    )
    response = client_for(cast.officer).get(_url(person_b))
    assert [i.pk for i in response.context["items"]] == [item.pk]


def test_a_cadre_sees_their_own_record(client_for, cast, cadre, record):
    response = client_for(cast.head_a).get(reverse("campaign:cadre_mine"))
    assert response.status_code == 302 and response.url == _url(cadre)
    response = client_for(cast.head_a).get(_url(cadre))
    assert response.status_code == 200
    # Their own 问责, though it names no unit they may read it through.
    assert [a.pk for a in response.context["accountability"]] == [record["action"].pk]
    assert not response.context["can_flag"] and b'data-testid="flag-form"' not in response.content


def test_a_unit_head_sees_their_units_cadres(client_for, cast):
    deputy, _user = make_person_with_login("冯副局长", "deputy_a", title="副局长")
    services.responsibility_assign(
        person=deputy,
        unit=cast.dept_a,
        role=Responsibility.Role.PRINCIPAL,
        start_date=datetime.date(2026, 1, 1),
    )
    assert client_for(cast.head_a).get(_url(deputy)).status_code == 200


@pytest.mark.parametrize("who", ["head_b", "township_officer_b", "in_charge", "leader", "outsider"])
def test_outsiders_get_404(client_for, cast, cadre, who):
    target = cadre
    user = getattr(cast, who, None)
    if who == "township_officer_b":
        # An officer confined to dept_a's subtree: dept_b's cadre is outside it.
        user, target = cast.township_officer, cast.head_b.person
    assert client_for(user).get(_url(target)).status_code == 404


def test_officer_of_the_subtree_sees_its_cadre(client_for, cast, cadre):
    assert client_for(cast.township_officer).get(_url(cadre)).status_code == 200


def test_officer_sets_a_flag_with_an_audit_record(client_for, cast, cadre):
    today = timezone.localdate()
    response = client_for(cast.officer).post(
        reverse("campaign:cadre_flag", args=[cadre.pk]),
        {
            "kind": CadreFlag.Kind.NO_NEW_PROMOTION,
            "unit": cast.dept_a.pk,
            "reason": "年度作风问题严重",
            "document": "县委组发〔2026〕3号",
            "start_date": today.isoformat(),
            "end_date": cadres.one_year_from(today).isoformat(),
        },
    )
    assert response.status_code == 302 and response.url == _url(cadre)
    flag = CadreFlag.objects.get()
    assert (flag.person, flag.unit, flag.source) == (None, cast.dept_a, "officer")
    assert flag.created_by == cast.officer
    history = flag.history.get()
    assert history.history_type == "+" and history.history_user == cast.officer
    # The unit's flag shows on the record of each of its cadres.
    page = client_for(cast.officer).get(_url(cadre))
    assert [f.pk for f in page.context["active_flags"]] == [flag.pk]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2027-03-01", "2027-01-01", "结束日期不能早于开始日期"),
        ("2027-03-01", "明年", "日期"),
    ],
)
def test_bad_dates_are_refused_in_chinese_and_nothing_saved(
    client_for, cast, cadre, start, end, message
):
    response = client_for(cast.officer).post(
        reverse("campaign:cadre_flag", args=[cadre.pk]),
        {
            "kind": CadreFlag.Kind.NO_EXCELLENCE_NO_PROMOTION,
            "reason": "作风问题严重",
            "start_date": start,
            "end_date": end,
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["flag_form"].errors["end_date"]
    assert not CadreFlag.objects.exists()


def test_a_unit_flag_needs_its_unit(client_for, cast, cadre):
    response = client_for(cast.officer).post(
        reverse("campaign:cadre_flag", args=[cadre.pk]),
        {
            "kind": CadreFlag.Kind.NO_NEW_PROMOTION,
            "reason": "作风问题严重",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
        },
    )
    assert response.status_code == 400
    assert response.context["flag_form"].errors["unit"]
    assert not CadreFlag.objects.exists()


def test_who_may_not_flag(client_for, cast, cadre):
    url = reverse("campaign:cadre_flag", args=[cadre.pk])
    data = {"kind": "no_excellence_no_promotion", "reason": "x", "start_date": "2027-01-01"}
    assert client_for(cast.head_a).post(url, data).status_code == 403  # may read, not flag
    assert client_for(cast.head_b).post(url, data).status_code == 404
    assert client_for(cast.officer).get(url).status_code == 405
    assert not CadreFlag.objects.exists()


def test_item_form_ties_an_item_to_a_cadre(client_for, cast, campaign, cadre):
    response = client_for(cast.head_a).post(
        reverse("campaign:item_create", args=[campaign.pk]),
        {
            "unit": cast.dept_a.pk,
            "list_kind": "problem",
            "level": "individual",
            "source": "self_inspection",
            "problem": "个人作风：上班时间办私事",
            "deadline": "2027-03-31",
            "cadre": cadre.pk,
        },
    )
    assert response.status_code == 302
    from campaign.models import RectificationItem

    assert RectificationItem.objects.get(problem="个人作风：上班时间办私事").cadre == cadre
    # Another unit's cadre is not one to choose.
    response = client_for(cast.head_a).post(
        reverse("campaign:item_create", args=[campaign.pk]),
        {
            "unit": cast.dept_a.pk,
            "list_kind": "problem",
            "level": "individual",
            "source": "self_inspection",
            "problem": "个人作风：迟到早退",
            "deadline": "2027-03-31",
            "cadre": cast.head_b.person.pk,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["cadre"]


def test_unit_page_links_its_leaders_records(client_for, cast, cadre):
    page = client_for(cast.officer).get(reverse("units:unit_detail", args=[cast.dept_a.pk]))
    assert _url(cadre) in page.content.decode()
    # A reader who may not open the record sees the name without the link.
    page = client_for(cast.leader).get(reverse("units:unit_detail", args=[cast.dept_a.pk]))
    assert _url(cadre) not in page.content.decode()


def test_list_is_scoped_and_searchable(client_for, cast):
    url = reverse("campaign:cadre_list")
    names = {p.name for p in client_for(cast.officer).get(url).context["page"]}
    assert {"赵局长", "钱局长"} <= names
    names = {p.name for p in client_for(cast.head_a).get(url).context["page"]}
    assert "赵局长" in names and "钱局长" not in names
    found = client_for(cast.officer).get(url, {"q": "教育局"}).context["page"]
    assert [p.name for p in found] == ["钱局长"]


def _people(cast, count: int, start: int = 0) -> None:
    today = timezone.localdate()
    for n in range(start, start + count):
        person = services.person_create(name=f"干部{n:02d}", title="科长", unit=cast.dept_a)
        services.responsibility_assign(
            person=person,
            unit=cast.dept_a,
            role=Responsibility.Role.LIAISON,
            start_date=datetime.date(2026, 1, 1),
        )
        cadres.cadre_flag_set(
            person=person,
            kind=CadreFlag.Kind.NO_EXCELLENCE_NO_PROMOTION,
            reason="作风问题",
            start_date=today,
            end_date=cadres.one_year_from(today),
            actor=cast.officer,
        )


def test_list_query_count_is_flat(client_for, cast, django_assert_max_num_queries):
    client = client_for(cast.officer)
    url = reverse("campaign:cadre_list")
    _people(cast, 3)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _people(cast, 27, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 30
    generated = [p for p in response.context["page"] if p.name.startswith("干部")]
    assert generated and all(len(p.active_flags) == 1 for p in generated)
    assert all(len(p.current_posts) == 1 for p in generated)
    assert response.content.decode().count('class="badge text-bg-danger"') == len(generated)


def test_migration_ties_existing_items_to_their_responsible_cadre(cast, campaign):
    import importlib

    from django.apps import apps

    from campaign.models import RectificationItem
    from tests.campaign.conftest import item_drive

    migration = importlib.import_module("campaign.migrations.0008_item_cadre")
    mine = item_drive(cast, campaign, responsible_user=cast.head_a, problem="有账号的事项")
    other = item_drive(cast, campaign, problem="无账号的事项")
    migration.tie_items_to_cadres(apps, None)
    assert RectificationItem.objects.get(pk=mine.pk).cadre == cast.head_a.person
    assert RectificationItem.objects.get(pk=other.pk).cadre is None


def test_edit_form_keeps_a_cadre_who_left_the_unit(client_for, cast, campaign):
    from campaign.forms import ItemForm
    from tests.campaign.conftest import item_drive

    outsider_cadre = cast.head_b.person
    item = item_drive(cast, campaign, cadre=outsider_cadre, problem="离任干部的事项")
    form = ItemForm(instance=item)
    choices = set(form.fields["cadre"].queryset)
    assert outsider_cadre in choices and cast.head_a.person in choices
    response = client_for(cast.head_a).get(reverse("campaign:item_edit", args=[item.pk]))
    assert response.status_code == 200
