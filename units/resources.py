"""Excel in and out for the organisation: units, people and responsibilities.

Columns carry Chinese headers because the files are written and read by clerks in Excel.
The headers are a file format, not interface text, so they are plain strings: translating
them would break every sheet already filled in.

Every import is all or nothing: one bad row and the whole file is rolled back, with each
row's problem reported in Chinese against its Excel row number. Rows are written through
units.services, never saved directly (STYLE rule 7).
"""

from __future__ import annotations

import datetime
import io
import logging
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats.base_formats import XLSX

from units import services
from units.models import AssessmentGroup, Person, Responsibility, Unit, UnitQuerySet
from units.selectors import people_visible_to, unit_scope_q, user_sees_all_units

if TYPE_CHECKING:
    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# A cell starting with one of these is run as a formula by Excel, LibreOffice and WPS
# (OWASP "CSV injection"). import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only
# strips a leading "=" (and turns every cell into text), so exports escape here instead.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_MAX_COUNT = 2_147_483_647  # PositiveIntegerField's ceiling on every database


def neutralise_formula(value: Any) -> Any:
    """Prefix an apostrophe to text a spreadsheet would otherwise evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_text(value: Any) -> str:
    """A cell as trimmed text, undoing what Excel and our own exports do to it.

    Excel stores codes and phone numbers typed as numbers (1001 may come back as 1001.0),
    and our exports prefix an apostrophe to formula-like text: both are reversed so that
    an exported file imports back unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
        text = text[1:]
    return text


# Every Excel import reads the whole sheet: refuse, before parsing, a workbook that
# unpacks to more than this (a "zip bomb" of a few hundred KB can hold gigabytes of XML)
# or that has more rows than any real ledger, hotline export or unit list.
XLSX_MAX_UNPACKED = 50 * 1024 * 1024
XLSX_MAX_ROWS = 20_000


def check_xlsx_upload(upload: Any) -> None:
    """Refuse an .xlsx that would inflate hugely or has too many rows (before parsing it).

    Not-a-zip files pass through: each importer reports them in its own words.
    """
    import zipfile

    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        if not zipfile.is_zipfile(upload):
            return
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > XLSX_MAX_UNPACKED:
                raise ValidationError(
                    _("The workbook unpacks to more than %(mb)d MB and cannot be imported.")
                    % {"mb": XLSX_MAX_UNPACKED // (1024 * 1024)}
                )
            rows = 0
            for member in members:
                if not member.filename.startswith("xl/worksheets/"):
                    continue
                with archive.open(member) as stream:
                    tail = b""
                    while chunk := stream.read(1024 * 1024):
                        rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                        tail = chunk[-4:]
            if rows > XLSX_MAX_ROWS + 1:  # the header row
                raise ValidationError(
                    _(
                        "The workbook has more than %(max)s rows; split it into smaller files "
                        "and import them one by one."
                    )
                    % {"max": XLSX_MAX_ROWS}
                )
    except zipfile.BadZipFile:
        return
    finally:
        upload.seek(position)


class CalamineXLSX(XLSX):
    """.xlsx read with python-calamine (Rust) instead of openpyxl's read-only mode.

    Some twenty times faster: openpyxl took a quarter of a millisecond a row, most of the
    time of a large ledger import. Formula cells give their last computed value, as with
    openpyxl's data_only. The first sheet is read, from its first row (the header) on, so
    that rows keep the numbers Excel shows. Call check_xlsx_upload first.
    """

    def create_dataset(self, in_stream: Any) -> tablib.Dataset:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(in_stream))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        dataset = tablib.Dataset()
        if rows:
            dataset.headers = rows[0]
            dataset.extend(rows[1:])
        return dataset


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


# --- Widgets: one cell <-> one value, with Chinese errors ---------------------------------
# A widget raises ValueError; the resource files it under the column's header.


class TextWidget(widgets.Widget):
    def __init__(self, *, max_length: int | None = None) -> None:
        super().__init__(coerce_to_string=True)
        self.max_length = max_length

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if self.max_length is not None and len(text) > self.max_length:
            raise ValueError(
                _("Too long: at most %(max)d characters, found %(length)d.")
                % {"max": self.max_length, "length": len(text)}
            )
        return text

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class EmailWidget(TextWidget):
    def __init__(self) -> None:
        super().__init__(max_length=254)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = super().clean(value, row, **kwargs)
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValueError(_("Invalid e-mail address: %(value)s") % {"value": text}) from None
        return text


class CountWidget(widgets.Widget):
    """A non-negative whole number; blank means 0."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int:
        text = cell_text(value)
        if not text:
            return 0
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if (
            not number.is_finite()
            or number != number.to_integral_value()
            or not 0 <= number <= _MAX_COUNT
        ):
            raise ValueError(
                _("“%(value)s” is not a valid non-negative integer.") % {"value": text}
            )
        return int(number)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class DateWidget(widgets.Widget):
    """Dates as clerks type them, or a real Excel date cell."""

    FORMATS = (
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y年%m月%d日",
        "%Y%m%d",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
    )
    _EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            day = self._from_number(value)
            if day is not None:
                return day
        text = cell_text(value)
        if not text:
            return None
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(
            _("Unrecognised date “%(value)s”; write it as 2026-03-01 or 2026/3/1.")
            % {"value": text}
        )

    def _from_number(self, value: float) -> datetime.date | None:
        # A date cell read without its number format arrives as Excel's serial day number.
        if 0 < value <= self._EXCEL_MAX_SERIAL:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        return None  # e.g. 20260301 typed as a number: parsed as text below

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label (部门) or its stored code (department)."""

    def __init__(self, choices: type[models.TextChoices], unknown: Any) -> None:
        super().__init__()
        self.choices = choices
        self.unknown = unknown

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value)
        if not text or text in self.choices.values:
            return text
        # Labels are looked up at call time: they are translated strings.
        by_label = {str(label): code for code, label in self.choices.choices}
        if text in by_label:
            return by_label[text]
        raise ValueError(str(self.unknown) % {"value": text})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if not value:
            return ""
        labels = dict(self.choices.choices)
        return str(labels.get(value, value))


class ScopedWidget(widgets.Widget):
    """A widget that looks rows up among what the importing user may see."""

    user: Any = None


class GroupWidget(widgets.Widget):
    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, AssessmentGroup] = {}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> AssessmentGroup | None:
        name = cell_text(value)
        if not name:
            return None
        if name not in self._cache:
            group = AssessmentGroup.objects.filter(name=name).first()
            if group is None:
                raise ValueError(_("Unknown assessment group: %(value)s") % {"value": name})
            self._cache[name] = group
        return self._cache[name]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value is not None else ""


class UnitCodeWidget(ScopedWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Unit | None:
        code = cell_text(value)
        if not code:
            return None
        unit = visible_units(self.user).filter(code=code).first()
        if unit is None:
            raise ValueError(_("Unknown unit code: %(value)s") % {"value": code})
        return unit

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value is not None else ""


class UserWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        username = cell_text(value)
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise ValueError(_("Unknown login account: %(value)s") % {"value": username})
        return user

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.get_username() if value is not None else ""


class PersonWidget(ScopedWidget):
    """A person by 姓名, told apart from namesakes by the row's 手机号."""

    def __init__(self, *, phone_column: str) -> None:
        super().__init__()
        self.phone_column = phone_column

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Person | None:
        name = cell_text(value)
        if not name:
            return None
        phone = cell_text((row or {}).get(self.phone_column))
        people = visible_people(self.user).filter(name=name)
        if phone:
            people = people.filter(phone=phone)
        found = list(people[:2])
        if not found:
            if phone:
                raise ValueError(
                    _("No cadre “%(name)s” with phone %(phone)s; import the cadres first.")
                    % {"name": name, "phone": phone}
                )
            raise ValueError(_("No cadre “%(name)s”; import the cadres first.") % {"name": name})
        if len(found) > 1:
            raise ValueError(
                _(
                    "Several cadres are called “%(name)s”; fill in the phone number to tell them apart."
                )
                % {"name": name}
            )
        return found[0]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value is not None else ""


def visible_units(user: Any) -> UnitQuerySet:
    return Unit.objects.get_queryset() if user is None else Unit.objects.visible_to(user)


def visible_people(user: Any) -> QuerySet[Person]:
    return Person.objects.all() if user is None else people_visible_to(user=user)


# --- The shared resource ----------------------------------------------------------------


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
        """Tidy headers, drop blank lines, let subclasses reorder, check the columns."""
        if dataset.headers is None:
            raise ValidationError(_("The file has no header row."))
        headers = [cell_text(header) for header in dataset.headers]
        # Excel row numbers: the header is row 1.
        numbered = [
            (number, tuple(row))
            for number, row in enumerate(dataset, start=2)
            if any(cell_text(value) for value in row)
        ]
        numbered = self.order_rows(numbered, headers)
        del dataset[:]
        dataset.headers = headers
        for _number, row in numbered:
            dataset.append(row)
        self._excel_rows = [number for number, _row in numbered]
        missing = [column for column in self.required_headers if column not in headers]
        if missing:
            raise ValidationError(
                _("The file lacks required columns: %(columns)s.") % {"columns": "、".join(missing)}
            )

    def order_rows(
        self, numbered: list[tuple[int, tuple[Any, ...]]], headers: list[str]
    ) -> list[tuple[int, tuple[Any, ...]]]:
        return numbered

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        # Report rows by their line in the user's sheet, whatever order they ran in.
        if self._excel_rows:
            for row in [*result.invalid_rows, *result.error_rows]:
                if 0 < row.number <= len(self._excel_rows):
                    row.number = self._excel_rows[row.number - 1]
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


def _values(instance: Any, attnames: list[str]) -> dict[str, Any]:
    """Service keyword arguments for changed attributes ("group_id" is passed as group=)."""
    names = [attname.removesuffix("_id") for attname in attnames]
    return {name: getattr(instance, name) for name in names}


# --- Units --------------------------------------------------------------------------------


def with_parent_code(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate `parent_code` in the same query: the parent's path is ours minus one step."""
    if "parent_code" in queryset.query.annotations:
        return queryset
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Unit.steplen)
    parent = Unit.objects.filter(path=parent_path).order_by().values("code")[:1]
    return queryset.annotate(parent_code=Coalesce(Subquery(parent), Value("")))


class UnitResource(ZuofengResource):
    code = Field(attribute="code", column_name="单位编码", widget=TextWidget(max_length=32))
    name = Field(attribute="name", column_name="单位名称", widget=TextWidget(max_length=128))
    short_name = Field(attribute="short_name", column_name="简称", widget=TextWidget(max_length=64))
    kind = Field(
        attribute="kind",
        column_name="单位类型",
        widget=ChoiceWidget(Unit.Kind, unknown=gettext_lazy("Unknown unit type: %(value)s")),
    )
    parent_code = Field(
        attribute="parent_code", column_name="上级单位编码", widget=TextWidget(max_length=32)
    )
    group = Field(attribute="group", column_name="考核组别", widget=GroupWidget())
    sort_order = Field(attribute="sort_order", column_name="排序", widget=CountWidget())

    required_headers = ("单位编码",)
    required_fields = ("code", "name", "kind")
    snapshot_fields = ("name", "short_name", "kind", "group_id", "sort_order", "parent_code")

    class Meta(ZuofengResource.Meta):
        model = Unit
        name = "单位"
        fields = ("code", "name", "short_name", "kind", "parent_code", "group", "sort_order")
        import_id_fields = ["code"]

    def get_queryset(self) -> QuerySet[Unit]:
        return with_parent_code(visible_units(self.user).select_related("group"))

    def filter_export(self, queryset: QuerySet[Unit], **kwargs: Any) -> QuerySet[Unit]:
        return with_parent_code(queryset.select_related("group"))

    def order_rows(
        self, numbered: list[tuple[int, tuple[Any, ...]]], headers: list[str]
    ) -> list[tuple[int, tuple[Any, ...]]]:
        """Parents before children, so a parent may appear anywhere in the file."""
        code_header, parent_header = self.fields["code"].column_name, "上级单位编码"
        if code_header not in headers or parent_header not in headers:
            return numbered
        code_at, parent_at = headers.index(code_header), headers.index(parent_header)
        parent_of: dict[str, str] = {}
        for _number, row in numbered:
            parent_of.setdefault(cell_text(row[code_at]), cell_text(row[parent_at]))

        def depth_in_file(code: str) -> int:
            depth, seen = 0, {code}
            parent = parent_of.get(code, "")
            while parent in parent_of and parent not in seen:  # a cycle stops the walk
                depth += 1
                seen.add(parent)
                parent = parent_of[parent]
            return depth

        return sorted(numbered, key=lambda item: depth_in_file(cell_text(item[1][code_at])))

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> Unit:
        parent_code = getattr(instance, "parent_code", None) or ""
        if is_create:
            return services.unit_create(
                code=instance.code,
                name=instance.name,
                kind=instance.kind,
                parent=self._parent(parent_code),
                short_name=instance.short_name,
                group=instance.group,
                sort_order=instance.sort_order,
                actor=actor,
            )
        unit = instance
        changed = self.changed(instance, ("name", "short_name", "kind", "group_id", "sort_order"))
        if changed:
            unit = services.unit_update(unit=instance, actor=actor, **_values(instance, changed))
        if "parent_code" in self.changed(instance, ("parent_code",)):
            if not parent_code:
                raise ValidationError(
                    {"parent_code": _("An import cannot make an existing unit a top-level unit.")}
                )
            unit = services.unit_move(
                unit=instance, new_parent=self._existing_parent(parent_code), actor=actor
            )
        return unit

    def _parent(self, code: str) -> Unit | None:
        if code:
            return self._existing_parent(code)
        if not sees_all_units(self.user):
            raise ValidationError(
                {
                    "parent_code": _(
                        "You can only add units under units in your jurisdiction; fill in the parent unit code."
                    )
                }
            )
        return None

    def _existing_parent(self, code: str) -> Unit:
        parent = visible_units(self.user).filter(code=code).first()
        if parent is None:
            raise ValidationError(
                {
                    "parent_code": _(
                        "Parent unit code “%(code)s” not found: it is neither in the system nor successfully imported from this file."
                    )
                    % {"code": code}
                }
            )
        return parent


# --- People -------------------------------------------------------------------------------

_PERSON_COLUMNS = ("name", "title", "phone", "email", "unit_id", "user_id")


class PersonResource(ZuofengResource):
    name = Field(attribute="name", column_name="姓名", widget=TextWidget(max_length=64))
    title = Field(attribute="title", column_name="职务", widget=TextWidget(max_length=128))
    phone = Field(attribute="phone", column_name="手机号", widget=TextWidget(max_length=32))
    email = Field(attribute="email", column_name="邮箱", widget=EmailWidget())
    unit = Field(attribute="unit", column_name="所在单位编码", widget=UnitCodeWidget())
    user = Field(attribute="user", column_name="登录账号", widget=UserWidget())

    required_headers = ("姓名", "手机号")
    required_fields = ("name",)
    snapshot_fields = _PERSON_COLUMNS

    class Meta(ZuofengResource.Meta):
        model = Person
        name = "干部"
        fields = ("name", "title", "phone", "email", "unit", "user")
        import_id_fields = ["name", "phone"]

    def get_queryset(self) -> QuerySet[Person]:
        return visible_people(self.user).select_related("unit", "user")

    def filter_export(self, queryset: QuerySet[Person], **kwargs: Any) -> QuerySet[Person]:
        return queryset.select_related("unit", "user")

    def get_instance(self, instance_loader: Any, row: Any) -> Person | None:
        # (姓名, 手机号) identifies a person; people without a phone are matched by name
        # only when that is unambiguous.
        name = cell_text(row.get(self.fields["name"].column_name))
        phone = cell_text(row.get(self.fields["phone"].column_name))
        if not name:
            return None
        found = list(self.get_queryset().filter(name=name, phone=phone)[:2])
        if len(found) > 1:
            raise ValidationError(
                _(
                    "Several cadres called “%(name)s” have no phone number, so it is unclear which to update; fill in the phone number."
                )
                % {"name": name}
            )
        return found[0] if found else None

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> Person:
        if instance.user_id is not None:
            holder = Person.objects.filter(user_id=instance.user_id).exclude(pk=instance.pk)
            other = holder.first()
            if other is not None:
                raise ValidationError(
                    {
                        "user": _(
                            "Login account “%(username)s” is already linked to cadre “%(name)s”."
                        )
                        % {"username": instance.user.get_username(), "name": other.name}
                    }
                )
        if is_create:
            return services.person_create(
                name=instance.name,
                title=instance.title,
                phone=instance.phone,
                email=instance.email,
                unit=instance.unit,
                user=instance.user,
                actor=actor,
            )
        changed = self.changed(instance, _PERSON_COLUMNS)
        if not changed:
            return instance
        return services.person_update(person=instance, actor=actor, **_values(instance, changed))


# --- Responsibilities ---------------------------------------------------------------------


class ResponsibilityResource(ZuofengResource):
    unit = Field(attribute="unit", column_name="单位编码", widget=UnitCodeWidget())
    person = Field(
        attribute="person", column_name="姓名", widget=PersonWidget(phone_column="手机号")
    )
    # Read with 姓名 to find the person; exported from the person.
    phone = Field(
        attribute="person__phone", column_name="手机号", widget=TextWidget(), readonly=True
    )
    role = Field(
        attribute="role",
        column_name="责任类型",
        widget=ChoiceWidget(
            Responsibility.Role, unknown=gettext_lazy("Unknown responsibility type: %(value)s")
        ),
    )
    start_date = Field(
        attribute="start_date",
        column_name="开始日期",
        widget=DateWidget(),
        default=timezone.localdate,  # as responsibility_assign: blank means today
    )
    end_date = Field(attribute="end_date", column_name="结束日期", widget=DateWidget())
    note = Field(attribute="note", column_name="备注", widget=TextWidget(max_length=255))

    required_headers = ("单位编码", "姓名", "责任类型")
    required_fields = ("unit", "person", "role")
    snapshot_fields = ("end_date", "note")

    class Meta(ZuofengResource.Meta):
        model = Responsibility
        name = "责任"
        fields = ("unit", "person", "phone", "role", "start_date", "end_date", "note")
        import_id_fields: list[str] = []  # see get_instance

    def get_queryset(self) -> QuerySet[Responsibility]:
        scope = Q() if self.user is None else unit_scope_q(user=self.user, prefix="unit__")
        return Responsibility.objects.filter(scope).select_related("unit", "person")

    def filter_export(
        self, queryset: QuerySet[Responsibility], **kwargs: Any
    ) -> QuerySet[Responsibility]:
        return queryset.select_related("unit", "person")

    def get_instance(self, instance_loader: Any, row: Any) -> Responsibility | None:
        """The same person, unit, role and start date: the row may only end it."""
        try:
            keys = {
                name: self.fields[name].clean(row)
                for name in ("unit", "person", "role", "start_date")
            }
        except (ValueError, KeyError):
            return None  # import_instance reports the bad cells
        if not all(keys.values()):
            return None
        return self.get_queryset().filter(**keys).first()

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> Responsibility:
        if is_create:
            return services.responsibility_assign(
                person=instance.person,
                unit=instance.unit,
                role=instance.role,
                start_date=instance.start_date,
                end_date=instance.end_date,
                note=instance.note,
                actor=actor,
            )
        changed = self.changed(instance, ("end_date", "note"))
        if "note" in changed:
            raise ValidationError(
                {"note": _("An import cannot change the note of an existing responsibility.")}
            )
        if "end_date" in changed:
            if instance.end_date is None:
                raise ValidationError(
                    {"end_date": _("An import cannot clear an end date already set.")}
                )
            return services.responsibility_end(
                responsibility=instance, end_date=instance.end_date, actor=actor
            )
        return instance
