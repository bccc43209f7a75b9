"""The admin's exports of units, people and responsibilities are office workbooks (a title
row naming what they are, the organisation and the day; the header frozen; readable
widths; dates as dates; a Chinese sheet name) and re-import unchanged through the admin's
import, title row included."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.otp import verify_session
from units import services
from units.models import Person, Responsibility, Unit

pytestmark = pytest.mark.django_db

XLSX_FORMAT = "0"  # the admins offer [XLSX, CSV]

PAIRS = [
    # model, title, sheet name, a header the sheet must have
    ("unit", "单位名录", "单位", "单位编码"),
    ("person", "干部名册", "干部", "姓名"),
    ("responsibility", "责任分工表", "责任", "责任类型"),
]


@pytest.fixture
def root_client(client, cast):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    verify_session(client, user)
    return client


@pytest.fixture
def organisation(cast):
    """More than the cast: an ended responsibility (a second date), a person without login."""
    person = services.person_create(name="钱多多", phone="13900000077", unit=cast.dept_b)
    responsibility = services.responsibility_assign(
        person=person,
        unit=cast.dept_b,
        role=Responsibility.Role.LIAISON,
        start_date=datetime.date(2026, 3, 1),
    )
    services.responsibility_end(responsibility=responsibility, end_date=datetime.date(2026, 9, 30))
    return cast


def _export(client, model: str) -> bytes:
    response = client.post(
        reverse(f"admin:units_{model}_export"), {"format": XLSX_FORMAT, "resource": "0"}
    )
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("model,title,sheet_name,header", PAIRS)
def test_the_export_is_an_office_workbook(
    root_client, organisation, model, title, sheet_name, header
):
    book = openpyxl.load_workbook(io.BytesIO(_export(root_client, model)))
    sheet = book.worksheets[0]

    assert sheet.title == sheet_name
    today = timezone.localdate()
    assert sheet["A1"].value == f"{organisation.root.name}　{title}（导出日期：{today:%Y-%m-%d}）"
    headers = [cell.value for cell in sheet[2]]
    assert header in headers and all(headers)
    assert sheet.freeze_panes == "A3"
    for index, name in enumerate(headers, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= 2 * len(name)  # a Chinese header fits its column


def test_responsibility_dates_are_date_cells(root_client, organisation):
    sheet = openpyxl.load_workbook(io.BytesIO(_export(root_client, "responsibility"))).active
    headers = [cell.value for cell in sheet[2]]
    start, end = headers.index("开始日期") + 1, headers.index("结束日期") + 1
    ended = [row for row in sheet.iter_rows(min_row=3) if row[end - 1].value is not None]
    assert ended
    assert isinstance(ended[0][start - 1].value, datetime.datetime)  # a date cell, not text
    assert ended[0][end - 1].value.date() == datetime.date(2026, 9, 30)
    assert ended[0][end - 1].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("model", [model for model, *_rest in PAIRS])
def test_an_export_re_imports_unchanged(root_client, organisation, model):
    content = _export(root_client, model)
    counts = (Unit.objects.count(), Person.objects.count(), Responsibility.objects.count())

    preview = root_client.post(
        reverse(f"admin:units_{model}_import"),
        {
            "format": XLSX_FORMAT,
            "resource": "0",
            "import_file": SimpleUploadedFile(f"{model}.xlsx", content),
        },
    )

    assert preview.status_code == 200, preview.content.decode()[:2000]
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    rows = openpyxl.load_workbook(io.BytesIO(content)).active.max_row - 2  # title and header
    assert rows > 0
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert result.totals["skip"] == rows
    assert (Unit.objects.count(), Person.objects.count(), Responsibility.objects.count()) == counts


def test_a_changed_cell_in_the_export_is_an_update(root_client, organisation):
    """The round trip can fail: the same workbook with one name changed is one update."""
    book = openpyxl.load_workbook(io.BytesIO(_export(root_client, "unit")))
    sheet = book.active
    headers = [cell.value for cell in sheet[2]]
    code_at, name_at = headers.index("单位编码"), headers.index("单位名称")
    row = next(
        r for r in sheet.iter_rows(min_row=3) if r[code_at].value == organisation.dept_b.code
    )
    row[name_at].value = "县教育和体育局"
    out = io.BytesIO()
    book.save(out)

    preview = root_client.post(
        reverse("admin:units_unit_import"),
        {
            "format": XLSX_FORMAT,
            "resource": "0",
            "import_file": SimpleUploadedFile("unit.xlsx", out.getvalue()),
        },
    )

    result = preview.context["result"]
    assert (result.totals["new"], result.totals["update"]) == (0, 1)
