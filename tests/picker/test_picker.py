"""Unit fields render only the chosen units and search the field's own queryset.

Pages with a unit field used to list every unit of the user's jurisdiction (10,000 in a
province). Now the page carries the chosen unit(s) and a lookup address; the lookup answers
from the same queryset that validates the post, never more than the user may see.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Circular, RectificationItem
from tests.factories import make_unit
from units.models import Unit

pytestmark = pytest.mark.django_db

LOOKUP = re.compile(r'data-unit-picker="([^"]+)"')


def options(html: str, name: str) -> list[str]:
    """The <option> values inside the <select name=name>."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def lookups(html: str) -> list[str]:
    return LOOKUP.findall(html)


def search(client, url: str, text: str) -> dict:
    response = client.get(url, {"q": text})
    assert response.status_code == 200, response.content
    return response.json()


def names(found: dict) -> list[str]:
    return [row["text"] for row in found["results"]]


def more_units(cast, count: int) -> None:
    """Grow the county: units the old selects would all have listed."""
    for n in range(count):
        make_unit(f"新增单位{n}", parent=cast.township, kind=Unit.Kind.SUBORDINATE)


def test_the_circular_form_lists_no_unit_and_costs_the_same_with_more_units(
    cast, campaign, client_for, django_assert_num_queries
):
    client = client_for(cast.officer)
    url = reverse("campaign:circular_create", args=[campaign.pk])
    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert options(html, "commended") == [] and options(html, "criticised") == []
    assert len(lookups(html)) == 4  # two unit fields, two cadre fields (test_cadre_picker)
    more_units(cast, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "新增单位" not in html


def test_the_officer_finds_units_by_chinese_substring_with_their_path(cast, campaign, client_for):
    client = client_for(cast.officer)
    html = client.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    url = lookups(html)[0]
    office = make_unit("办公室", parent=cast.township, kind=Unit.Kind.DIVISION)
    found = search(client, url, "办公室")
    assert names(found) == ["县市场监督管理局 / 县市场监督管理局办公室", "城关镇 / 办公室"]
    assert found["results"][1]["id"] == office.pk and found["more"] is False
    # Code and short name are searched too, in any case.
    assert names(search(client, url, "slx-jyj")) == ["县教育局"]
    # The campaign's scope (the county) cannot be commended: the form refuses it, so the
    # lookup does not offer it.
    assert names(search(client, url, "示例县")) == []


def test_the_lookup_answers_at_most_twenty(
    cast, campaign, client_for, django_assert_max_num_queries
):
    more_units(cast, 25)
    client = client_for(cast.officer)
    html = client.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    # Signing in and the grants (as on every page), the units, their ancestors for the
    # labels: the same at any size.
    with django_assert_max_num_queries(7):
        found = search(client, lookups(html)[0], "新增")
    assert len(found["results"]) == 20 and found["more"] is True


def test_a_subtree_officer_cannot_find_a_department_outside_their_subtree(
    cast, campaign, client_for
):
    client = client_for(cast.township_officer)
    html = client.get(reverse("campaign:ledger", args=[campaign.pk])).content.decode()
    assert options(html, "unit") == [""]  # "all units" only
    url = lookups(html)[0]
    assert names(search(client, url, "局")) == [
        "县市场监督管理局",
        "县市场监督管理局 / 县市场监督管理局办公室",
    ]
    assert names(search(client, url, "教育")) == []


def test_a_token_seen_by_someone_else_shows_them_only_what_they_may_see(cast, campaign, client_for):
    officer = client_for(cast.officer)
    html = officer.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    url = lookups(html)[0]
    officer.logout()
    township_officer = client_for(cast.township_officer)
    assert names(search(township_officer, url, "教育")) == []
    township_officer.logout()
    assert client_for(cast.outsider).get(url, {"q": "局"}).json()["results"] == []


def test_a_unit_head_finds_only_the_units_they_file_for(cast, campaign, client_for):
    client = client_for(cast.head_a)
    html = client.get(reverse("campaign:item_create", args=[campaign.pk])).content.decode()
    # Their own unit is chosen already (the form's initial): it is the one unit listed.
    assert options(html, "unit") == ["", str(cast.dept_a.pk)]
    url = lookups(html)[0]
    assert names(search(client, url, "局")) == [
        "县市场监督管理局",
        "县市场监督管理局 / 县市场监督管理局办公室",
    ]
    assert names(search(client, url, "教育局")) == []


def test_a_unit_outside_the_field_is_refused_and_nothing_saved(cast, campaign, client_for):
    client = client_for(cast.head_a)
    response = client.post(
        reverse("campaign:item_create", args=[campaign.pk]),
        {
            "unit": cast.dept_b.pk,
            "problem": "窗口推诿",
            "measures": "整改",
            "deadline": "2026-12-01",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not RectificationItem.objects.exists()


def test_an_invalid_circular_keeps_the_chosen_units_and_saves_nothing(cast, campaign, client_for):
    client = client_for(cast.officer)
    url = reverse("campaign:circular_create", args=[campaign.pk])
    response = client.post(
        url,
        {
            "kind": Circular.Kind.choices[0][0],
            "title": "",  # missing: the form comes back
            "body": "正文",
            "commended": [cast.dept_a.pk, cast.township.pk],
            "criticised": [cast.root.pk],  # the campaign's scope is no choice
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Circular.objects.exists()
    assert sorted(options(html, "commended")) == sorted(
        [str(cast.dept_a.pk), str(cast.township.pk)]
    )
    assert options(html, "criticised") == []
    assert "选择一个有效的选项" in html


def test_the_public_complaint_form_searches_active_units_anonymously(cast, client):
    html = client.get(reverse("complaints:public_submit")).content.decode()
    assert options(html, "subject_unit") == [""]
    url = lookups(html)[0]
    assert names(search(client, url, "市场")) == [
        "县市场监督管理局",
        "县市场监督管理局 / 县市场监督管理局办公室",
    ]


def test_the_public_may_not_use_a_staff_token(cast, campaign, client_for, client):
    officer = client_for(cast.officer)
    html = officer.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    officer.logout()
    response = client.get(lookups(html)[0], {"q": "局"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_unknown_token_is_not_found(cast, client_for):
    client = client_for(cast.officer)
    response = client.get(reverse("units:unit_lookup", args=["0" * 40]), {"q": "局"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("campaign:inspection_detail", ("unit",)),
        ("complaints:intake", ("subject_unit",)),
        ("campaign:campaign_list", ("scope",)),
    ],
)
def test_other_unit_fields_list_no_units(cast, campaign, client_for, name, fields, inspection):
    client = client_for(cast.officer)
    args = [inspection.pk] if name == "campaign:inspection_detail" else []
    html = client.get(reverse(name, args=args)).content.decode()
    for field in fields:
        assert options(html, field) in ([], [""]), field
    assert lookups(html)
