"""An evaluator with many units: the scoring page a page at a time, still to score first, with
the two halves to choose; the assignments page and the workspace panel list the first units
still to score and link to the rest. Query counts do not grow with the units assigned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.views.evaluations import HOME_UNITS, INDEX_UNITS
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

ROWS = 'data-testid="evaluation-unit"'


@pytest.fixture
def scheme(cast):
    scheme = services.scheme_create_with_defaults(year=2026, actor=cast.officer)
    return services.scheme_open(scheme=scheme, actor=cast.officer)


def _assign(cast, scheme, count: int, *, start: int = 0):
    units = [
        make_unit(f"评分单位{n:03d}", parent=cast.root, code=f"SLX-P{n:03d}")
        for n in range(start, start + count)
    ]
    services.evaluation_assignments_create(
        scheme=scheme, evaluators=[cast.evaluator], units=units, actor=cast.officer, notify=False
    )
    return units


def _score_fully(cast, scheme, units):
    services.evaluations_record(
        scheme=scheme,
        evaluator=cast.evaluator,
        scores=[(u, i, Decimal("1"), "") for u in units for i in scheme.indicators.all()],
    )


def test_the_scoring_page_pages_and_shows_each_half(client_for, cast, scheme):
    units = _assign(cast, scheme, HOME_UNITS + 12)
    scored = units[:3]
    _score_fully(cast, scheme, scored)
    client = client_for(cast.evaluator)
    url = reverse("assessments:evaluation_home", args=[scheme.pk])

    first = client.get(url).content.decode()
    assert first.count(ROWS) == HOME_UNITS
    # Still to score first: the fully scored units are on the last page.
    assert all(u.name not in first for u in scored)
    assert "第 1 / 2 页" in first or "Page 1 of 2" in first
    second = client.get(url + "?page=2").content.decode()
    assert second.count(ROWS) == 12 and all(u.name in second for u in scored)
    # The progress counts the whole scheme, whatever the page.
    assert "3" in second and str(len(units)) in second

    done = client.get(url + "?show=done").content.decode()
    assert done.count(ROWS) == 3 and all(u.name in done for u in scored)
    pending = client.get(url + "?show=pending&page=2").content.decode()
    assert pending.count(ROWS) == len(units) - 3 - HOME_UNITS
    assert all(u.name not in pending for u in scored)
    # An unknown choice is the whole list; a page past the end is the last one.
    assert client.get(url + "?show=x").content.decode().count(ROWS) == HOME_UNITS
    assert client.get(url + "?page=99").content.decode().count(ROWS) == 12


def test_the_assignments_page_lists_the_first_units_to_score(client_for, cast, scheme):
    units = _assign(cast, scheme, INDEX_UNITS + 5)
    _score_fully(cast, scheme, units[:2])
    client = client_for(cast.evaluator)
    html = client.get(reverse("assessments:evaluation_index")).content.decode()
    assert html.count(ROWS) == INDEX_UNITS
    more = reverse("assessments:evaluation_home", args=[scheme.pk]) + "?show=pending"
    assert more in html and 'data-testid="evaluation-more"' in html
    assert str(len(units) - 2) in html  # all N still to score
    assert units[0].name not in html  # scored: on the scoring page, not here


@pytest.mark.parametrize(
    "name", ["assessments:evaluation_home", "assessments:evaluation_index", "units:workspace"]
)
def test_query_counts_do_not_grow_with_the_units(client_for, cast, scheme, name):
    client = client_for(cast.evaluator)
    url = (
        reverse(name, args=[scheme.pk]) if name == "assessments:evaluation_home" else reverse(name)
    )
    counts = []
    for start, count in ((0, 3), (3, HOME_UNITS + 10)):
        _score_fully(cast, scheme, _assign(cast, scheme, count, start=start)[:1])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
