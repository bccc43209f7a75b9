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

import datetime
import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from campaign import selectors, services
from campaign.models import ITEM_COLUMNS, Campaign, ProblemCategory, RectificationItem
from units.excel.cells import cell_code, cell_text
from units.excel.reader import Table, locate, read_grid
from units.excel.widgets import DateWidget, visible_units
from units.models import Unit
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
    # A preview's checked rows and what their checks read (see `checked_rows`): kept with
    # the staged upload so that the confirmation files them without reading the file again.
    checked: dict[str, Any] | None = None

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
    rows, a few statements for the whole file). A dry run also keeps the checked rows in
    `report.checked` (see `ledger_confirm`).
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
    new, new_rows, updates, basis = checked
    if dry_run:
        report.checked = _kept(new, new_rows, updates, basis, report)
    _conclude(campaign, actor, report, new, new_rows, updates, dry_run, skip_duplicates)
    return report


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a sheet is read and checked.

    Twenty thousand rows make a few hundred thousand objects (cells, cleaned rows, preview
    rows) that live until the request ends; the collector would walk them again and again
    meanwhile (about a tenth of a preview's time). Nothing made here forms a cycle that
    outlives the request, and collection resumes (as it was) when it is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def ledger_preview(*, campaign: Campaign, actor: AnyUser, content: bytes) -> LedgerImport:
    """An upload read and checked, nothing saved; `report.checked` is what to keep with it."""
    with _no_cycle_collection():
        return _preview(campaign, actor, content)


def _preview(campaign: Campaign, actor: AnyUser, content: bytes) -> LedgerImport:
    try:
        grid = read_ledger(content)
    except ValidationError as exc:
        report = LedgerImport()
        for message in exc.messages:
            report.refuse(message)
        return report
    report = ledger_import(campaign=campaign, actor=actor, grid=grid, dry_run=True)
    if report.checked is not None:
        report.checked["digest"] = _digest(content)
    return report


def ledger_confirm(
    *,
    campaign: Campaign,
    actor: AnyUser,
    content: bytes,
    checked: dict[str, Any] | None,
    skip_duplicates: bool = False,
) -> LedgerImport:
    """File a previewed upload: from the rows its preview checked, or by checking it again.

    The preview's rows are filed as they are only when `checked` belongs to this very file
    (its SHA-256) and everything their checks read is still as it was: the campaign, the
    units the file names (which the importer sees and may act for), the categories used
    and the items updated, each compared in a few queries (`_basis`). Otherwise the file is
    read and every row checked again, as on a first upload. Repeats of items already in the
    ledger are looked for again in either case, and the services check once more as they
    write (the importer may act for every unit, the campaign is under way, the item may
    still be edited).
    """
    with _no_cycle_collection():
        return _confirm(campaign, actor, content, checked, skip_duplicates)


def _confirm(
    campaign: Campaign,
    actor: AnyUser,
    content: bytes,
    checked: dict[str, Any] | None,
    skip_duplicates: bool,
) -> LedgerImport:
    restored = _restore(campaign, actor, content, checked) if checked else None
    if restored is None:
        try:
            grid = read_ledger(content)
        except ValidationError as exc:
            report = LedgerImport()
            for message in exc.messages:
                report.refuse(message)
            return report
        return ledger_import(
            campaign=campaign,
            actor=actor,
            grid=grid,
            dry_run=False,
            skip_duplicates=skip_duplicates,
        )
    report, new, new_rows, updates = restored
    _conclude(campaign, actor, report, new, new_rows, updates, False, skip_duplicates)
    return report


def _conclude(
    campaign: Campaign,
    actor: AnyUser,
    report: LedgerImport,
    new: list[dict[str, Any]],
    new_rows: list[int],
    updates: list[tuple[int, RectificationItem, dict[str, Any]]],
    dry_run: bool,
    skip_duplicates: bool,
) -> None:
    """Checked rows: repeats found, then (unless `dry_run`) filed."""
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
        if report.problems:
            report.checked = None
        return
    _file(campaign, actor, new, updates, report)


# --- The checked rows, kept between the preview and the confirmation -------------------

# Bumped whenever the kept form changes: a form kept by another version is not trusted.
KEPT_FORMAT = 1
_DATES = frozenset(name for name in ITEM_COLUMNS if isinstance(_field(name), models.DateField))


# The fields a checked row holds as model instances (everything else is JSON as it is).
_MODELS = frozenset({"unit", *(name for name in ITEM_COLUMNS if _field(name).is_relation)})


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass
class _Looked:
    """What the checks read from the database, besides the cells: the `_basis`."""

    units: dict[str, Unit]  # the file's unit codes the importer sees → unit
    may_act: set[int]  # of those, the units the importer may act for
    items: dict[int, RectificationItem]  # the campaign's items the file names by 编号


def _look_up(
    campaign: Campaign, actor: AnyUser, codes: Iterable[str], pks: Iterable[int]
) -> _Looked:
    """The file's units and items, whatever their number: three queries."""
    codes = sorted(set(codes))
    units = {unit.code: unit for unit in visible_units(actor).filter(code__in=codes)}
    may_act = set(units_actable_by(user=actor).filter(code__in=codes).values_list("pk", flat=True))
    return _Looked(units, may_act, _items_named(campaign, actor, pks))


def _basis(
    campaign: Campaign,
    actor: AnyUser,
    looked: _Looked,
    categories: Iterable[ProblemCategory],
) -> str:
    """A digest of everything the row checks read from the database.

    The importer; the campaign's state and end date (a 长期坚持 row's deadline); each unit
    the file names by code, whether the importer may act for it; the categories the rows
    use, by code and name; each item updated, every field an import compares or that
    decides whether it may still be edited.
    """
    basis = [
        getattr(actor, "pk", None),
        [campaign.pk, campaign.status, campaign.end_date],
        sorted((code, unit.pk) for code, unit in looked.units.items()),
        sorted(looked.may_act),
        sorted((c.pk, c.code, c.name) for c in categories),
        [
            [item.pk, item.status, *(getattr(item, attname) for attname in EDITABLE)]
            for _pk, item in sorted(looked.items.items())
        ],
    ]
    text = json.dumps(basis, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """A checked row as JSON keeps it: its unit and category by id, dates as ISO text."""
    plain = dict(fields)
    for name in _MODELS.intersection(plain):
        if plain[name] is not None:
            plain[name] = plain[name].pk
    for name in _DATES.intersection(plain):
        if plain[name] is not None:
            plain[name] = plain[name].isoformat()
    return plain


def _kept(
    new: list[dict[str, Any]],
    new_rows: list[int],
    updates: list[tuple[int, RectificationItem, dict[str, Any]]],
    looked_basis: tuple[_Looked, str],
    report: LedgerImport,
) -> dict[str, Any]:
    """The checked rows in a form JSON keeps (no pickling), with what their checks read."""
    looked, basis = looked_basis
    categories = sorted(
        {
            fields["category"].pk
            for fields in [*new, *(changes for _n, _i, changes in updates)]
            if fields.get("category") is not None
        }
    )
    return {
        "format": KEPT_FORMAT,
        "basis": basis,
        "codes": sorted(looked.units),
        "items": sorted(looked.items),
        "categories": categories,
        "header_row": report.header_row,
        "totals": dict(report.totals),
        "new": [_plain(fields) for fields in new],
        "new_rows": new_rows,
        "updates": [[number, item.pk, _plain(changes)] for number, item, changes in updates],
    }


def _restore(
    campaign: Campaign, actor: AnyUser, content: bytes, checked: dict[str, Any]
) -> (
    tuple[
        LedgerImport,
        list[dict[str, Any]],
        list[int],
        list[tuple[int, RectificationItem, dict[str, Any]]],
    ]
    | None
):
    """The preview's checked rows, if they belong to this file and nothing they read changed."""
    if checked.get("format") != KEPT_FORMAT or checked.get("digest") != _digest(content):
        return None
    if {"unit", "category"} != _MODELS:  # a relation column this code cannot restore: recheck
        return None
    looked = _look_up(campaign, actor, checked["codes"], checked["items"])
    by_pk = {category.pk: category for category in _categories(checked["categories"])}
    if _basis(campaign, actor, looked, by_pk.values()) != checked["basis"]:
        return None
    units = {unit.pk: unit for unit in looked.units.values()}

    def restored(plain: dict[str, Any]) -> dict[str, Any]:
        fields = dict(plain)
        if "unit" in fields:
            fields["unit"] = units[fields["unit"]]
        if fields.get("category") is not None:
            fields["category"] = by_pk[fields["category"]]
        for name in _DATES.intersection(fields):
            if fields[name] is not None:
                fields[name] = datetime.date.fromisoformat(fields[name])
        return fields

    report = LedgerImport(header_row=checked["header_row"], totals=dict(checked["totals"]))
    new = [restored(plain) for plain in checked["new"]]
    updates = [
        (number, looked.items[pk], restored(changes)) for number, pk, changes in checked["updates"]
    ]
    return report, new, list(checked["new_rows"]), updates


def _categories(pks: list[int]) -> list[ProblemCategory]:
    return list(ProblemCategory.objects.filter(pk__in=pks)) if pks else []


def _check(
    campaign: Campaign, actor: AnyUser, table: Table, report: LedgerImport, *, preview: bool
) -> tuple[
    list[dict[str, Any]],
    list[int],
    list[tuple[int, RectificationItem, dict[str, Any]]],
    tuple[_Looked, str],
]:
    """Every row's cells cleaned and checked: new entries, their rows, the updates, and
    what the checks read from the database with its digest (`_basis`)."""
    index = {header: at for at, header in enumerate(table.headers)}  # the last of a name
    id_at = index.get(ID_HEADER)
    unit_at = index[UNIT_HEADER]
    deadline_at = index[DEADLINE_HEADER]
    columns = _columns(index)
    rows = table.rows

    # The file's units, the importer's among them, and the items it names: once each.
    code_of = _remembered(cell_code)
    codes = {code_of(values[unit_at]) for _number, values in rows} - {""}
    looked = _look_up(campaign, actor, codes, _numbers(rows, id_at))
    units, may_act, items = looked.units, looked.may_act, looked.items

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
    categories = {
        fields["category"].pk: fields["category"]
        for fields in [*new, *(changes for _n, _i, changes in updates)]
        if fields.get("category") is not None
    }
    basis = _basis(campaign, actor, looked, categories.values()) if preview else ""
    return new, new_rows, updates, (looked, basis)


def _stored(value: Any) -> Any:
    """A cleaned value as the item's attribute holds it (a unit or category by its id)."""
    return value.pk if isinstance(value, models.Model) else value


def _numbers(rows: Sequence[tuple[int, list[Any]]], id_at: int | None) -> set[int]:
    """The item numbers (编号) the file's rows give."""
    if id_at is None:
        return set()
    pks = set()
    for _number, values in rows:
        text = cell_code(values[id_at])
        if text.isdigit():
            pks.add(int(text))
    return pks


def _items_named(
    campaign: Campaign, actor: AnyUser, pks: Iterable[int]
) -> dict[int, RectificationItem]:
    """The campaign's items the file names by 编号, among those the importer may see."""
    found: dict[int, RectificationItem] = {}
    ordered = sorted(pks)
    if not ordered:
        return found
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
    if item is None:
        values = {**_NEW_DEFAULTS, **cleaned}
    else:
        values = {name: getattr(item, name) for name in ITEM_COLUMNS}
        values.update(cleaned)
    unit = cleaned["unit"]
    long_term = values["long_term"]
    cells = ["" if item is None else str(item.pk), unit.code, unit.name]
    for name, how in _SHOWN:
        current = values[name]
        if how is _LABEL:
            shown = labels[name].get(current, current) if current else ""
        elif how is _YES_NO:
            shown = "是" if current else "否"
        elif how is _DEADLINE:
            # The ledger shows 长期坚持 in the deadline's place, and so does the preview.
            shown = labels[""][""] if long_term else (current.isoformat() if current else "")
        elif how is _CATEGORY:
            shown = current.name if current is not None else ""
        else:
            shown = "" if current is None else str(current)
        cells.append(shown)
    return {"row": number, "kind": kind, "cells": cells, "changed": changed}


# How the preview shows each column (decided once, not once a cell).
_LABEL, _YES_NO, _DEADLINE, _CATEGORY, _TEXT = "label", "yes_no", "deadline", "category", "text"
_SHOWN = tuple(
    (
        name,
        _LABEL
        if _field(name).choices
        else _YES_NO
        if name == "long_term"
        else _DEADLINE
        if name == "deadline"
        else _CATEGORY
        if name == "category"
        else _TEXT,
    )
    for name in ITEM_COLUMNS
)


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
    filed = _filed(campaign, unit_ids, problems)
    found: set[int] = set()
    for at, key in enumerate(keys):
        if key in filed:
            found.add(at)
        filed.add(key)
    report.duplicates = sorted(rows[at] for at in found)
    return found


def _filed(campaign: Campaign, unit_ids: list[int], problems: list[str]) -> set[tuple[int, str]]:
    """(unit, problem) of the campaign's items in these units with one of these problems."""
    if not unit_ids or not problems:
        return set()
    connection = connections[router.db_for_read(Item)]
    if connection.vendor == "postgresql":
        # The lists go as two array parameters: one statement, and no per-value work in
        # Django's compiler (twenty thousand IN (…) parameters cost it half a second).
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('unit_id')}, {quote('problem')} FROM {quote(Item._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('campaign_id')} = %s AND {quote('unit_id')} = ANY(%s) "
            f"AND {quote('problem')} = ANY(%s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [campaign.pk, unit_ids, problems])
            return {(unit, problem.strip()) for unit, problem in cursor.fetchall()}
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
    return filed


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
