"""Every importer against the corpus of office-made files (tests/spreadsheets/corpus/).

The files were written by LibreOffice (.xls, .ods, .xlsx) and by hand (openpyxl .xlsx, CSV
in GB18030, GBK, UTF-8 with and without a BOM): title rows, merged cells, notes under the
table, each date style, full-width codes, formulas. Each importer takes the files a person
would call valid and refuses the others with a grouped message, nothing saved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments import excel as assessment_excel
from assessments import services as assessment_services
from campaign.models import RectificationItem
from campaign.resources import LedgerResource
from complaints import reports
from complaints.models import Complaint
from tests.assessments.county import build_county
from units.excel.reader import raw_dataset, read_grid, read_table
from units.excel.report import group_problems, row_ranges
from units.models import Person, Responsibility, Unit
from units.resources import PersonResource, ResponsibilityResource, UnitResource

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
LEDGER_FILES = [
    ("ledger_office.xls", 4, "按期完成"),
    ("ledger_office.ods", 4, "按期完成"),
    ("ledger_office.lo.xlsx", 4, "按期完成"),
    ("ledger_handbuilt.xlsx", 4, ""),  # openpyxl stores no formula value: the cell is empty
    ("ledger_gb18030.csv", 3, "群众满意"),
    ("ledger_utf8_bom.csv", 3, "群众满意"),
    ("ledger_utf8.csv", 3, "群众满意"),
]


def content(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def import_ledger(campaign, user, name: str, *, dry_run: bool = False):
    resource = LedgerResource(campaign=campaign, user=user)
    result = resource.import_data(raw_dataset(content(name)), dry_run=dry_run, user=user)
    return result, resource


@pytest.mark.parametrize(("name", "header_row", "target"), LEDGER_FILES)
def test_each_office_ledger_imports_with_its_dates(cast, campaign, name, header_row, target):
    result, resource = import_ledger(campaign, cast.head_a, name)
    problems = [(r.number, r.error_dict) for r in result.invalid_rows]
    assert not result.has_errors() and not problems, (result.base_errors, problems)
    assert resource.header_row == header_row
    items = RectificationItem.objects.filter(campaign=campaign)
    assert items.count() == 20
    assert set(items.values_list("unit__code", flat=True)) == {
        "SLX-SCJ"
    }  # ＳＬＸ－ＳＣＪ, "SLX-SCJ "
    deadline = dict(items.values_list("problem", "deadline"))
    for n in (1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 20):
        assert deadline[f"窗口服务不规范问题{n}"] == datetime.date(2026, 12, 31), n
    for n in (6, 7, 8, 9, 16, 17):
        assert deadline[f"窗口服务不规范问题{n}"] == datetime.date(2026, 6, 30), n
    for n in (18, 19):  # 长期坚持: no deadline given, the campaign's end kept
        item = items.get(problem=f"窗口服务不规范问题{n}")
        assert item.long_term and item.deadline == campaign.end_date
    if target:
        assert items.get(problem="窗口服务不规范问题1").target == target


def test_a_header_in_two_rows_with_merged_cells(cast, campaign):
    result, resource = import_ledger(campaign, cast.head_b, "ledger_two_level_header.xlsx")
    assert not result.has_errors() and not result.has_validation_errors()
    assert resource.header_row == 3
    items = RectificationItem.objects.filter(campaign=campaign).order_by("pk")
    assert [(i.unit.code, i.measures, i.deadline, i.long_term) for i in items] == [
        ("SLX-JYJ", "清退多收费用", datetime.date(2026, 12, 31), False),
        ("SLX-JYJ", "建立长效机制", campaign.end_date, True),
    ]


def test_the_preview_lists_the_rows_with_excel_numbers(cast, campaign):
    result, resource = import_ledger(campaign, cast.head_a, "ledger_office.ods", dry_run=True)
    assert not result.has_validation_errors()
    rows = resource.preview_rows
    assert [row["row"] for row in rows] == list(range(5, 25))  # notes under the table left out
    columns = [field.column_name for field in resource.preview_columns()]
    first = dict(zip(columns, rows[0]["cells"], strict=True))
    assert first["单位名称"] == cast.dept_a.name and first["整改时限"] == "2026-12-31"
    assert not RectificationItem.objects.exists()


def test_a_ledger_without_unit_codes_is_refused_with_grouped_errors(cast, campaign, client_for):
    client = client_for(cast.head_a)
    url = reverse("campaign:ledger_import", args=[campaign.pk])
    upload = SimpleUploadedFile("ledger_no_unit_codes.ods", content("ledger_no_unit_codes.ods"))
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    groups = response.context["problems"]
    by_column = {(g["column"], g["rows"]) for g in groups}
    # One line for thirty rows, each column's problem once.
    assert by_column == {("单位编码", "3–32"), ("整改时限", "3–32")}
    assert not RectificationItem.objects.exists()
    page = response.content.decode()
    # The message column has its own heading, not a ledger column's name.
    assert '<th scope="col">问题描述</th>' not in page


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ledger_missing_column.xlsx", "整改时限"),
        ("not_a_spreadsheet.xlsx", "整改时限"),
        ("empty.csv", ""),
    ],
)
def test_files_that_are_no_ledger_are_refused_and_nothing_is_saved(
    cast, campaign, client_for, name, words
):
    client = client_for(cast.head_a)
    url = reverse("campaign:ledger_import", args=[campaign.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, content(name))})
    assert response.status_code == 400
    problems = response.context.get("problems") or []
    assert problems or response.context["form"].errors
    assert all(p["rows"] == "" for p in problems)  # about the file, not thirty rows each
    assert words in response.content.decode()
    assert not RectificationItem.objects.exists()


@pytest.mark.parametrize("name", ["hotline_office.xls", "hotline_gb18030.csv"])
def test_hotline_files_import(cast, name):
    result = reports.import_hotline(upload=content(name), actor=cast.officer)
    assert not result.has_errors, (result.file_error, [r.errors for r in result.rows])
    assert result.header_row == 2 and result.created == 3
    cases = {c.title: c for c in Complaint.objects.all()}
    assert cases["办证慢"].subject_unit == cast.dept_a and cases["办证慢"].urgent
    assert cases["态度差"].subject_unit == cast.dept_b
    assert cases["推诿扯皮"].subject_unit == cast.dept_a  # a full-width code
    received = {
        t: c.received_at.astimezone(datetime.UTC).replace(tzinfo=None) for t, c in cases.items()
    }
    assert {c.received_at.date() for c in cases.values()} >= {datetime.date(2026, 11, 2)}
    assert len(received) == 3


@pytest.fixture
def scoring(cast):
    county = build_county(cast.officer)
    units = [county["units"]["U1"], county["units"]["U2"]]
    assessment_services.evaluation_assign(
        scheme=county["scheme"], evaluator=cast.evaluator, units=units, actor=None
    )
    return county["scheme"], units


@pytest.mark.parametrize("name", ["scores_office.ods", "scores_office.xls", "scores_gbk.csv"])
def test_score_sheets_import(scoring, name):
    scheme, units = scoring
    rows, errors = assessment_excel.parse_evaluations(
        scheme=scheme, units=units, data=content(name)
    )
    assert errors == []
    assert [(r["row"], r["indicator"], Decimal(r["score"])) for r in rows] == [
        (rows[0]["row"], "重点工作", Decimal("90")),
        (rows[0]["row"] + 1, "活动成果", Decimal("45.5")),
    ]


def test_the_scoring_sheet_reimports_with_its_title_row(scoring):
    scheme, units = scoring
    sheet = assessment_excel.evaluation_template(scheme=scheme, units=units)
    table = read_table(sheet, expected=assessment_excel.EVALUATION_HEADERS)
    assert table.header_row == 2 and table.rows[0][0] == 3
    rows, errors = assessment_excel.parse_evaluations(scheme=scheme, units=units, data=sheet)
    # Every row read; the scores are still to be filled in, said once for all rows.
    assert rows == [] and len(errors) == 1 and row_ranges([r[0] for r in table.rows]) in errors[0]


def test_units_people_and_responsibilities_from_office_files(cast):
    result = UnitResource(user=None).import_data(raw_dataset(content("units_office.xls")))
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    farm = Unit.objects.get(code="SLX-NYJ")
    assert Unit.objects.get_parent(farm) == cast.root  # parent code typed ＳＬＸ
    result = PersonResource(user=None).import_data(raw_dataset(content("people_office.ods")))
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert Person.objects.filter(phone__in=["13700000001", "13700000002"]).count() == 2
    result = ResponsibilityResource(user=None).import_data(
        raw_dataset(content("responsibilities_gb18030.csv"))
    )
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    duty = Responsibility.objects.get(person__name="孙干部")
    assert duty.start_date == datetime.date(2026, 1, 1) and duty.unit == cast.dept_a


def test_the_reader_detects_each_format_and_encoding():
    kinds = {name: read_grid(content(name))[1] for name in (
        "ledger_office.xls", "ledger_office.ods", "ledger_office.lo.xlsx", "ledger_gb18030.csv"
    )}  # fmt: skip
    assert kinds == {
        "ledger_office.xls": "xls",
        "ledger_office.ods": "ods",
        "ledger_office.lo.xlsx": "xlsx",
        "ledger_gb18030.csv": "csv",
    }
    assert content("ledger_gb18030.csv") != content("ledger_utf8.csv")
    same = [read_grid(content(n))[0][3][:7] for n in ("ledger_gb18030.csv", "ledger_utf8_bom.csv")]
    assert same[0] == same[1]


def test_row_ranges_and_grouping():
    assert row_ranges([2, 3, 4, 7, 9, 10]) == "2–4、7、9–10"
    grouped = group_problems(
        [{"row": n, "column": "单位编码", "message": "必填"} for n in range(2, 30)]
        + [{"row": "", "column": "", "message": "文件有误"}]
    )
    assert grouped == [
        {"rows": "", "count": 0, "column": "", "message": "文件有误"},
        {"rows": "2–29", "count": 28, "column": "单位编码", "message": "必填"},
    ]
