"""The bench's crawl: every role of a generated data set reaches its pages, and they answer 200.

Discovery only (no timing, nothing about speed): the tiny scale, each role signed in as the
crawl signs in (staff past the second factor), every page found from the workspace opened
once. A page that raises, refuses (403/404) or links to a page that does is a failure here,
so the crawl `make bench` runs in CI cannot quietly skip a broken page.
"""

from __future__ import annotations

import datetime

import pytest

from bench import crawl, crawl_figures
from bench.generate import generate

TODAY = datetime.date(2026, 11, 23)

# What each role must reach at least (view names); the crawl finds much more.
EXPECTED = {
    "officer": {
        "units:workspace",
        "units:unit_list",
        "units:unit_detail",
        "units:digest_list",
        "units:digest_detail",
        "complaints:list",
        "complaints:detail",
        "complaints:ledger",
        "complaints:figures",
        "campaign:ledger",
        "campaign:item_detail",
        "campaign:overdue_board",
        "assessments:dashboard",
    },
    "city_officer": {"complaints:list", "complaints:detail", "campaign:ledger"},
    "leader": {"assessments:dashboard", "complaints:figures", "campaign:ledger"},
    "province_head": {"campaign:ledger", "campaign:item_detail", "complaints:mine"},
    "city_head": {"campaign:ledger", "campaign:item_detail", "complaints:mine"},
    "county_dept_head": {"campaign:ledger", "campaign:item_detail", "complaints:mine"},
    "in_charge": {"campaign:ledger", "units:unit_detail"},
    "evaluator": {"assessments:evaluation_index", "assessments:evaluation_unit"},
    "public": {"home", "complaints:public_submit", "assessments:survey_vote"},
}


@pytest.mark.django_db
def test_every_role_reaches_its_pages_with_200(monkeypatch):
    from assessments.models import AssessmentScheme
    from assessments.tasks import compute_scheme

    generate(scale="tiny", seed=5, today=TODAY)
    compute_scheme(AssessmentScheme.objects.order_by("-year").first().pk)  # as the bench does
    # Smaller budgets than the bench's: every view still reached, in half the requests.
    monkeypatch.setattr(crawl, "PER_NAME", 1)
    monkeypatch.setattr(crawl, "PER_VIEW", 3)
    monkeypatch.setattr(crawl, "FILTERS_PER_LIST", 2)
    roles = crawl.roles_setup()
    assert [r.key for r in roles] == list(EXPECTED)
    pages, downloads = crawl.crawl(roles, log=lambda message: None, reps=0)

    broken = [(p.role, p.url, p.status, p.error, p.found_on) for p in pages if p.status != 200]
    assert broken == []
    for role in roles:
        reached = {p.name.split("?")[0] for p in pages if p.role == role.key}
        assert EXPECTED[role.key] <= reached, (role.key, EXPECTED[role.key] - reached)
    # Lists are crawled with their filters and their deepest page, within the budgets.
    names = {p.name for p in pages if p.role == "officer"}
    assert any(n.startswith("complaints:list?") and "page=last" not in n for n in names)
    assert any(n.endswith("page=last") for n in names)
    for role in roles:
        per_view: dict[str, int] = {}
        for p in pages:
            if p.role == role.key:
                view = p.name.split("?")[0] + (" deep" if "page=last" in p.name else "")
                per_view[view] = per_view.get(view, 0) + 1
        assert max(per_view.values()) <= crawl.PER_VIEW
    # Downloads are not timed as pages; the officer's include the complaint exports.
    assert {"complaints:export", "complaints:export_csv"} <= {
        d.name.split("?")[0] for r, d in downloads if r.key == "officer"
    }
    # Setting the roles up again changes nothing (the crawl runs on loaded data sets).
    again = crawl.roles_setup()
    assert [(r.key, r.username) for r in again] == [(r.key, r.username) for r in roles]


def test_page_names_are_the_same_at_every_scale():
    assert crawl.page_name("/complaints/", [("status", "open"), ("page", "7")]) == (
        "complaints:list?status&page=last"
    )
    assert crawl.page_name("/complaints/", []) == "complaints:list"
    assert crawl.page_name("/no-such-page/", []) is None


def test_figures_and_the_comparison_between_scales():
    rows = [
        {
            "role": "officer",
            "page": "complaints:list",
            "url": "/complaints/",
            "status": 200,
            "p50_ms": 10.0,
            "p95_ms": 20.0,
            "max_ms": 25.0,
            "requests": 5,
            "queries": 9,
            "rss_mb": 120.0,
            "error": "",
            "found_on": "/workspace/",
        },
        {
            "role": "province_head",
            "page": "campaign:ledger",
            "url": "/campaign/campaigns/1/ledger/",
            "status": 504,
            "p50_ms": 30000.0,
            "p95_ms": 30000.0,
            "max_ms": 30000.0,
            "requests": 1,
            "queries": 5,
            "rss_mb": 130.0,
            "error": "a query ran past the crawl's statement timeout (30000 ms)",
            "found_on": "/workspace/",
        },
    ]
    exports = [
        {
            "role": "officer",
            "page": "complaints:export_csv",
            "url": "/complaints/export.csv",
            "status": 200,
            "seconds": 1.0,
            "mb": 2.0,
            "peak_rss_mb": 140.0,
            "error": "",
        }
    ]
    found = crawl_figures.figures(rows, exports)
    assert found["crawl_pages"] == 1
    assert found["crawl_max_ms"] == 30000.0  # the cut-off page counts among the worst
    assert found["crawl_slowest"][0]["page"] == "campaign:ledger"
    assert found["crawl_errors"] == 1
    assert found["crawl_export_peak_rss_mb"] == 140.0
    assert found["crawl_queries"] == {"officer complaints:list": 9}
    assert found["crawl_repeats"] == {"officer complaints:list": 0}
    # An older results file (no repeats counted): compared by the totals.
    older = {"crawl_queries": {"officer complaints:list": 11}}
    assert crawl_figures.query_differences(found, older) == [
        "officer complaints:list: 9 queries here, 11 at the other scale"
    ]
    assert crawl_figures.content_differences(found, older) == []
    # Two more statements of their own forms: other content, not a query per row.
    sections = {
        "crawl_queries": {"officer complaints:list": 11},
        "crawl_repeats": found["crawl_repeats"],
    }
    assert crawl_figures.query_differences(found, sections) == []
    assert crawl_figures.content_differences(found, sections) == [
        "officer complaints:list: 9 queries here, 11 at the other scale"
    ]
    # Two more of a form already run: a query per row.
    per_row = {
        "crawl_queries": {"officer complaints:list": 11},
        "crawl_repeats": {"officer complaints:list": 2},
    }
    assert crawl_figures.query_differences(found, per_row) == [
        "officer complaints:list: 0 repeated statements here, 2 at the other scale"
    ]
    assert crawl_figures.content_differences(found, per_row) == []
    assert "complaints:list" in crawl_figures.page_table(rows, exports, title="t")


def test_statements_of_one_form_are_told_apart_from_other_statements():
    """A query per row repeats one form with other values; a section is a form of its own."""
    unit = 'SELECT "units_unit"."name" FROM "units_unit" WHERE "units_unit"."id" = %s LIMIT 21'
    assert crawl.statement_form(unit) == crawl.statement_form(unit.replace("21", "1"))
    listed = 'SELECT 1 FROM "t" WHERE "t"."path" IN (%s, %s, %s) AND "t"."name" = \'a\'\'b\''
    assert crawl.statement_form(listed) == crawl.statement_form(
        'SELECT 1 FROM "t" WHERE "t"."path" IN (%s) AND "t"."name" = \'c\''
    )
    assert crawl.statement_form(unit) != crawl.statement_form(unit.replace("name", "path"))

    counter = crawl.QueryCounter()
    for sql in (unit, unit, unit, listed):
        counter(lambda *args: None, sql, (), False, {})
    assert (counter.count, counter.repeats) == (4, 2)


def test_the_background_exports_list_is_a_page_and_its_files_are_downloads():
    assert not crawl.is_download("/exports/", "units:export_list")
    assert crawl.is_download("/exports/1/download/", "units:export_download")
    assert crawl.is_download("/complaints/export.csv", "complaints:export_csv")
