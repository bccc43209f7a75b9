"""Cadre fields render only the chosen cadres and search the field's own queryset.

The circular's 点名 fields and the inspection's finding / 问责 forms used to list every cadre
of the jurisdiction (90,000 in a province). Now they carry the chosen cadre(s) and the
address of the same lookup as the unit fields (units.picker), searching by part of a name or
post within the field's queryset and what the user may see.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import Circular, Finding
from tests.picker.test_picker import names, options, search
from units import services
from units.models import Person
from units.picker import KINDS

pytestmark = pytest.mark.django_db

# The cast's heads hold their unit by a post (第一责任人), not as home unit: name and post.
ZHAO = "赵局长（局长）"
QIAN = "钱局长（局长）"


def lookup(html: str, name: str) -> str:
    """The lookup address of the <select name=name>."""
    found = re.search(rf'<select name="{name}"[^>]*?data-unit-picker="([^"]+)"', html)
    assert found, f"no picker for {name}"
    return found.group(1)


def person(name: str) -> Person:
    return Person.objects.get(name=name)


def more_cadres(cast, count: int) -> None:
    """Grow the department: cadres the old selects would all have listed."""
    for n in range(count):
        services.person_create(name=f"新增干部{n}", title="科员", unit=cast.dept_a)


def test_the_circular_form_lists_no_cadre_and_costs_the_same_with_more_cadres(
    cast, campaign, client_for, django_assert_num_queries
):
    client = client_for(cast.officer)
    url = reverse("campaign:circular_create", args=[campaign.pk])
    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert options(html, "commended_cadres") == [] and options(html, "criticised_cadres") == []
    assert "赵局长" not in html
    assert f'data-placeholder="{KINDS[Person].placeholder}"' in html  # 输入姓名搜索
    more_cadres(cast, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "新增干部" not in html


def test_the_inspection_page_lists_no_cadre_and_costs_the_same_with_more_cadres(
    cast, client_for, inspection, django_assert_num_queries
):
    client = client_for(cast.officer)
    url = reverse("campaign:inspection_detail", args=[inspection.pk])
    client.get(url)  # the first visit caches what every later one reads
    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert options(html, "cadre") == [""]
    more_cadres(cast, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert "新增干部" not in html
    assert names(search(client, lookup(html, "cadre"), "新增干部29")) == [
        "新增干部29（县市场监督管理局 · 科员）"
    ]


def test_the_officer_finds_cadres_by_part_of_a_name(cast, campaign, client_for):
    client = client_for(cast.officer)
    html = client.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    url = lookup(html, "commended_cadres")
    assert lookup(html, "commended_cadres") != lookup(html, "commended")  # cadres, not units
    found = search(client, url, "赵")
    assert names(found) == [ZHAO] and found["results"][0]["id"] == person("赵局长").pk
    # The post is searched too; 孙副县长 leads dept_a from the county and is not its cadre.
    assert names(search(client, url, "局长")) == [ZHAO, QIAN]
    assert names(search(client, url, "孙")) == []


def test_a_subtree_officer_cannot_find_a_cadre_outside_their_subtree(cast, campaign, client_for):
    client = client_for(cast.township_officer)
    html = client.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    url = lookup(html, "criticised_cadres")
    assert names(search(client, url, "局长")) == [ZHAO]
    assert names(search(client, url, "钱")) == []


def test_a_token_seen_by_someone_else_shows_them_only_cadres_they_may_see(
    cast, campaign, client_for
):
    officer = client_for(cast.officer)
    html = officer.get(reverse("campaign:circular_create", args=[campaign.pk])).content.decode()
    url = lookup(html, "commended_cadres")
    officer.logout()
    assert names(search(client_for(cast.township_officer), url, "钱")) == []


def test_a_cadre_outside_the_field_is_refused_and_nothing_saved(cast, campaign, client_for):
    client = client_for(cast.township_officer)
    response = client.post(
        reverse("campaign:circular_create", args=[campaign.pk]),
        {
            "kind": Circular.Kind.choices[0][0],
            "title": "通报",
            "body": "正文",
            "criticised_cadres": [person("钱局长").pk],  # dept_b: outside the subtree
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Circular.objects.exists()


def test_a_finding_with_a_cadre_of_another_scope_is_refused(cast, client_for, inspection):
    outside = services.person_create(name="外县干部", title="科员")  # no unit, no post
    response = client_for(cast.officer).post(
        reverse("campaign:inspection_detail", args=[inspection.pk]),
        {
            "unit": cast.dept_a.pk,
            "category": "",
            "severity": Finding.Severity.values[0],
            "description": "窗口推诿",
            "deadline": "2026-12-01",
            "cadre": outside.pk,
        },
    )
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not Finding.objects.exists()


def test_an_invalid_circular_keeps_the_chosen_cadres(cast, campaign, client_for):
    client = client_for(cast.officer)
    zhao, qian = person("赵局长"), person("钱局长")
    response = client.post(
        reverse("campaign:circular_create", args=[campaign.pk]),
        {
            "kind": Circular.Kind.choices[0][0],
            "title": "",  # missing: the form comes back
            "body": "正文",
            "commended_cadres": [zhao.pk],
            "criticised_cadres": [qian.pk],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Circular.objects.exists()
    assert options(html, "commended_cadres") == [str(zhao.pk)]
    assert options(html, "criticised_cadres") == [str(qian.pk)]
    assert ZHAO in html and QIAN in html
