"""整改台账 out to Excel, with the Chinese headers units already use; and back in.

An exported ledger re-imports cleanly (its title row included). The import itself is
campaign.ledger_import (one loop over the rows, no resource machinery per row);
`LedgerResource.import_data` runs it for callers that hold a tablib Dataset and answers
with an import-export Result, so that both kinds of caller see the same checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy
from import_export import widgets
from import_export.fields import Field
from import_export.results import Error, InvalidRow, Result

from campaign import selectors
from campaign.ledger_import import (
    EDITABLE,
    PREVIEW_COLUMNS,
    REQUIRED_HEADERS,
    LedgerImport,
    ledger_import,
)
from campaign.models import ITEM_COLUMNS, Campaign, RectificationItem
from units.excel.cells import neutralise_formula
from units.excel.reader import Table
from units.resources import ChoiceWidget, DateWidget, TextWidget, ZuofengResource

if TYPE_CHECKING:
    from django.db.models import QuerySet

Item = RectificationItem


class IdWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value  # a number in the sheet, not text with Excel's green corner
        return "" if value is None else str(value)


class CodeOfWidget(widgets.Widget):
    """A unit shown by its code."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value is not None else ""


class NameOfWidget(widgets.Widget):
    """A problem category shown by its name."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value is not None else ""


class YesNoWidget(widgets.Widget):
    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "是" if value else "否"


def _column(name: str, header: str) -> Field:
    """The ledger column of an item field, its widget chosen by the model field's kind."""
    field = Item._meta.get_field(name)
    widget: widgets.Widget
    if name == "category":
        widget = NameOfWidget()
    elif field.choices:
        choices = SimpleNamespace(
            values=[code for code, _label in field.choices], choices=field.choices
        )
        widget = ChoiceWidget(choices, unknown="")  # type: ignore[arg-type]
    elif isinstance(field, models.BooleanField):
        widget = YesNoWidget()
    elif isinstance(field, models.DateField):
        widget = DateWidget()
    else:
        widget = TextWidget(max_length=field.max_length or 4000)  # type: ignore[attr-defined]
    return Field(attribute=name, column_name=header, widget=widget)


class LedgerResource(ZuofengResource):
    id = Field(attribute="id", column_name="编号", widget=IdWidget())
    unit = Field(attribute="unit", column_name="单位编码", widget=CodeOfWidget())
    unit_name = Field(attribute="unit__name", column_name="单位名称", readonly=True)
    # One column per item field a unit fills in, headed as ITEM_COLUMNS says.
    locals().update({name: _column(name, header) for name, header in ITEM_COLUMNS.items()})
    status = Field(
        attribute="status",
        column_name="状态",
        readonly=True,
        widget=ChoiceWidget(Item.Status, unknown=gettext_lazy("Unknown status: %(value)s")),
    )

    required_headers = REQUIRED_HEADERS
    snapshot_fields = EDITABLE

    class Meta(ZuofengResource.Meta):
        model = Item
        name = "整改台账"
        fields = ("id", "unit", "unit_name", *ITEM_COLUMNS, "status")
        import_id_fields = ["id"]

    def __init__(
        self,
        *,
        campaign: Campaign,
        user: Any = None,
        skip_duplicates: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(user=user, **kwargs)
        self.campaign = campaign
        self.skip_duplicates = skip_duplicates
        # Excel rows of new items already in the ledger (or earlier in the file).
        self.duplicates: list[int] = []
        self.filed = 0

    def import_data(  # type: ignore[override]
        self, dataset: Any, dry_run: bool = False, raise_errors: bool = False, **kwargs: Any
    ) -> Result:
        """campaign.ledger_import on a Dataset, answered as import-export's Result."""
        actor = kwargs.get("user") or self.user
        if getattr(dataset, "header_row", None):
            # Already located by units.excel.reader.read_table.
            table = Table(
                headers=list(dataset.headers),
                rows=list(zip(dataset.excel_rows, (list(row) for row in dataset), strict=True)),
                header_row=dataset.header_row,
            )
            report = ledger_import(
                campaign=self.campaign,
                actor=actor,
                table=table,
                dry_run=dry_run,
                skip_duplicates=self.skip_duplicates,
            )
        else:
            grid = [list(dataset.headers or []), *(list(row) for row in dataset)]
            report = ledger_import(
                campaign=self.campaign,
                actor=actor,
                grid=grid,
                dry_run=dry_run,
                skip_duplicates=self.skip_duplicates,
            )
        self.header_row = report.header_row
        self.preview_rows = report.rows
        self.duplicates = report.duplicates
        self.filed = report.filed
        return self._result(report)

    @staticmethod
    def _result(report: LedgerImport) -> Result:
        result = Result()
        by_row: dict[int, dict[str, list[str]]] = {}
        for problem in report.problems:
            if problem["row"] in ("", None):
                result.append_base_error(Error(ValidationError(problem["message"])))
                continue
            column = problem["column"] or NON_FIELD_ERRORS
            by_row.setdefault(problem["row"], {}).setdefault(column, []).append(problem["message"])
        for number, errors in sorted(by_row.items()):
            result.invalid_rows.append(InvalidRow(number, ValidationError(errors), ()))
        result.totals.update(report.totals)
        return result

    def preview_columns(self) -> list[Field]:
        """The columns the preview shows: what the file fills in, with the unit's name."""
        by_header = {field.column_name: field for field in self.fields.values()}
        return [by_header[header] for header in PREVIEW_COLUMNS]

    def get_queryset(self) -> QuerySet[RectificationItem]:
        scope = Q() if self.user is None else Q(pk__in=selectors.items_visible_to(user=self.user))
        return Item.objects.filter(scope, campaign=self.campaign).select_related("unit", "category")

    def filter_export(
        self, queryset: QuerySet[RectificationItem], **kwargs: Any
    ) -> QuerySet[RectificationItem]:
        return queryset.select_related("unit", "category")


# --- The export, streamed ------------------------------------------------------------------
# The ledger's columns as LedgerResource renders them, read as plain values from one query
# (the unit and the category joined in SQL, a server-side cursor): no model instances and
# no dataset of every row, so a province's 500 000 items cost the memory of one chunk.
# tests/campaign/test_ledger_export.py holds these rows to the resource's, cell by cell.

LEDGER_HEADERS: list[str] = ["编号", "单位编码", "单位名称", *ITEM_COLUMNS.values(), "状态"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _native(value: Any) -> Any:
    return value


def _yes_no(value: Any) -> str:
    return "是" if value else "否"


def _labels(choices: Any) -> Callable[[Any], str]:
    labels = {code: str(label) for code, label in choices}
    return lambda value: labels.get(value, str(value)) if value else ""


def _export_column(name: str) -> tuple[str, Callable[[Any], Any]]:
    """The value a column reads (a lookup) and how it is shown, as `_column`'s widget shows it."""
    if name == "category":
        return "category__name", _text
    field: Any = Item._meta.get_field(name)
    if field.choices:
        return name, _labels(field.choices)
    if isinstance(field, models.BooleanField):
        return name, _yes_no
    if isinstance(field, models.DateField):
        return name, _native  # a date cell
    return name, _text


def ledger_rows(
    items: QuerySet[RectificationItem], *, chunk_size: int = 2000
) -> Iterator[list[Any]]:
    """The ledger's export rows (headed LEDGER_HEADERS) of `items`, in their order, streamed."""
    columns = [
        ("id", _native),
        ("unit__code", _text),
        ("unit__name", _native),
        *(_export_column(name) for name in ITEM_COLUMNS),
        ("status", _labels(Item.Status.choices)),
    ]
    lookups = [lookup for lookup, _show in columns]
    shows = [show for _lookup, show in columns]
    for values in items.values_list(*lookups).iterator(chunk_size=chunk_size):
        yield [neutralise_formula(show(value)) for show, value in zip(shows, values, strict=True)]
