"""The ledger import's own loop (campaign.ledger_import): flat queries, the preview's cells,
updates only where the services allow them, and the items written by COPY exactly as the
row-by-row services would write them."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign import services
from campaign.ledger_import import ledger_import
from campaign.models import RectificationItem, RectificationTransition
from units import audit, audit_chain

pytestmark = pytest.mark.django_db

S = RectificationItem.Status
HEADERS = ["编号", "单位编码", "清单类型", "层级", "问题来源", "问题类别", "问题描述", "整改措施", "整改目标",
           "责任人", "责任领导", "整改时限", "长期坚持"]  # fmt: skip


def line(n: int, *, number: object = "", unit: str = "SLX-SCJ", deadline: object = "2026-12-31",
         long_term: str = "否", measures: str = "措施") -> list[object]:  # fmt: skip
    return [number, unit, "问题清单", "单位", "自查", "不担当", f"问题{n}", measures, "目标",
            "张三", "李四", deadline, long_term]  # fmt: skip


def grid(rows: list[list[object]]) -> list[list[object]]:
    return [["某局整改台账"], HEADERS, *rows]  # a title row above the header


def run(campaign, user, rows, *, dry_run: bool, skip_duplicates: bool = False):
    return ledger_import(
        campaign=campaign,
        actor=user,
        grid=grid(rows),
        dry_run=dry_run,
        skip_duplicates=skip_duplicates,
    )


def queries(campaign, user, rows, *, dry_run: bool) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = run(campaign, user, rows, dry_run=dry_run)
    assert report.problems == []
    return len(captured)


def test_preview_and_commit_make_as_many_queries_for_sixty_rows_as_for_ten(cast, campaign):
    # SQLite's bulk INSERT is batched by its variable limit: 30 rows still fit in one batch.
    many = 60 if connection.vendor == "postgresql" else 30
    queries(campaign, cast.head_a, [line(0)], dry_run=True)  # the user's permissions cached
    draft = services.item_create(
        campaign=campaign,
        unit=cast.dept_a,
        actor=cast.head_a,
        problem="原问题",
        deadline=datetime.date(2026, 12, 31),
    )
    unchanged = [draft.pk, "SLX-SCJ", "问题清单", "单位", "自查", "", "原问题", "", "", "", "",
                 "2026-12-31", "否"]  # fmt: skip
    changed = [*unchanged[:7], "新的措施", *unchanged[8:]]
    small = [changed, unchanged, *(line(n) for n in range(10))]
    large = [changed, unchanged, *(line(n) for n in range(10, 10 + many))]
    assert queries(campaign, cast.head_a, small, dry_run=True) == queries(
        campaign, cast.head_a, large, dry_run=True
    )
    new_only = [line(n) for n in range(100, 110)]
    more = [line(n) for n in range(200, 200 + many)]
    assert queries(campaign, cast.head_a, new_only, dry_run=False) == queries(
        campaign, cast.head_a, more, dry_run=False
    )
    assert RectificationItem.objects.filter(campaign=campaign).count() == 1 + 10 + many


def test_the_preview_shows_long_term_rows_as_the_ledger_does(cast, campaign, client_for):
    from tests.campaign.test_excel import workbook

    rows = [line(1), line(2, deadline="长期坚持"), line(3, deadline="", long_term="是")]
    client = client_for(cast.head_a)
    url = reverse("campaign:ledger_import", args=[campaign.pk])
    response = client.post(url, {"file": SimpleUploadedFile("台账.xlsx", workbook(rows, HEADERS))})
    assert response.status_code == 200
    preview = response.context["preview"]
    at = preview["columns"].index("整改时限")
    shown = {row["row"]: row["cells"][at] for row in preview["rows"]}
    assert shown == {2: "2026-12-31", 3: "长期坚持", 4: "长期坚持"}
    assert [row["cells"][preview["columns"].index("单位名称")] for row in preview["rows"]] == [
        cast.dept_a.name
    ] * 3
    response = client.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    filed = RectificationItem.objects.get(problem="问题2")
    assert filed.long_term and filed.deadline == campaign.end_date


def test_updates_change_drafts_mark_their_cells_and_refuse_the_rest(cast, campaign, make_item):
    draft = make_item(problem="草稿问题")
    accepted = make_item(S.ACCEPTED, problem="已确认的问题")
    other = make_item(unit=cast.dept_b, actor=cast.head_b, problem="乙局的问题")
    row = [draft.pk, "SLX-SCJ", "问题清单", "单位", "自查", "", "草稿问题", "新的措施", "", "", "",
           draft.deadline.isoformat(), "否"]  # fmt: skip
    report = run(campaign, cast.head_a, [row], dry_run=True)
    assert report.problems == [] and report.totals == {"new": 0, "update": 1, "skip": 0}
    (shown,) = report.rows
    assert shown["kind"] == "update" and shown["changed"] == ["整改措施"]
    assert shown["row"] == 3 and shown["cells"][0] == str(draft.pk)
    draft.refresh_from_db()
    assert draft.measures == ""  # the preview writes nothing

    moved = [*row[:1], "SLX-SCJ-BGS", *row[2:]]  # a unit head_a sees, not the item's
    locked = [accepted.pk, *row[1:6], "已确认的问题", *row[7:]]
    hidden = [other.pk, "SLX-JYJ", *row[2:6], "乙局的问题", *row[7:]]
    report = run(campaign, cast.head_a, [row, moved, locked, hidden], dry_run=False)
    problems = {(p["row"], p["column"]): p["message"] for p in report.problems}
    assert set(problems) == {(4, "单位编码"), (5, ""), (6, "")}
    assert "其他单位" in problems[(4, "单位编码")] or "another unit" in problems[(4, "单位编码")]
    assert "“已确认”" in problems[(5, "")] or "Accepted" in problems[(5, "")]
    draft.refresh_from_db()
    assert draft.measures == ""  # all or nothing

    report = run(campaign, cast.head_a, [row], dry_run=False)
    assert report.problems == []
    draft.refresh_from_db()
    assert draft.measures == "新的措施"


def test_repeated_rows_are_reported_and_left_out_on_request(cast, campaign, make_item):
    make_item(problem="问题1")
    rows = [line(1), line(2), line(2), line(3)]
    report = run(campaign, cast.head_a, rows, dry_run=True)
    assert report.duplicates == [3, 5] and report.filed == 4
    report = run(campaign, cast.head_a, rows, dry_run=False, skip_duplicates=True)
    assert report.problems == [] and report.filed == 2
    problems = RectificationItem.objects.filter(campaign=campaign).values_list("problem", flat=True)
    assert sorted(problems) == ["问题1", "问题2", "问题3"]


def test_rows_for_a_unit_the_importer_may_not_act_for_are_named(cast, campaign):
    report = run(campaign, cast.head_a, [line(1), line(2, unit="SLX-JYJ")], dry_run=True)
    assert report.problems == [
        {"row": 4, "column": "单位编码", "message": report.problems[0]["message"]}
    ]
    assert not RectificationItem.objects.exists()


def test_filed_items_carry_the_history_and_records_the_services_write(cast, campaign):
    report = run(campaign, cast.head_a, [line(1), line(2, deadline="长期坚持")], dry_run=False)
    assert report.problems == [] and report.filed == 2
    by_hand = services.item_create(
        campaign=campaign,
        unit=cast.dept_a,
        actor=cast.head_a,
        problem="手工填报",
        deadline=datetime.date(2026, 12, 31),
    )
    items = RectificationItem.objects.filter(campaign=campaign).order_by("pk")
    assert items.count() == 3
    for item in items:
        assert item.status == S.DRAFT and item.created_by == cast.head_a
        assert item.updated_at is not None and item.created_at is not None
        (history,) = RectificationItem.history.filter(id=item.pk)
        assert history.history_type == "+" and history.history_user == cast.head_a
        assert history.history_change_reason is None
        for field in RectificationItem.history.model.tracked_fields:
            assert getattr(history, field.attname) == getattr(item, field.attname), field.name
        (move,) = RectificationTransition.objects.filter(item=item)
        assert (move.from_status, move.to_status, move.actor, move.comment) == (
            "",
            S.DRAFT,
            cast.head_a,
            "",
        )
    assert items.get(problem="问题2").deadline == campaign.end_date
    assert by_hand.pk == items.last().pk  # the sequence moved on past the reserved ids
    # The sweeper seals them into the audit chain, which then verifies.
    audit_chain.seal_all()
    for label in ("campaign.RectificationTransition", "campaign.HistoricalRectificationItem"):
        report = audit_chain.verify_table(audit.sealed_table(label))
        assert report.findings == [] and report.checked >= 3
