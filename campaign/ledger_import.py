"""The 整改台账 import: every row checked in one loop, then filed all or nothing.

The upload is read by the one reader (units.excel.reader, the header found under any title
rows). Each cell is cleaned by a plain function; the units, categories and items a file
names are looked up once per file, so a preview makes the same few queries for twenty rows
as for twenty thousand. Rows with 编号 update their item through services.item_update (only
drafts and returned items, never moved to another unit); rows without it become new drafts,
filed together by services.items_file_many. One bad row and nothing is saved: the preview lists
every problem with its Excel row number. A 长期坚持 row needs no deadline (the campaign's end
date is kept for it). New rows repeating an item already in the ledger (same unit, same
problem) or an earlier row are reported as `duplicates`, and left out on request.

The columns are the ledger's export (campaign.resources.LedgerResource), whose Chinese
headers are a file format, not interface text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from campaign import selectors, services
from campaign.models import ITEM_COLUMNS, Campaign, ProblemCategory, RectificationItem
from units.excel.cells import cell_code, cell_text
from units.excel.reader import Table, locate, read_grid
from units.excel.widgets import DateWidget, visible_units
from units.selectors import units_actable_by
from units.types import AnyUser

Item = RectificationItem


def _field(name: str) -> models.Field:
    return cast(models.Field, Item._meta.get_field(name))


ID_HEADER = "编号"
UNIT_HEADER = "单位编码"
UNIT_NAME_HEADER = "单位名称"
STATUS_HEADER = "状态"
DEADLINE_HEADER = ITEM_COLUMNS["deadline"]
PROBLEM_HEADER = ITEM_COLUMNS["problem"]
REQUIRED_HEADERS = (UNIT_HEADER, PROBLEM_HEADER, DEADLINE_HEADER)
# Every column of the exported ledger, in its order (单位名称 and 状态 are read-only).
HEADERS = (ID_HEADER, UNIT_HEADER, UNIT_NAME_HEADER, *ITEM_COLUMNS.values(), STATUS_HEADER)
# What the preview shows of each row: what the file fills in, with the unit's name.
PREVIEW_COLUMNS = (ID_HEADER, UNIT_HEADER, UNIT_NAME_HEADER, *ITEM_COLUMNS.values())
# Written in 整改时限 (or 长期坚持) by clerks for an item kept up for good.
LONG_TERM_WORDS = ("长期坚持", "长期", "长期推进", "持续推进", "长期坚持整改")
YES = ("是", "Y", "YES", "TRUE", "1", "√", "✓", "长期坚持", "长期")
NO = ("否", "N", "NO", "FALSE", "0", "")
# What an import compares and may change: the unit and the item fields a unit fills in
# (campaign.models.ITEM_COLUMNS, the one declaration), by attribute name.
EDITABLE_FIELDS = tuple((name, _field(name).attname) for name in ("unit", *ITEM_COLUMNS))
EDITABLE = tuple(attname for _name, attname in EDITABLE_FIELDS)
HEADER_OF = {"unit": UNIT_HEADER, **ITEM_COLUMNS}
_CHUNK = 5000  # item ids per IN (…) list
_PROBLEMS_CHUNK = 30_000


@dataclass
class LedgerImport:
    """What an import found and did; the preview page and the confirmation read it."""

    header_row: int = 1
    columns: list[str] = field(default_factory=lambda: list(PREVIEW_COLUMNS))
    # The preview: each row to add or change, its cells as they will be filed and the
    # columns an update changes (collected on a dry run only).
    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=lambda: {"new": 0, "update": 0, "skip": 0})
    # [{row, column, message}]: row "" for a problem of the whole file.
    problems: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # Excel rows of repeated new items
    filed: int = 0  # new items filed (or, on a dry run, to be filed)

    def refuse(self, message: str, *, row: Any = "", column: str = "") -> None:
        self.problems.append({"row": row, "column": column, "message": message})


@dataclass
class _Column:
    """One item field's column: where it is in the file and how its cell is read."""

    name: str
    header: str
    index: int
    clean: Callable[[Any], Any]
    default: Any  # for an empty cell (None: the field has no default)


# --- Cells ------------------------------------------------------------------------------


def _text_cleaner(max_length: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = cell_text(value)
        if len(text) > max_length:
            raise ValueError(
                _("Too long: at most %(max)d characters, found %(length)d.")
                % {"max": max_length, "length": len(text)}
            )
        return text

    return clean


def _choice_cleaner(model_field: models.Field, header: str) -> Callable[[Any], str]:
    """A choice by its Chinese label (问题清单) or its stored code (problem)."""
    values = {code for code, _label in model_field.choices or ()}
    by_label = {cell_code(str(label)): code for code, label in model_field.choices or ()}
    unknown = _("Unknown %(column)s: %%(value)s") % {"column": header}

    def clean(value: Any) -> str:
        text = cell_code(value)
        if not text or text in values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValueError(unknown % {"value": text})

    return clean


def _yes_no(value: Any) -> bool:
    text = cell_code(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": text})


def _category_cleaner() -> Callable[[Any], ProblemCategory | None]:
    """A problem category by its name or code (all categories read once, when first named)."""
    found: dict[str, ProblemCategory] = {}

    def clean(value: Any) -> ProblemCategory | None:
        text = cell_text(value)
        if not text:
            return None
        if not found:
            for category in ProblemCategory.objects.all():
                found.setdefault(category.code, category)
                found.setdefault(category.name, category)
        if text not in found:
            raise ValueError(_("Unknown problem category: %(value)s") % {"value": text})
        return found[text]

    return clean


def _columns(index: dict[str, int]) -> list[_Column]:
    """The item fields the file has a column for, each with its cleaner."""
    dates = DateWidget()
    columns = []
    for name, header in ITEM_COLUMNS.items():
        if header not in index:
            continue
        model_field = _field(name)
        clean: Callable[[Any], Any]
        if name == "category":
            clean = _category_cleaner()
        elif model_field.choices:
            clean = _choice_cleaner(model_field, header)  # type: ignore[arg-type]
        elif isinstance(model_field, models.BooleanField):
            clean = _yes_no
        elif isinstance(model_field, models.DateField):
            clean = dates.clean
        else:
            clean = _text_cleaner(model_field.max_length or 4000)
        if name not in _FREE_TEXT:
            clean = _remembered(clean)
        default = model_field.default if model_field.has_default() else None
        columns.append(_Column(name, header, index[header], clean, default))
    return columns


# Columns whose every row says something else; the others repeat a few values down a sheet
# (units, kinds, categories, people, dates), each read once per file.
_FREE_TEXT = frozenset({"problem", "measures", "target"})


def _remembered(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`clean` with its answers kept for the file (refusals are raised again each time)."""
    seen: dict[tuple[type, Any], Any] = {}

    def cached(value: Any) -> Any:
        key = (value.__class__, value)  # 1, 1.0 and True are equal keys, not equal cells
        try:
            return seen[key]
        except KeyError:
            seen[key] = result = clean(value)
            return result
        except TypeError:  # an unhashable cell
            return clean(value)

    return cached


def _item_number(value: Any) -> int | None:
    text = cell_code(value)
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(_("“%(value)s” is not a valid item number.") % {"value": text})
    return int(text)


# --- The loop ---------------------------------------------------------------------------


def read_ledger(content: bytes) -> list[list[Any]]:
    """An upload's first sheet, every row from row 1 (ValidationError if unreadable)."""
    return read_grid(content)[0]


def ledger_import(
    *,
    campaign: Campaign,
    actor: AnyUser,
    grid: list[list[Any]] | None = None,
    table: Table | None = None,
    dry_run: bool,
    skip_duplicates: bool = False,
) -> LedgerImport:
    """Check every row of a ledger file and, unless `dry_run`, file it: all or nothing.

    Give the sheet as read (`grid`, the header found in it) or an already located `table`.
    Writes go through services.item_update (changed rows) and services.items_file_many (new
    rows, a few statements for the whole file).
    """
    report = LedgerImport()
    if table is None:
        try:
            table = locate(grid or [], expected=HEADERS, required=REQUIRED_HEADERS)
        except ValidationError as exc:
            for message in exc.messages:
                report.refuse(message)
            return report
    report.header_row = table.header_row
    checked = _check(campaign, actor, table, report, preview=dry_run)
    if report.problems:
        return report
    new, new_rows, updates = checked
    if new:
        repeated = _find_duplicates(campaign, new, new_rows, report)
        if skip_duplicates and repeated:
            new = [entry for at, entry in enumerate(new) if at not in repeated]
    report.filed = len(new)
    if dry_run:
        # Every cell is checked above, the campaign and the units here; the items
        # themselves are written on confirmation.
        if new:
            try:
                units = list({entry["unit"].pk: entry["unit"] for entry in new}.values())
                services.items_file_check(campaign=campaign, actor=actor, units=units)
            except ValidationError as exc:
                report.refuse("；".join(exc.messages))
        return report
    _file(campaign, actor, new, updates, report)
    return report


def _check(
    campaign: Campaign, actor: AnyUser, table: Table, report: LedgerImport, *, preview: bool
) -> tuple[list[dict[str, Any]], list[int], list[tuple[int, RectificationItem, dict[str, Any]]]]:
    """Every row's cells cleaned and checked: new entries, their rows, and the updates."""
    index = {header: at for at, header in enumerate(table.headers)}  # the last of a name
    id_at = index.get(ID_HEADER)
    unit_at = index[UNIT_HEADER]
    deadline_at = index[DEADLINE_HEADER]
    columns = _columns(index)
    rows = table.rows

    # The file's units, the importer's among them, and the items it names: once each.
    code_of = _remembered(cell_code)
    codes = {code_of(values[unit_at]) for _number, values in rows} - {""}
    units = {unit.code: unit for unit in visible_units(actor).filter(code__in=codes)}
    may_act = set(units_actable_by(user=actor).filter(code__in=codes).values_list("pk", flat=True))
    items = _items_named(campaign, actor, rows, id_at)

    new: list[dict[str, Any]] = []
    new_rows: list[int] = []
    updates: list[tuple[int, RectificationItem, dict[str, Any]]] = []
    labels = _labels() if preview else {}
    for number, values in rows:
        errors: dict[str, str] = {}
        pk = None
        if id_at is not None:
            try:
                pk = _item_number(values[id_at])
            except ValueError as exc:
                errors[ID_HEADER] = str(exc)
        item = None
        if pk is not None:
            item = items.get(pk)
            if item is None:
                message = _("Item number %(id)s is not in this campaign's ledger.") % {"id": pk}
                report.refuse(message, row=number)
                continue
        # The row as it will be filed, by field name (the unit and ITEM_COLUMNS).
        cleaned: dict[str, Any] = {}
        code = code_of(values[unit_at])
        unit = units.get(code) if code else None
        if code and unit is None:
            errors[UNIT_HEADER] = _("Unknown unit code: %(value)s") % {"value": code}
        long_term_said = cell_text(values[deadline_at]) in LONG_TERM_WORDS
        for column in columns:
            value = values[column.index]
            if long_term_said and column.index == deadline_at:
                value = ""  # "长期坚持" written where the deadline goes: the row is long-term
            try:
                result = column.clean(value)
            except ValueError as exc:
                errors[column.header] = str(exc)
                continue
            if (result is None or result == "") and column.default is not None:
                result = column.default
            cleaned[column.name] = result
        if UNIT_HEADER not in errors and unit is None:
            errors[UNIT_HEADER] = _("%(column)s is required.") % {"column": UNIT_HEADER}
        if PROBLEM_HEADER not in errors and not cleaned.get("problem"):
            errors[PROBLEM_HEADER] = _("%(column)s is required.") % {"column": PROBLEM_HEADER}
        if long_term_said:
            cleaned["long_term"] = True
        if DEADLINE_HEADER not in errors and cleaned.get("deadline") is None:
            if cleaned.get("long_term", item.long_term if item is not None else False):
                cleaned["deadline"] = campaign.end_date
            else:
                errors[DEADLINE_HEADER] = _(
                    "%(column)s is required (or mark the row 长期坚持)."
                ) % {"column": DEADLINE_HEADER}
        if errors:
            for header, message in errors.items():
                report.refuse(message, row=number, column=header)
            continue
        cleaned["unit"] = unit
        if item is None:
            # Checked here so that the sheet's row is named; items_file checks again.
            if unit.pk not in may_act:  # type: ignore[union-attr]
                report.refuse(_("You may not act for this unit."), row=number, column=UNIT_HEADER)
                continue
            new.append(cleaned)
            new_rows.append(number)
            report.totals["new"] += 1
            if preview:
                report.rows.append(_preview_row(number, "new", None, cleaned, [], labels))
            continue
        changed = [
            name
            for name, attname in EDITABLE_FIELDS
            if name in cleaned and _stored(cleaned[name]) != getattr(item, attname)
        ]
        if not changed:
            report.totals["skip"] += 1
            continue
        if "unit" in changed:
            message = _("An import cannot move an item to another unit.")
            report.refuse(message, row=number, column=UNIT_HEADER)
            continue
        refusal = _update_refusal(item, may_act)
        if refusal:
            report.refuse(refusal, row=number)
            continue
        updates.append((number, item, {name: cleaned[name] for name in changed}))
        report.totals["update"] += 1
        if preview:
            headers = [HEADER_OF[name] for name in changed]
            report.rows.append(_preview_row(number, "update", item, cleaned, headers, labels))
    return new, new_rows, updates


def _stored(value: Any) -> Any:
    """A cleaned value as the item's attribute holds it (a unit or category by its id)."""
    return value.pk if isinstance(value, models.Model) else value


def _items_named(
    campaign: Campaign, actor: AnyUser, rows: Sequence[tuple[int, list[Any]]], id_at: int | None
) -> dict[int, RectificationItem]:
    """The campaign's items the file names by 编号, among those the importer may see."""
    if id_at is None:
        return {}
    pks = set()
    for _number, values in rows:
        text = cell_code(values[id_at])
        if text.isdigit():
            pks.add(int(text))
    found: dict[int, RectificationItem] = {}
    ordered = sorted(pks)
    scope = Q() if actor is None else Q(pk__in=selectors.items_visible_to(user=actor))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        queryset = Item.objects.filter(scope, campaign=campaign, pk__in=chunk)
        found.update((item.pk, item) for item in queryset.select_related("unit", "category"))
    return found


def _update_refusal(item: RectificationItem, may_act: set[int]) -> str:
    """Why item_update would refuse this change (checked again, locked, on confirmation)."""
    if item.unit_id not in may_act:
        return _("You may not act for this unit.")
    if not item.is_editable:
        return _("Only draft or returned items can be edited; this one is “%(status)s”.") % {
            "status": item.get_status_display()
        }
    return ""


def _preview_row(
    number: int,
    kind: str,
    item: RectificationItem | None,
    cleaned: dict[str, Any],
    changed: list[str],
    labels: dict[str, dict[str, str]],
) -> dict[str, Any]:
    """A row as the preview shows it: each cell as it will be filed, 长期坚持 for no deadline."""

    def value(name: str) -> Any:
        if name in cleaned:
            return cleaned[name]
        if item is not None:
            return getattr(item, name)
        return _NEW_DEFAULTS[name]

    unit = cleaned["unit"]
    long_term = value("long_term")
    cells = ["" if item is None else str(item.pk), unit.code, unit.name]
    for name in ITEM_COLUMNS:
        current = value(name)
        if name in labels:
            shown = labels[name].get(current, current) if current else ""
        elif name == "long_term":
            shown = "是" if current else "否"
        elif name == "deadline":
            # The ledger shows 长期坚持 in the deadline's place, and so does the preview.
            shown = labels[""][""] if long_term else (current.isoformat() if current else "")
        elif name == "category":
            shown = current.name if current is not None else ""
        else:
            shown = "" if current is None else str(current)
        cells.append(shown)
    return {"row": number, "kind": kind, "cells": cells, "changed": changed}


def _labels() -> dict[str, dict[str, str]]:
    """The Chinese labels of the choice columns (and 长期坚持), worded once per file."""
    labels = {
        name: {code: str(label) for code, label in _field(name).choices or ()}
        for name in ITEM_COLUMNS
        if _field(name).choices
    }
    labels[""] = {"": _("Long-term")}
    return labels


_NEW_DEFAULTS = {name: _field(name).get_default() for name in ITEM_COLUMNS}


def _find_duplicates(
    campaign: Campaign, new: list[dict[str, Any]], rows: list[int], report: LedgerImport
) -> set[int]:
    """Indexes in `new` of rows repeating an item of the ledger or an earlier row."""
    keys = [(entry["unit"].pk, entry["problem"].strip()) for entry in new]
    # Among the items of the units the file names (the campaign-and-unit index), those with
    # one of its problems: what is sent back grows with the file, not with the ledger.
    unit_ids = sorted({unit for unit, _problem in keys})
    problems = sorted({problem for _unit, problem in keys})
    filed: set[tuple[int, str]] = set()
    # One statement for a whole file (at most XLSX_MAX_ROWS problems, within SQLite's limit
    # of variables too): each further statement would scan the units' items again.
    for start in range(0, len(problems), _PROBLEMS_CHUNK):
        filed.update(
            (unit, problem.strip())
            for unit, problem in Item.objects.filter(
                campaign=campaign,
                unit_id__in=unit_ids,
                problem__in=problems[start : start + _PROBLEMS_CHUNK],
            ).values_list("unit_id", "problem")
        )
    found: set[int] = set()
    for at, key in enumerate(keys):
        if key in filed:
            found.add(at)
        filed.add(key)
    report.duplicates = sorted(rows[at] for at in found)
    return found


def _file(
    campaign: Campaign,
    actor: AnyUser,
    new: list[dict[str, Any]],
    updates: list[tuple[int, RectificationItem, dict[str, Any]]],
    report: LedgerImport,
) -> None:
    """Write the checked rows through the services; any refusal undoes them all."""
    with transaction.atomic():
        for number, item, changes in updates:
            try:
                with transaction.atomic():
                    services.item_update(item=item, actor=actor, **changes)
            except ValidationError as exc:
                for column, message in _row_messages(exc):
                    report.refuse(message, row=number, column=column)
            except PermissionDenied as exc:
                report.refuse(str(exc), row=number)
            except IntegrityError:
                report.refuse(
                    _(
                        "Could not save: conflicts with existing data; check for duplicate codes, phone numbers or login accounts."
                    ),
                    row=number,
                )
        if not report.problems and new:
            try:
                services.items_file_many(campaign=campaign, actor=actor, entries=new)
            except ValidationError as exc:
                # Reported above the rows: "；"-joined messages, not a dict's repr.
                report.refuse("；".join(exc.messages))
        if report.problems:
            transaction.set_rollback(True)


def _row_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """A service's ValidationError as (column header, message) pairs."""
    if not hasattr(exc, "error_dict"):
        return [("", message) for message in exc.messages]
    pairs: list[tuple[str, str]] = []
    for name, errors in exc.message_dict.items():
        column = "" if name == NON_FIELD_ERRORS else ITEM_COLUMNS.get(name, name)
        pairs.extend((column, message) for message in errors)
    return pairs
