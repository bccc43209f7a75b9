"""Excel import and export of units, people and responsibilities (units.resources)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import tablib
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX

from tests.factories import UserFactory
from units import services
from units.models import AssessmentGroup, Person, Responsibility, Unit
from units.resources import (
    DateWidget,
    PersonResource,
    ResponsibilityResource,
    UnitResource,
    cell_text,
    neutralise_formula,
)
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db

UNIT_HEADERS = ["单位编码", "单位名称", "简称", "单位类型", "上级单位编码", "考核组别", "排序"]
PERSON_HEADERS = ["姓名", "职务", "手机号", "邮箱", "所在单位编码", "登录账号"]
RESPONSIBILITY_HEADERS = ["单位编码", "姓名", "手机号", "责任类型", "开始日期", "结束日期", "备注"]


def xlsx_dataset(headers: list[str], rows: list[list[object]]) -> tablib.Dataset:
    """A real .xlsx file built in memory, read back the way the admin reads uploads."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return XLSX().create_dataset(buffer.getvalue())


def tree() -> dict[str, tuple[str | None, int]]:
    """code -> (parent code, depth) for every unit."""
    return {
        unit.code: (parent.code if (parent := Unit.objects.get_parent(unit)) else None, unit.depth)
        for unit in Unit.objects.all()
    }


def row_errors(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


@pytest.fixture
def groups(db) -> dict[str, AssessmentGroup]:
    return {
        name: AssessmentGroup.objects.create(name=name, sort_order=i)
        for i, name in enumerate(["综合管理部门", "乡镇"])
    }


TREE_ROWS = [
    # The grandchild and the child come before their parents on purpose.
    ["HQ-CZ-ZHK", "综合科", "", "机关处室", "HQ-CZ", "", 1],
    ["HQ-CZ", "区财政局", "财政局", "部门", "HQ", "综合管理部门", 2],
    ["HQ", "某某区", "", "county", "", "", ""],
    ["HQ-DZ", "大庄镇", "", "乡镇", "HQ", "乡镇", 3.0],
]


# --- Units --------------------------------------------------------------------------------


def test_unit_import_builds_the_tree_even_when_children_come_first(groups):
    result = UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS))

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 4
    assert tree() == {
        "HQ": (None, 1),
        "HQ-CZ": ("HQ", 2),
        "HQ-CZ-ZHK": ("HQ-CZ", 3),
        "HQ-DZ": ("HQ", 2),
    }
    finance = Unit.objects.get(code="HQ-CZ")
    assert (finance.short_name, finance.kind, finance.group, finance.sort_order) == (
        "财政局",
        Unit.Kind.DEPARTMENT,
        groups["综合管理部门"],
        2,
    )
    # Chinese label and stored code are both accepted; a float from Excel is a whole number.
    assert Unit.objects.get(code="HQ").kind == Unit.Kind.COUNTY
    assert Unit.objects.get(code="HQ-DZ").sort_order == 3
    # Written through the service: history records exist.
    assert finance.history.count() == 1


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (["HQ-X", "某局", "", "部门", "NOPE", "", ""], "上级单位编码", "找不到上级单位编码“NOPE”"),
        (["HQ-X", "某局", "", "委员会", "HQ", "", ""], "单位类型", "未知的单位类型：委员会"),
        (
            ["HQ-X", "某局", "", "部门", "HQ", "不存在组", ""],
            "考核组别",
            "未知的考核组别：不存在组",
        ),
        (["HQ-X", "", "", "部门", "HQ", "", ""], "单位名称", "单位名称不能为空。"),
        (["HQ-X", "某局", "", "部门", "HQ", "", "第一"], "排序", "“第一”不是数字。"),
    ],
    ids=["unknown-parent", "unknown-kind", "unknown-group", "blank-name", "bad-number"],
)
def test_one_bad_unit_row_saves_nothing_and_says_why_in_chinese(groups, bad_row, column, message):
    dataset = xlsx_dataset(UNIT_HEADERS, [*TREE_ROWS[:2], bad_row, *TREE_ROWS[2:]])

    result = UnitResource().import_data(dataset)

    assert result.has_validation_errors()
    assert not Unit.objects.exists()
    errors = row_errors(result)
    # Reported against the line in the user's sheet (header = row 1), not the run order.
    assert list(errors) == [4]
    assert any(message in text for text in errors[4][column])


def test_a_file_without_the_code_column_is_refused_in_chinese(groups):
    dataset = xlsx_dataset(["单位名称", "单位类型"], [["某某区", "区县"]])

    result = UnitResource().import_data(dataset)

    assert result.has_errors()
    assert "文件缺少必需的列：单位编码。" in str(result.base_errors[0].error)
    assert not Unit.objects.exists()


def test_blank_lines_are_ignored(groups):
    rows = [TREE_ROWS[2], [None] * 7, ["HQ-A", "甲局", "", "部门", "HQ", "", ""]]

    result = UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, rows))

    assert not result.has_validation_errors()
    assert set(tree()) == {"HQ", "HQ-A"}


def test_dry_run_writes_nothing_but_previews_every_row(groups):
    result = UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS), dry_run=True)

    assert not result.has_validation_errors()
    assert result.totals["new"] == 4
    assert not Unit.objects.exists()


def test_reimport_updates_in_place_and_a_new_parent_moves_the_subtree(groups):
    UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS))
    ids = dict(Unit.objects.values_list("code", "pk"))
    rows = [list(row) for row in TREE_ROWS]
    rows[1][1] = "区财政局（新）"  # renamed
    rows[1][4] = "HQ-DZ"  # and moved under the township, with its division

    result = UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, rows))

    assert not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, 3)
    assert dict(Unit.objects.values_list("code", "pk")) == ids  # same rows, no duplicates
    assert Unit.objects.get(code="HQ-CZ").name == "区财政局（新）"
    assert tree() == {
        "HQ": (None, 1),
        "HQ-DZ": ("HQ", 2),
        "HQ-CZ": ("HQ-DZ", 3),
        "HQ-CZ-ZHK": ("HQ-CZ", 4),
    }


def test_moving_a_unit_under_its_own_child_is_a_row_error(groups):
    UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS))
    before = tree()
    rows = [["HQ-CZ", "区财政局", "财政局", "部门", "HQ-CZ-ZHK", "综合管理部门", 2]]

    result = UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, rows))

    assert row_errors(result) == {
        2: {"__all__": ["不能把单位移到它自己或其下级单位之下。"]},
    }
    assert tree() == before


def test_import_is_scoped_to_the_importing_users_units(cast):
    # head_a answers for 县市场监督管理局 only: the sibling is not a known parent for them.
    rows = [
        ["SLX-SCJ-JC", "稽查大队", "", "直属单位", "SLX-SCJ", "", ""],
        ["SLX-JYJ-X", "某科", "", "机关处室", "SLX-JYJ", "", ""],
        ["NEW-ROOT", "新区", "", "区县", "", "", ""],
    ]

    result = UnitResource(user=cast.head_a).import_data(xlsx_dataset(UNIT_HEADERS, rows))

    errors = row_errors(result)
    assert set(errors) == {3, 4}
    assert "找不到上级单位编码“SLX-JYJ”" in errors[3]["上级单位编码"][0]
    assert "请填写上级单位编码" in errors[4]["上级单位编码"][0]
    assert not Unit.objects.filter(code="SLX-SCJ-JC").exists()  # all or nothing


def test_export_round_trips_chinese_headers_and_neutralises_formulae(groups):
    UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS))
    services.unit_update(unit=Unit.objects.get(code="HQ-DZ"), name='=HYPERLINK("http://x","点")')
    services.unit_update(unit=Unit.objects.get(code="HQ-CZ"), short_name="+86")

    exported = UnitResource().export()

    assert exported.headers == UNIT_HEADERS
    by_code = {row["单位编码"]: row for row in exported.dict}
    assert by_code["HQ-DZ"]["单位名称"] == '\'=HYPERLINK("http://x","点")'
    assert by_code["HQ-CZ"]["简称"] == "'+86"
    assert by_code["HQ-CZ"]["上级单位编码"] == "HQ"
    assert by_code["HQ-CZ"]["单位类型"] == "部门"
    assert by_code["HQ-CZ"]["考核组别"] == "综合管理部门"
    assert by_code["HQ"]["上级单位编码"] == ""

    # The exported workbook imports back as "nothing changed".
    xlsx_bytes = XLSX().export_data(UnitResource().export(force_native_type=True))
    result = UnitResource().import_data(XLSX().create_dataset(xlsx_bytes))
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 4
    assert Unit.objects.get(code="HQ-DZ").name == '=HYPERLINK("http://x","点")'
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_unit_export_does_not_query_per_row(groups, django_assert_max_num_queries):
    UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS))
    for i in range(20):
        services.unit_create(
            code=f"HQ-{i}",
            name=f"单位{i}",
            kind="department",
            parent=Unit.objects.get(code="HQ"),
            group=groups["乡镇"],
        )

    with django_assert_max_num_queries(2):
        dataset = UnitResource().export()

    assert len(dataset) == 24


def test_csv_export_is_escaped_too(groups):
    UnitResource().import_data(xlsx_dataset(UNIT_HEADERS, TREE_ROWS[2:3]))
    services.unit_update(unit=Unit.objects.get(code="HQ"), name="@SUM(1+1)")

    text = CSV().export_data(UnitResource().export())

    assert "'@SUM(1+1)" in text
    assert text.splitlines()[0] == ",".join(UNIT_HEADERS)


# --- People -------------------------------------------------------------------------------


def test_people_import_creates_then_updates_by_name_and_phone(cast):
    account = UserFactory(username="zhang3")
    rows = [
        ["张三", "科长", 13800000001, "zhang3@example.gov.cn", "SLX-SCJ", "zhang3"],
        ["李四", "科员", "", "", "SLX-JYJ", ""],
    ]
    result = PersonResource().import_data(xlsx_dataset(PERSON_HEADERS, rows))
    assert not result.has_validation_errors()
    zhang = Person.objects.get(name="张三")
    assert (zhang.phone, zhang.unit, zhang.user) == ("13800000001", cast.dept_a, account)

    rows[0][1] = "副局长"
    rows[1][4] = "SLX-CGZ"
    result = PersonResource().import_data(xlsx_dataset(PERSON_HEADERS, rows))

    assert not result.has_validation_errors()
    assert result.totals["update"] == 2
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 2
    assert Person.objects.get(name="张三").title == "副局长"
    assert Person.objects.get(name="李四").unit == cast.township


@pytest.mark.parametrize(
    ("bad_row", "column", "message"),
    [
        (["王五", "", "139", "", "", "nobody"], "登录账号", "未知的登录账号：nobody"),
        (["王五", "", "139", "", "NOPE", ""], "所在单位编码", "未知的单位编码：NOPE"),
        (["王五", "", "139", "not-an-email", "", ""], "邮箱", "邮箱格式不正确：not-an-email"),
        (["王五", "", "139", "", "", "head_a"], "登录账号", "已关联到干部“赵局长”"),
    ],
    ids=["unknown-login", "unknown-unit", "bad-email", "login-taken"],
)
def test_a_bad_person_row_saves_no_one(cast, bad_row, column, message):
    rows = [["张三", "", "138", "", "", ""], bad_row]

    result = PersonResource().import_data(xlsx_dataset(PERSON_HEADERS, rows))

    errors = row_errors(result)
    assert list(errors) == [3]
    assert any(message in text for text in errors[3][column])
    assert not Person.objects.filter(name__in=["张三", "王五"]).exists()


# --- Responsibilities ---------------------------------------------------------------------


def test_responsibility_import_grants_the_subtree_and_accepts_excel_dates(cast):
    person = services.person_create(
        name="吴主任", phone="13900000009", user=UserFactory(username="wu"), unit=cast.dept_a
    )
    user = person.user
    last_month = timezone.localdate() - datetime.timedelta(days=30)
    rows = [
        # A real Excel date cell …
        [
            "SLX-SCJ",
            "吴主任",
            "13900000009",
            "主要负责人",
            datetime.datetime.combine(last_month, datetime.time()),
            None,
            "导入",
        ],
        # … and dates typed as text.
        ["SLX-CGZ", "吴主任", "13900000009", "联络员", "2026/3/1", "", ""],
    ]

    result = ResponsibilityResource().import_data(xlsx_dataset(RESPONSIBILITY_HEADERS, rows))

    assert not result.has_validation_errors() and not result.has_errors()
    principal = Responsibility.objects.get(person=person, role=Responsibility.Role.PRINCIPAL)
    assert (principal.unit, principal.start_date, principal.note) == (
        cast.dept_a,
        last_month,
        "导入",
    )
    liaison = Responsibility.objects.get(person=person, role=Responsibility.Role.LIAISON)
    assert liaison.start_date == datetime.date(2026, 3, 1)
    assert {u.code for u in units_visible_to(user=user)} == {
        "SLX-SCJ",
        "SLX-SCJ-BGS",
        "SLX-CGZ",
    }

    # The same rows with an end date end the responsibility (and its grants) in place.
    rows[0][5] = timezone.localdate().isoformat()
    rows[1][5] = timezone.localdate()
    result = ResponsibilityResource().import_data(xlsx_dataset(RESPONSIBILITY_HEADERS, rows))

    assert not result.has_validation_errors()
    assert result.totals["update"] == 2
    assert Responsibility.objects.filter(person=person).count() == 2
    assert not units_visible_to(user=user).exists()


def test_service_refusals_become_row_errors_and_nothing_is_saved(cast):
    services.person_create(name="郑书记", phone="13700000007")
    rows = [
        ["SLX-CGZ", "郑书记", "13700000007", "第一责任人", "2026-01-01", "", ""],
        # 县市场监督管理局 already has a 第一责任人 (赵局长) in the cast.
        ["SLX-SCJ", "郑书记", "13700000007", "第一责任人", "2026-01-01", "", ""],
        ["SLX-JYJ", "郑书记", "13700000007", "分管领导", "2026-05-01", "2026-04-01", ""],
        ["SLX-JYJ", "不存在", "", "联络员", "", "", ""],
        ["SLX-JYJ", "郑书记", "13700000007", "组长", "", "", ""],
        ["SLX-JYJ", "郑书记", "13700000007", "联络员", "3月1日", "", ""],
    ]

    result = ResponsibilityResource().import_data(xlsx_dataset(RESPONSIBILITY_HEADERS, rows))

    errors = row_errors(result)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "已有第一责任人赵局长" in errors[3]["__all__"][0]
    assert errors[4]["结束日期"] == ["结束日期不能早于开始日期。"]
    assert errors[5]["姓名"] == ["找不到干部“不存在”，请先导入干部。"]
    assert errors[6]["责任类型"] == ["未知的责任类型：组长"]
    assert "无法识别的日期“3月1日”" in errors[7]["开始日期"][0]
    assert not Responsibility.objects.filter(person__name="郑书记").exists()


def test_namesakes_without_phone_are_ambiguous(cast):
    services.person_create(name="陈明", phone="13100000001")
    services.person_create(name="陈明", phone="13100000002")
    rows = [["SLX-JYJ", "陈明", "", "联络员", "", "", ""]]

    result = ResponsibilityResource().import_data(xlsx_dataset(RESPONSIBILITY_HEADERS, rows))

    assert row_errors(result)[2]["姓名"] == ["有多名干部叫“陈明”，请填写手机号以区分。"]


def test_responsibility_export_round_trips(cast):
    exported = ResponsibilityResource().export()

    assert exported.headers == RESPONSIBILITY_HEADERS
    assert {(r["单位编码"], r["姓名"], r["责任类型"]) for r in exported.dict} == {
        ("SLX-SCJ", "赵局长", "第一责任人"),
        ("SLX-JYJ", "钱局长", "第一责任人"),
        ("SLX-SCJ", "孙副县长", "分管领导"),
    }
    result = ResponsibilityResource().import_data(
        XLSX().create_dataset(XLSX().export_data(ResponsibilityResource().export()))
    )
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 3


# --- Cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01",
        "2026/3/1",
        "2026.3.1",
        "2026年3月1日",
        " 2026-03-01 ",
        20260301,
        datetime.datetime(2026, 3, 1),
        datetime.date(2026, 3, 1),
        46082,  # Excel's serial number for 2026-03-01
    ],
)
def test_dates_are_read_as_clerks_write_them(value):
    assert DateWidget().clean(value) == datetime.date(2026, 3, 1)


def test_formula_escaping_is_reversed_on_import():
    for text in ["=1+1", "+86", "-5", "@x", "普通"]:
        assert cell_text(neutralise_formula(text)) == text
    assert neutralise_formula(5) == 5
    assert cell_text(1001.0) == "1001"
