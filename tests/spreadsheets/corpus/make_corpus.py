"""Build the corpus of office-made spreadsheets the importers are tested against.

Run once by hand (LibreOffice is needed, CI does not have it; the files are committed):

    .venv/bin/python tests/spreadsheets/corpus/make_corpus.py

Hand-built .xlsx files (openpyxl: title rows, merged cells, each date style, full-width
codes, a formula) are saved again by LibreOffice as .xls, .ods and .xlsx, which is what an
office that edits in LibreOffice or WPS sends; LibreOffice also computes the formulas, so
those files carry the formula's value as Excel's would. CSV files are written by hand in
UTF-8, UTF-8 with a BOM and GB18030, as Chinese Excel and WPS save them.

The codes match the test cast (tests/conftest.py: SLX-SCJ, SLX-JYJ …) and the assessment
county (tests/assessments/county.py: T-U1, T-U2).
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
LEDGER_TITLE = "县市场监督管理局作风建设整改台账（2026年）"
LEDGER_HEADERS = [
    "编号",
    "单位编码 ",
    "清单类型",
    "层级",
    "问题来源",
    "问题类别",
    "问题描述*",
    "整改措施",
    "整改目标",
    "责任人",
    "责任领导",
    "整改时限",
    "长期坚持",
]


def ledger_rows() -> list[list[object]]:
    """Twenty rows as a clerk types them: each date style, full-width codes, long-term rows."""
    deadlines: list[object] = [
        datetime.date(2026, 12, 31),
        "2026年12月31日",
        "2026.12.31",
        "2026/12/31",
        "2026-12-31",
        "２０２６年１２月３１日",
        "2026年6月30日",
        "2026.6.30",
        "2026/6/30",
        datetime.datetime(2026, 6, 30, 0, 0),
    ]
    rows: list[list[object]] = []
    for n in range(1, 21):
        code = "ＳＬＸ－ＳＣＪ" if n % 5 == 0 else "SLX-SCJ "
        rows.append(
            [
                "",
                code,
                "问题清单",
                "单位",
                "自查",
                "不担当",
                f"窗口服务不规范问题{n}",
                "建立首问负责制",
                "群众满意",
                "张三",
                "李四",
                deadlines[n % 10],
                "否",
            ]
        )
    rows[17][11] = ""  # 长期坚持, no deadline
    rows[17][12] = "是"
    rows[18][11] = "长期坚持"  # said where the deadline goes
    rows[18][12] = ""
    return rows


def save(book: Workbook, name: str) -> Path:
    path = HERE / name
    book.save(path)
    return path


def ledger_book(rows: list[list[object]], *, formula: bool) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    sheet.append([LEDGER_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_HEADERS))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(
        ["填报单位：县市场监督管理局", "", "", "", "", "", "", "", "", "填报日期：2026年11月30日"]
    )
    sheet.append([])
    sheet.append(LEDGER_HEADERS)
    for row in rows:
        sheet.append(row)
    if formula:
        # 整改目标 of the first row is a formula; LibreOffice stores its value on saving.
        sheet.cell(row=5, column=9).value = '="按期"&"完成"'
    # An Excel serial number where a date was pasted as a number (46387 = 2026-12-31).
    sheet.cell(row=6, column=12).value = 46387
    # The unit code of rows 20 and 21 merged over both rows, as offices do for one unit.
    sheet.cell(row=21, column=2).value = None
    sheet.merge_cells(start_row=20, start_column=2, end_row=21, end_column=2)
    sheet.append([])
    sheet.append(["注：整改时限填写具体日期，长期坚持的事项可不填整改时限。"])
    sheet.append(["填表人：王五", "", "", "联系电话：0000-1234567"])
    return book


def two_level_header_book() -> Workbook:
    """A header in two rows: 单位编码 and 问题描述 merged down, 整改要求 across two columns."""
    book = Workbook()
    sheet = book.active
    sheet.title = "整改清单"
    sheet.append(["县教育局作风建设问题整改清单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["单位编码", "问题描述", "整改要求", "", "长期坚持"])
    sheet.append(["", "", "整改措施", "整改时限", ""])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("E2:E3")
    sheet.append(["SLX-JYJ", "课后服务收费不规范", "清退多收费用", "2026年12月31日", "否"])
    sheet.append(["SLX-JYJ", "教师师德师风建设常态化", "建立长效机制", "", "是"])
    return book


def bad_ledger_book() -> Workbook:
    """Thirty rows with no unit code and two undated rows: refused, the errors grouped."""
    rows = ledger_rows()[:2] * 15
    for n, row in enumerate(rows):
        row[1] = ""
        row[6] = f"问题{n}"
        row[12] = "否"
    rows[3][11] = "下个月"
    rows[4][11] = "下个月"
    book = Workbook()
    sheet = book.active
    sheet.append([LEDGER_TITLE])
    sheet.append(LEDGER_HEADERS)
    for row in rows:
        sheet.append(row)
    return book


def missing_column_book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.append([LEDGER_TITLE])
    sheet.append(["单位编码", "问题描述", "整改措施"])
    sheet.append(["SLX-SCJ", "没有整改时限一列", "措施"])
    return book


HOTLINE_HEADERS = [
    "工单编号",
    "来电时间",
    "来电人",
    "联系电话",
    "诉求标题",
    "诉求内容",
    "被反映单位",
    "诉求类别",
    "是否紧急",
]


def hotline_rows() -> list[list[object]]:
    return [
        [
            "GD20261102001",
            datetime.datetime(2026, 11, 2, 9, 15),
            "赵来电",
            "13600000001",
            "办证慢",
            "营业执照办理超时",
            "SLX-SCJ",
            "",
            "是",
        ],
        [
            "GD20261103002",
            "2026年11月3日 14:00",
            "",
            "",
            "态度差",
            "窗口人员态度生硬",
            "县教育局",
            "",
            "",
        ],
        [
            "GD20261104003",
            "2026/11/4 8:30",
            "钱来电",
            "１３６００００００２",
            "推诿扯皮",
            "多次往返未办结",
            "ＳＬＸ－ＳＣＪ",
            "",
            "否",
        ],
    ]


def hotline_book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "12345工单"
    sheet.append(["12345政务服务便民热线工单导出（2026年11月）"])
    sheet.merge_cells("A1:I1")
    sheet.append(HOTLINE_HEADERS)
    for row in hotline_rows():
        sheet.append(row)
    return book


SCORE_HEADERS = ["单位编码", "单位名称", "考核指标", "得分", "备注"]


def score_rows() -> list[list[object]]:
    return [
        ["T-U1", "单位U1", "重点工作", 90, "好"],
        ["Ｔ－Ｕ２", "单位U2", "活动成果", "45.5", ""],
    ]


def scores_book() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "组织考评打分"
    sheet.append(["2026年度作风建设考核　组织考评打分表"])
    sheet.merge_cells("A1:E1")
    sheet.append(["考评人：评议员", "", "", "日期：2026-12-01"])
    sheet.append(SCORE_HEADERS)
    for row in score_rows():
        sheet.append(row)
    # The score of the first row as a formula (LibreOffice stores 90).
    sheet.cell(row=4, column=4).value = "=45*2"
    return book


UNIT_HEADERS = ["单位编码", "单位名称", "简称", "单位类型", "上级单位编码", "考核组别", "排序"]
UNIT_ROWS = [
    ["SLX-NYJ", "县农业农村局", "农业农村局", "部门", "ＳＬＸ", "", 5],
    ["SLX-NYJ-BGS", "县农业农村局办公室", "", "机关处室", "SLX-NYJ", "", 1],
]
PERSON_HEADERS = ["姓名", "职务", "手机号", "邮箱", "所在单位编码", "登录账号"]
PERSON_ROWS = [
    ["孙干部", "局长", 13700000001, "", "SLX-SCJ", ""],
    ["周干部", "副局长", "１３７０００００００２", "", "SLX-JYJ", ""],
]


def table_book(title: str, headers: list[str], rows: list[list[object]]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return book


def write_csv(name: str, lines: list[list[object]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in lines:
        writer.writerow(["" if v is None else v for v in line])
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


def text_of(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return f"{value:%Y/%m/%d %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%Y/%m/%d}"
    return value


def convert(source: Path, kind: str, target: str) -> None:
    """LibreOffice saves `source` as `kind` (xls, ods, xlsx) under the name `target`."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to build the corpus.")
    filters = {"xls": "xls:MS Excel 97", "ods": "ods", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(  # noqa: S603 (a fixed command on the corpus's own files)
            [
                soffice,
                "--headless",
                "--calc",
                "--convert-to",
                filters[kind],
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        produced = Path(out) / f"{source.stem}.{kind}"
        shutil.move(produced, HERE / target)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def via_office(book: Workbook, stem: str, kinds: tuple[str, ...]) -> None:
            source = work / f"{stem}.xlsx"
            book.save(source)
            for kind in kinds:
                convert(source, kind, f"{stem}.lo.{kind}" if kind == "xlsx" else f"{stem}.{kind}")

        rows = ledger_rows()
        via_office(ledger_book(rows, formula=True), "ledger_office", ("xls", "ods", "xlsx"))
        via_office(bad_ledger_book(), "ledger_no_unit_codes", ("ods",))
        via_office(hotline_book(), "hotline_office", ("xls",))
        via_office(scores_book(), "scores_office", ("ods", "xls"))
        via_office(table_book("单位名册", UNIT_HEADERS, UNIT_ROWS), "units_office", ("xls",))
        via_office(table_book("干部名册", PERSON_HEADERS, PERSON_ROWS), "people_office", ("ods",))

    # Hand-built .xlsx (openpyxl, as other systems write them: no formula values).
    save(ledger_book(rows, formula=False), "ledger_handbuilt.xlsx")
    save(two_level_header_book(), "ledger_two_level_header.xlsx")
    save(missing_column_book(), "ledger_missing_column.xlsx")

    # CSV as Chinese Excel and WPS save it: GB18030 by default, UTF-8 with or without BOM.
    ledger_lines = [[LEDGER_TITLE], [], LEDGER_HEADERS, *[[text_of(v) for v in r] for r in rows]]
    write_csv("ledger_gb18030.csv", ledger_lines, "gb18030")
    write_csv("ledger_utf8_bom.csv", ledger_lines, "utf-8-sig")
    write_csv("ledger_utf8.csv", ledger_lines, "utf-8")
    hotline_lines = [
        ["12345热线工单"],
        HOTLINE_HEADERS,
        *[[text_of(v) for v in r] for r in hotline_rows()],
    ]
    write_csv("hotline_gb18030.csv", hotline_lines, "gb18030")
    write_csv("scores_gbk.csv", [["组织考评打分表"], SCORE_HEADERS, *score_rows()], "gbk")
    responsibility = [
        ["责任分工表"],
        ["单位编码", "姓名", "手机号", "责任类型", "开始日期", "结束日期", "备注"],
        ["SLX-SCJ", "孙干部", "13700000001", "联络员", "2026年1月1日", "", ""],
    ]
    write_csv("responsibilities_gb18030.csv", responsibility, "gb18030")
    # Not a spreadsheet at all, named like one.
    (HERE / "not_a_spreadsheet.xlsx").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (HERE / "empty.csv").write_bytes(b"")


if __name__ == "__main__":
    main()
