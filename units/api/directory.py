"""The unit directory through the API: read out (名录) and synchronised in (名录同步).

The read is the units a caller may see: a client's subtree (the whole county when it has
none), a person's units as the pages show them (`units_visible_to`). The sync runs the
Excel imports' own resources (units.resources) over the posted rows, so every cell is
cleaned, checked and written by the same rules, services and Chinese messages as an
uploaded sheet: all or nothing, unchanged rows skipped. A client limited to a subtree
looks up, creates and changes only inside it, as a person's import stays in their
jurisdiction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from units.excel.report import group_problems, import_problems
from units.excel.widgets import PersonWidget, UnitCodeWidget
from units.models import IntegrationClient, Responsibility, Unit
from units.resources import (
    PersonResource,
    ResponsibilityResource,
    UnitResource,
    ZuofengResource,
    with_parent_code,
)
from units.selectors import units_visible_to
from units.types import AnyUser

logger = logging.getLogger(__name__)

MAX_ROWS = 5000  # rows per request: a county's whole directory fits in one or two


# --- Read -----------------------------------------------------------------------------------


def directory_units(*, client: IntegrationClient | None, user: AnyUser) -> QuerySet[Unit]:
    """The directory as the caller may read it, ordered by the tree (stable: paths are
    unique), each unit with its parent's code and its current responsibilities."""
    units = (
        Unit.objects.filter(client.subtree_q(""))
        if client is not None
        else units_visible_to(user=user)
    )
    current = (
        Responsibility.objects.current()
        .select_related("person")
        .order_by("role", "start_date", "pk")
    )
    return with_parent_code(
        units.select_related("group")
        .prefetch_related(Prefetch("responsibilities", queryset=current, to_attr="current"))
        .order_by("path")
    )


# --- Sync: the Excel resources, limited to the client's subtree ----------------------------


class _InSubtree:
    """Wraps a unit or cadre lookup: outside the client's subtree it is unknown, with the
    message the lookup gives for a code or a name it cannot find."""

    def __init__(self, widget: Any, root: Unit) -> None:
        self.widget = widget
        self.root = root

    def __getattr__(self, name: str) -> Any:
        return getattr(self.widget, name)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        found = self.widget.clean(value, row, **kwargs)
        if found is None:
            return None
        if isinstance(found, Unit):
            if not found.path.startswith(self.root.path):
                raise ValueError(_("Unknown unit code: %(value)s") % {"value": found.code})
        elif found.unit is None or not found.unit.path.startswith(self.root.path):
            raise ValueError(
                _("No cadre “%(name)s”; import the cadres first.") % {"name": found.name}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return self.widget.render(value, obj, **kwargs)


class _ClientScoped(ZuofengResource):
    """A resource run for an integration client: lookups without a person's scope (as a
    command-line import), then narrowed to the client's subtree when it has one."""

    subtree_prefix = "unit__"

    def __init__(self, *, client: IntegrationClient, **kwargs: Any) -> None:
        self.client = client
        super().__init__(user=None, **kwargs)
        root = client.unit
        if root is not None:
            for field in self.fields.values():
                if isinstance(field.widget, UnitCodeWidget | PersonWidget):
                    field.widget = _InSubtree(field.widget, root)

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().filter(self.client.subtree_q(self.subtree_prefix))


class UnitSync(_ClientScoped, UnitResource):
    subtree_prefix = ""

    def scope_units(self) -> QuerySet[Unit]:
        return Unit.objects.filter(self.client.subtree_q(""))

    def sees_all(self) -> bool:
        return self.client.unit_id is None


class PersonSync(_ClientScoped, PersonResource):
    pass


class ResponsibilitySync(_ClientScoped, ResponsibilityResource):
    pass


@dataclass(frozen=True)
class Kind:
    resource: type[ZuofengResource]
    label: str  # the sheet's name, for the log


KINDS: dict[str, Kind] = {
    "units": Kind(UnitSync, "单位"),
    "people": Kind(PersonSync, "干部"),
    "responsibilities": Kind(ResponsibilitySync, "责任"),
}


def sync_fields(kind: str) -> list[str]:
    """The row keys a kind accepts: the Excel resource's columns, by attribute name."""
    resource = KINDS[kind].resource
    return list(resource._meta.fields or ())


def sync_columns(kind: str) -> dict[str, str]:
    """Row key → the Excel column it stands for (单位编码 …)."""
    fields = KINDS[kind].resource.fields
    return {name: fields[name].column_name for name in sync_fields(kind)}


@dataclass(frozen=True)
class SyncResult:
    kind: str
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class RowsRefused(Exception):
    """Some rows are wrong: nothing was saved. `problems` as units.excel.report lists them
    (row: the index in the posted list; column: the Excel column), with `field` added."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems

    @property
    def grouped(self) -> list[dict[str, Any]]:
        return group_problems(self.problems)


def _cell(value: Any) -> Any:
    # What a spreadsheet cell may hold; anything else is refused as the cell's problem.
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(_("Give text or a number."))


def _dataset(kind: str, rows: list[dict[str, Any]]) -> tablib.Dataset:
    """The rows as the sheet the Excel import reads: a column for every key any row gives
    (a key given nowhere is a column left out: its values stay as they are)."""
    columns = sync_columns(kind)
    problems: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        for key in row:
            if key not in columns:
                problems.append(
                    {
                        "row": index,
                        "field": key,
                        "column": "",
                        "message": _("Unknown field “%(field)s”; the fields are: %(fields)s.")
                        % {"field": key, "fields": ", ".join(columns)},
                    }
                )
            else:
                try:
                    _cell(row[key])
                except ValueError as exc:
                    problems.append(
                        {"row": index, "field": key, "column": columns[key], "message": str(exc)}
                    )
    if problems:
        raise RowsRefused(problems)
    given = [key for key in columns if any(key in row for row in rows)]
    dataset = tablib.Dataset(headers=[columns[key] for key in given])
    for row in rows:
        dataset.append([row.get(key) for key in given])
    # Already located (units.excel.reader's convention): row numbers are the list's indexes.
    dataset.header_row = 1  # type: ignore[attr-defined]
    dataset.excel_rows = list(range(len(rows)))  # type: ignore[attr-defined]
    return dataset


def directory_sync(
    *, client: IntegrationClient, kind: str, rows: list[dict[str, Any]]
) -> SyncResult:
    """名录同步: one kind's rows through its Excel import, all or nothing; rows that change
    nothing are counted as unchanged, so the same rows sent twice change nothing."""
    if not client.has_scope(IntegrationClient.Scope.SYNC_DIRECTORY):
        raise ValidationError(_("This API key may not do this."))
    if kind not in KINDS:
        raise ValueError(f"unknown directory kind: {kind!r}")
    dataset = _dataset(kind, rows)
    resource = KINDS[kind].resource(client=client)
    result = resource.import_data(dataset, dry_run=False, use_transactions=True)
    problems = import_problems(result, resource.excel_row)
    if problems:
        fields = {column: key for key, column in sync_columns(kind).items()}
        raise RowsRefused(
            [{**problem, "field": fields.get(problem["column"], "")} for problem in problems]
        )
    totals = result.totals
    outcome = SyncResult(
        kind=kind, created=totals["new"], updated=totals["update"], unchanged=totals["skip"]
    )
    logger.info(
        "directory sync by %s: %s %d created, %d updated, %d unchanged",
        client.name,
        KINDS[kind].label,
        outcome.created,
        outcome.updated,
        outcome.unchanged,
    )
    return outcome
