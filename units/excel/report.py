"""What an import tells the user: problems grouped, rows numbered as Excel shows them.

A file with the unit code column left empty has the same problem on thirty rows: the page
says "第 2–29、31 行 · 单位编码 · 不能为空" once instead of thirty times.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

GROUPED_SHOWN = 200  # problem groups listed; a file with more says how many are not shown


def row_ranges(numbers: Iterable[int]) -> str:
    """[2, 3, 4, 7, 9, 10] → "2–4、7、9–10"."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = previous = None
    for number in ordered:
        if previous is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = number
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return "、".join(parts)


def group_problems(problems: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{row, column, message}] → [{rows: "2–29", count, column, message}], first row first.

    Problems of the whole file (row "") come first.
    """
    groups: dict[tuple[str, str], list[int]] = {}
    whole: list[dict[str, Any]] = []
    for problem in problems:
        row = problem.get("row")
        key = (str(problem.get("column") or ""), str(problem.get("message") or ""))
        if row in ("", None):
            if {"column": key[0], "message": key[1]} not in whole:
                whole.append({"column": key[0], "message": key[1]})
            continue
        groups.setdefault(key, []).append(int(str(row)))
    grouped = [
        {"rows": row_ranges(rows), "count": len(set(rows)), "column": column, "message": message}
        for (column, message), rows in sorted(groups.items(), key=lambda item: min(item[1]))
    ]
    return [{"rows": "", "count": 0, **item} for item in whole] + grouped


def import_problems(result: Any, excel_row: Any = None) -> list[dict[str, Any]]:
    """Row, column and message of every problem of an import-export result."""
    problems: list[dict[str, Any]] = []
    for error in result.base_errors:
        for text in _texts(error.error):
            problems.append({"row": "", "column": "", "message": text})
    for row in result.invalid_rows:
        for column, texts in row.error_dict.items():
            for text in texts:
                problems.append(
                    {
                        "row": row.number,
                        "column": "" if column == "__all__" else column,
                        "message": text,
                    }
                )
    for number, errors in result.row_errors():
        for error in errors:
            for text in _texts(error.error):
                shown = excel_row(number) if excel_row is not None else number
                problems.append({"row": shown, "column": "", "message": text})
    return problems


def _texts(error: Exception) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]
