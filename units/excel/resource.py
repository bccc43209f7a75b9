"""The shared resource: all-or-nothing imports through services, Chinese row errors.

Columns carry Chinese headers because the files are written and read by clerks in Excel.
The headers are a file format, not interface text, so they are plain strings: translating
them would break every sheet already filled in. Headers are read through `cell_text`, so
a header typed with stray spaces or saved as a number still matches.

Every import is all or nothing: one bad row and the whole file is rolled back, with each
row's problem reported in Chinese against its Excel row number. Rows are written through
the app's services (`write`), never saved directly (STYLE rule 7).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from units.excel.cells import cell_text, neutralise_formula
from units.excel.reader import locate
from units.excel.widgets import ScopedWidget
from units.selectors import user_sees_all_units

logger = logging.getLogger(__name__)


def adopt_saved_state(saved: models.Model, target: models.Model) -> None:
    """Copy what a service saved onto the object the caller holds (import row, admin form)."""
    if saved is target:
        return
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


def sees_all_units(user: Any) -> bool:
    """Whether the user's unit scope is unrestricted (None: a command-line import)."""
    return user is None or user_sees_all_units(user=user)


class ZuofengResource(resources.ModelResource):
    """All-or-nothing imports through services, Chinese row errors, formula-safe exports.

    Subclasses declare `required_headers` (columns the file must have), `required_fields`
    (values a row must give), `snapshot_fields` (what an update is compared against) and
    implement `write(instance, is_create, actor=...)` by calling services.

    Pass `user=` to scope lookups and exports to the units that user may see; the admin
    does. Without a user (shell, tests) everything is visible.
    """

    required_headers: tuple[str, ...] = ()
    required_fields: tuple[str, ...] = ()
    snapshot_fields: tuple[str, ...] = ()

    class Meta:
        use_transactions = True
        # Not a ResourceOptions option: import_data below honours it for every caller,
        # including the admin's confirm step, which does not ask for it.
        rollback_on_validation_errors = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = False

    def __init__(self, *, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self._excel_rows: list[int] | None = None
        self.header_row = 1
        # The preview: each row to add or change, its cells as they will be filed and the
        # columns an update changes (collected on a dry run only).
        self.preview_rows: list[dict[str, Any]] = []
        self._row_changes: list[str] | None = None
        self._row_instance: Any = None
        self._before: dict[Any, dict[str, Any]] = {}
        self._bind_widgets()

    def _bind_widgets(self) -> None:
        # self.fields is a per-instance deep copy, so this does not leak between requests.
        for field in self.fields.values():
            if isinstance(field.widget, ScopedWidget):
                field.widget.user = self.user

    # Import ---------------------------------------------------------------------------

    def import_data(  # type: ignore[override]
        self,
        dataset: Any,
        dry_run: bool = False,
        raise_errors: bool = False,
        use_transactions: bool | None = None,
        collect_failed_rows: bool = False,
        rollback_on_validation_errors: bool = False,
        **kwargs: Any,
    ) -> Any:
        if self.user is None and kwargs.get("user") is not None:
            self.user = kwargs["user"]
            self._bind_widgets()
        rollback = rollback_on_validation_errors or bool(
            getattr(self._meta, "rollback_on_validation_errors", False)
        )
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=rollback,
            **kwargs,
        )

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Find the header (below any title rows), drop blank lines, reorder, check columns."""
        if getattr(dataset, "header_row", None):
            # Already located by units.excel.reader.read_table.
            headers = list(dataset.headers)
            numbered = list(zip(dataset.excel_rows, (tuple(row) for row in dataset), strict=True))
            self.header_row = dataset.header_row
        else:
            if dataset.headers is None:
                raise ValidationError(_("The file has no header row."))
            grid = [list(dataset.headers), *(list(row) for row in dataset)]
            try:
                table = locate(
                    grid,
                    expected=[field.column_name for field in self.fields.values()],
                    required=self.required_headers,
                )
            except ValidationError:
                # No row is checked against a header that is not there.
                del dataset[:]
                raise
            headers = table.headers
            numbered = [(number, tuple(row)) for number, row in table.rows]
            self.header_row = table.header_row
        numbered = self.order_rows(numbered, headers)
        del dataset[:]
        dataset.headers = headers
        for _number, row in numbered:
            dataset.append(row)
        self._excel_rows = [number for number, _row in numbered]
        missing = [column for column in self.required_headers if column not in headers]
        if missing:
            del dataset[:]
            raise ValidationError(
                _("The file lacks required columns: %(columns)s.") % {"columns": "、".join(missing)}
            )

    def excel_row(self, row_number: int) -> int:
        """The sheet's row number of the dataset's `row_number`-th row (1-based)."""
        if self._excel_rows and 0 < row_number <= len(self._excel_rows):
            return self._excel_rows[row_number - 1]
        return row_number

    def order_rows(
        self, numbered: list[tuple[int, tuple[Any, ...]]], headers: list[str]
    ) -> list[tuple[int, tuple[Any, ...]]]:
        return numbered

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        # Report rows by their line in the user's sheet, whatever order they ran in.
        if self._excel_rows:
            for row in [*result.invalid_rows, *result.error_rows]:
                row.number = self.excel_row(row.number)
            result.invalid_rows.sort(key=lambda row: row.number)

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def after_init_instance(self, instance: Any, new: bool, row: Any, **kwargs: Any) -> None:
        if not new:
            self._before[instance.pk] = {
                name: getattr(instance, name, None) for name in self.snapshot_fields
            }

    def changed(self, instance: Any, names: tuple[str, ...]) -> list[str]:
        """Which of `names` (attribute names) the row changed on an existing instance."""
        before = self._before.get(instance.pk, {})
        return [name for name in names if getattr(instance, name, None) != before.get(name)]

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, ValidationError] = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as exc:
                errors[field.column_name] = ValidationError(str(exc), code="invalid")
        for name in self.required_fields:
            field = self.fields[name]
            if field.column_name not in errors and field.get_value(instance) in (None, ""):
                errors[field.column_name] = ValidationError(
                    _("%(column)s is required.") % {"column": field.column_name}, code="required"
                )
        if errors:
            raise ValidationError(errors)
        if kwargs.get("dry_run"):
            self._row_instance = instance
            self._row_changes = (
                [
                    self.column_for(name.removesuffix("_id"))
                    for name in self.changed(instance, self.snapshot_fields)
                ]
                if instance.pk in self._before
                else None
            )

    def preview_columns(self) -> list[Field]:
        """The columns the preview shows: what the file fills in."""
        return [
            field for field in self.get_import_fields() if field.column_name and not field.readonly
        ]

    def after_import_row(self, row: Any, row_result: Any, **kwargs: Any) -> None:
        super().after_import_row(row, row_result, **kwargs)
        instance, self._row_instance = self._row_instance, None
        if not kwargs.get("dry_run") or instance is None:
            return
        if row_result.import_type not in ("new", "update"):
            return
        cells = []
        for field in self.preview_columns():
            try:
                value = field.export(instance)
            except Exception:  # a related value not loaded on a new row: show the cell
                value = row.get(field.column_name, "")
            cells.append(cell_text(value))
        self.preview_rows.append(
            {
                "row": self.excel_row(kwargs.get("row_number", 0)),
                "kind": row_result.import_type,
                "cells": cells,
                "changed": self._row_changes or [],
            }
        )

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            # Nothing may be written, and nothing written could be undone.
            return
        actor = kwargs.get("user") or self.user
        try:
            # A savepoint per row: a database refusal undoes only this row's writes and the
            # rest of the file can still be checked and reported.
            with transaction.atomic(using=self.get_db_connection_name()):
                saved = self.write(instance, is_create, actor=actor)
        except ValidationError as exc:
            raise self.row_error(exc) from exc
        except IntegrityError as exc:
            logger.info("import row refused by the database: %s", exc)
            raise ValidationError(
                _(
                    "Could not save: conflicts with existing data; check for duplicate codes, phone numbers or login accounts."
                )
            ) from exc
        adopt_saved_state(saved, instance)

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> models.Model:
        raise NotImplementedError

    def row_error(self, exc: ValidationError) -> ValidationError:
        """A service's ValidationError, keyed by the file's column headers."""
        if not hasattr(exc, "error_dict"):
            return exc
        return ValidationError(
            {self.column_for(key): errors for key, errors in exc.error_dict.items()}
        )

    def column_for(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return name
        for field in self.fields.values():
            if field.attribute == name:
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            return name

    # Export ---------------------------------------------------------------------------

    def export_field(self, field: Field, instance: Any, **kwargs: Any) -> Any:
        return neutralise_formula(super().export_field(field, instance, **kwargs))
