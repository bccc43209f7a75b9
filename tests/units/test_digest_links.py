"""Every link of a digest opens, for each of its readers, a list they may see that shows
exactly the number the line counts (or, for a unit at the bottom, that unit's page)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.units import digest_county
from units import digests
from units.models import Digest


@pytest.fixture
def sent(cast, django_capture_on_commit_callbacks):
    """Last week's digests of the county and of dept_a's subtree, compiled and sent."""
    with django_capture_on_commit_callbacks(execute=True):
        county = digest_county.build(cast)
        digests.digests_prepare(kind=Digest.Kind.WEEKLY, today=county.today)
        for digest in Digest.objects.all():
            actor = cast.township_officer if digest.scope_id else cast.officer
            digests.digest_send(digest=digest, actor=actor)
    return county


def _shown_count(html: str) -> int:
    """The number of records the list says it shows (units/_filter_form.html, the ledger)."""
    block = re.search(r'data-testid="filter-count">([^<]*)<', html)
    assert block, "the list does not say how many records it shows"
    return int(re.search(r"\d+", block.group(1)).group())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "officer", "township_officer"])
def test_every_link_shows_what_the_line_counts(sent, role, client_for):
    cast = sent.cast
    user = getattr(cast, role)
    client = client_for(user)
    readable = list(Digest.objects.visible_to(user))
    # The leader and the officer read both; the township officer only their own.
    expected_scopes = {None} | {cast.dept_a.pk} if role != "township_officer" else {cast.dept_a.pk}
    assert {d.scope_id for d in readable} == expected_scopes
    checked = 0
    for digest in readable:
        page = client.get(reverse("units:digest_detail", args=[digest.pk])).content.decode()
        for section in digest.sections:
            for line in section["lines"]:
                if not line["url"]:
                    continue
                assert f'href="{line["url"]}"'.replace("&", "&amp;") in page, line["url"]
                response = client.get(line["url"])
                assert response.status_code == 200, (role, line["label"], line["url"])
                html = response.content.decode()
                if section.get("units"):
                    # A unit at the bottom: its page, which the reader may open.
                    assert line["label"] in html
                else:
                    assert response.context["page"].paginator.count == line["value"], (
                        role,
                        digest.title,
                        line["key"],
                        line["url"],
                    )
                    assert _shown_count(html) == line["value"], (role, line["key"])
                checked += 1
    # Both digests have 11 figures with links and units at the bottom.
    assert checked >= (11 + 2) * len(readable)


@pytest.mark.django_db
def test_figures_match_by_hand_and_no_line_sends_a_reader_to_a_refusal(sent, client_for):
    county_digest = Digest.objects.get(scope=None)
    township_digest = Digest.objects.get(scope=sent.cast.dept_a)
    for key, (in_county, in_township) in digest_county.EXPECTED.items():
        assert digest_county.lines(county_digest)[key]["value"] == in_county[0], key
        assert digest_county.lines(township_digest)[key]["value"] == in_township[0], key
    # The lines the leader's links used to end on 无权操作 now open filtered lists.
    keys = {"items.closure_requested", "complaints.open", "complaints.overdue"}
    keys |= {"complaints.supervised"}
    for key in keys:
        url = digest_county.lines(county_digest)[key]["url"]
        assert "?" in url, key
    with translation.override("zh-hans"):
        leader = client_for(sent.cast.leader)
        for key in keys:
            response = leader.get(digest_county.lines(county_digest)[key]["url"])
            assert response.status_code == 200
            assert "无权操作" not in response.content.decode()
