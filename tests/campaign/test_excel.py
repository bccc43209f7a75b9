"""整改台账 in and out of Excel: all or nothing, bad rows named, exports re-import cleanly."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from campaign.models import Campaign, RectificationItem, RectificationTransition
from campaign.resources import LedgerResource
from units.resources import CalamineXLSX

pytestmark = pytest.mark.django_db

HEADERS = ["编号", "单位编码", "清单类型", "层级", "问题来源", "问题类别", "问题描述", "整改措施", "整改目标",
           "责任人", "责任领导", "整改时限", "长期坚持"]  # fmt: skip


def workbook(rows: list[list[object]], headers: list[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(n: int, *, unit: str = "SLX-SCJ", deadline: object = "2026-12-31") -> list[object]:
    return [
        "",
        unit,
        "问题清单",
        "单位",
        "自查",
        "不担当",
        f"问题{n}",
        "措施",
        "目标",
        "张三",
        "李四",
        deadline,
        "否",
    ]


def run(campaign, user, content: bytes, *, dry_run: bool = False):
    dataset = CalamineXLSX().create_dataset(content)  # as the import page reads it
    return LedgerResource(campaign=campaign, user=user).import_data(
        dataset, dry_run=dry_run, user=user
    )


def test_five_thousand_rows_with_one_bad_row_import_nothing(cast, campaign):
    rows = [row(n) for n in range(5000)]
    rows[3141][11] = "下个月"  # row 3143 in Excel (header is row 1)
    result = run(campaign, cast.head_a, workbook(rows))
    assert result.has_validation_errors()
    errors = {r.number: r.error_dict for r in result.invalid_rows}
    assert list(errors) == [3143]
    assert (
        "无法识别的日期" in errors[3143]["整改时限"][0] or "下个月" in errors[3143]["整改时限"][0]
    )
    assert not RectificationItem.objects.exists()


def test_five_thousand_clean_rows_import_fully(cast, campaign, django_assert_max_num_queries):
    content = workbook([row(n) for n in range(5000)])
    # The rows are filed together, not a dozen statements per row: on PostgreSQL three
    # INSERTs per thousand rows; SQLite's 999-variable cap makes it about fifty rows each.
    with django_assert_max_num_queries(400):
        result = run(campaign, cast.head_a, content)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 5000
    items = RectificationItem.objects.filter(campaign=campaign)
    assert items.count() == 5000
    assert set(items.values_list("status", "unit__code", "created_by")) == {
        ("draft", "SLX-SCJ", cast.head_a.pk)
    }
    assert items.filter(category__name="不担当").count() == 5000
    assert items.filter(
        problem="问题4999", deadline="2026-12-31", responsible_person="张三"
    ).exists()
    # Each item as if filed by hand: its history row and its transition record.
    history = RectificationItem.history.filter(campaign=campaign)
    assert history.filter(history_type="+", history_user=cast.head_a).count() == 5000
    moves = RectificationTransition.objects.filter(item__campaign=campaign)
    assert set(moves.values_list("from_status", "to_status", "actor")) == {
        ("", "draft", cast.head_a.pk)
    }
    assert moves.count() == 5000


def test_the_preview_checks_every_row_and_writes_nothing(
    cast, campaign, django_assert_max_num_queries
):
    content = workbook([row(n) for n in range(2000)])
    with django_assert_max_num_queries(25):  # the same for 20 rows as for 20 000
        result = run(campaign, cast.head_a, content, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2000
    assert not RectificationItem.objects.exists()
    assert not RectificationTransition.objects.exists()


def test_a_campaign_no_longer_under_way_takes_no_rows_preview_or_not(cast, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()
    for dry_run in (True, False):
        result = run(campaign, cast.head_a, workbook([row(1), row(2)]), dry_run=dry_run)
        assert [error.error.messages for error in result.base_errors] == [
            ["专项活动不在进行中，不能添加整改事项。"]
        ]
    assert not RectificationItem.objects.exists()


def test_rows_for_other_units_are_refused(cast, campaign):
    result = run(
        campaign, cast.head_a, workbook([row(1), row(2, unit="SLX-JYJ"), row(3, unit="NOPE")])
    )
    errors = {r.number: r.error_dict for r in result.invalid_rows}
    assert set(errors) == {3, 4}
    assert "未知的单位编码" in errors[4]["单位编码"][0] or "NOPE" in errors[4]["单位编码"][0]
    assert not RectificationItem.objects.exists()


def test_export_reimports_cleanly_and_escapes_formulas(cast, campaign, make_item, client_for):
    make_item(problem='=HYPERLINK("http://evil")')
    make_item(RectificationItem.Status.ACCEPTED, problem="窗口授权不到位", long_term=True)
    make_item(unit=cast.dept_b, actor=cast.head_b, problem="乙局的问题")
    response = client_for(cast.head_a).get(reverse("campaign:ledger_export", args=[campaign.pk]))
    assert response.status_code == 200
    content = response.getvalue()  # streamed from a file: read once
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in r] for r in sheet.iter_rows()]
    # A title row an office can file (unit, campaign, date), then the header, frozen.
    assert values[0][0].startswith(f"{cast.dept_a.name}　{campaign.name}　整改台账（导出日期：")
    assert values[1][:4] == ["编号", "单位编码", "单位名称", "清单类型"]
    assert sheet.title == "整改台账" and sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["G"].width >= 10
    flat = [str(v) for r in values for v in r]
    assert '\'=HYPERLINK("http://evil")' in flat and "乙局的问题" not in flat
    assert "长期坚持" in values[1] and "是" in flat
    # Deadlines are dates, item numbers numbers.
    deadlines = [r[values[1].index("整改时限")] for r in values[2:]]
    assert all(isinstance(d, datetime.datetime) for d in deadlines)
    assert all(isinstance(r[0], int) for r in values[2:])
    result = run(campaign, cast.head_a, content)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 2 and result.totals["new"] == 0
    assert RectificationItem.objects.count() == 3


def test_reimport_updates_drafts_but_not_accepted_items(cast, campaign, make_item, client_for):
    draft = make_item(problem="原问题")
    accepted = make_item(RectificationItem.Status.ACCEPTED, problem="已确认的问题")
    content = (
        client_for(cast.head_a)
        .get(reverse("campaign:ledger_export", args=[campaign.pk]))
        .getvalue()
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    headers = [c.value for c in sheet[2]]  # under the title row
    for r in sheet.iter_rows(min_row=3):
        r[headers.index("整改措施")].value = "新的措施"
    buffer = io.BytesIO()
    book.save(buffer)
    result = run(campaign, cast.head_a, buffer.getvalue())
    assert result.has_validation_errors()
    row_of_accepted = 3 + [int(r[0].value) for r in sheet.iter_rows(min_row=3)].index(accepted.pk)
    assert [r.number for r in result.invalid_rows] == [row_of_accepted]
    draft.refresh_from_db()
    assert draft.measures == ""  # all or nothing: the valid draft row was not saved either


def test_import_page_preview_then_confirm(cast, campaign, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(cast.head_a)
    url = reverse("campaign:ledger_import", args=[campaign.pk])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("台账.xlsx", workbook([row(1), row(2)]))
    response = client.post(url, {"file": upload})
    assert (
        response.status_code == 200 and 'data-testid="import-preview"' in response.content.decode()
    )
    assert not RectificationItem.objects.exists()
    token = response.context["token"]
    response = client.post(url, {"token": token})
    assert response.status_code == 302 and RectificationItem.objects.count() == 2
    # Bad file: named row, nothing saved.
    bad = SimpleUploadedFile("台账.xlsx", workbook([row(3), row(4, deadline="明天")]))
    content = client.post(url, {"file": bad}).content.decode()
    assert 'data-testid="import-errors"' in content and "整改时限" in content
    assert "Row 3<" in content or "第 3 行<" in content
    assert RectificationItem.objects.count() == 2
    garbage = SimpleUploadedFile("台账.xlsx", b"not a workbook")
    assert client.post(url, {"file": garbage}).status_code == 400
    # Read-only users may not import; outsiders see nothing.
    assert client_for(cast.leader).get(url).status_code == 403
    assert client_for(cast.outsider).get(url).status_code == 404
    assert (
        client_for(cast.outsider)
        .get(reverse("campaign:ledger_export", args=[campaign.pk]))
        .status_code
        == 404
    )


def test_the_queries_do_not_grow_with_the_units_a_file_names(cast, campaign):
    """A province unit head's file names thousands of units: looked up together, not each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from guardian.shortcuts import assign_perm

    from units.models import Unit

    root = Unit.objects.get(depth=1)
    assign_perm("units.act_for_unit", cast.head_a, root)
    codes = list(Unit.objects.filter(status=Unit.Status.ACTIVE).values_list("code", flat=True))
    assert len(codes) > 3
    counts = []
    # The first pass also loads the user's permissions (cached on the user for the second).
    for named in (codes[:1], codes[:1], codes):
        content = workbook([row(n, unit=named[n % len(named)]) for n in range(len(codes) * 3)])
        with CaptureQueriesContext(connection) as queries:
            result = run(campaign, cast.head_a, content, dry_run=True)
        assert not result.has_errors() and not result.has_validation_errors()
        counts.append(len(queries))
    assert counts[1] == counts[2]
