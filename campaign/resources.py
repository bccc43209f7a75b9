"""整改台账 in and out of Excel, with the Chinese headers units already use.

An exported ledger re-imports cleanly (its title row included): rows carry 编号, unchanged
rows are skipped and changed rows update the item through campaign.services (only drafts
and returned items may change). Rows without 编号 become new draft items, filed together
at the end by services.items_file (a few statements for the whole file, not a dozen per
row). One bad row and nothing is saved. A 长期坚持 row needs no deadline (the campaign's
end date is kept for it; the ledger shows 长期坚持). New rows that repeat an item already
in the ledger (same unit, same problem) are reported as `duplicates`, and left out when
the importer asks for it (`skip_duplicates`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import NOT_PROVIDED, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets
from import_export.fields import Field

from campaign import selectors, services
from campaign.models import ITEM_COLUMNS, Campaign, ProblemCategory, RectificationItem
from units.excel.cells import cell_code
from units.models import Unit
from units.resources import (
    ChoiceWidget,
    DateWidget,
    ScopedWidget,
    TextWidget,
    ZuofengResource,
    cell_text,
    visible_units,
)
from units.selectors import units_actable_by

if TYPE_CHECKING:
    from django.db.models import QuerySet

Item = RectificationItem
# Written in 整改时限 (or 长期坚持) by clerks for an item kept up for good.
LONG_TERM_WORDS = ("长期坚持", "长期", "长期推进", "持续推进", "长期坚持整改")
# What an import compares and may change: the unit and the item fields a unit fills in
# (campaign.models.ITEM_COLUMNS, the one declaration), by attribute name.
_EDITABLE = (
    "unit_id",
    *(f"{name}_id" if Item._meta.get_field(name).is_relation else name for name in ITEM_COLUMNS),
)


class IdWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = cell_code(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(_("“%(value)s” is not a valid item number.") % {"value": text})
        return int(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value  # a number in the sheet, not text with Excel's green corner
        return "" if value is None else str(value)


class CachedUnitWidget(ScopedWidget):
    """A unit by its code among the units the importer may act for (looked up once)."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, Unit | None] = {}

    def prime(self, codes: set[str]) -> None:
        """Look up every code of the file at once (a province file names thousands)."""
        found = {unit.code: unit for unit in visible_units(self.user).filter(code__in=codes)}
        self._cache.update({code: found.get(code) for code in codes})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Unit | None:
        code = cell_code(value)
        if not code:
            return None
        if code not in self._cache:
            self._cache[code] = visible_units(self.user).filter(code=code).first()
        unit = self._cache[code]
        if unit is None:
            raise ValueError(_("Unknown unit code: %(value)s") % {"value": code})
        return unit

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value is not None else ""


class CategoryWidget(widgets.Widget):
    """A problem category by its Chinese name or its code."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, ProblemCategory] | None = None

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> ProblemCategory | None:
        text = cell_text(value)
        if not text:
            return None
        if self._cache is None:
            self._cache = {}
            for category in ProblemCategory.objects.all():
                self._cache.setdefault(category.code, category)
                self._cache.setdefault(category.name, category)
        if text not in self._cache:
            raise ValueError(_("Unknown problem category: %(value)s") % {"value": text})
        return self._cache[text]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value is not None else ""


class YesNoWidget(widgets.Widget):
    YES = ("是", "Y", "YES", "TRUE", "1", "√", "✓", "长期坚持", "长期")
    NO = ("否", "N", "NO", "FALSE", "0", "")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = cell_code(value).upper()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": text})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "是" if value else "否"


class _Unknown:
    """“Unknown 清单类型: x”, worded when shown (ChoiceWidget fills in the value)."""

    def __init__(self, header: str) -> None:
        self.header = header

    def __str__(self) -> str:
        return _("Unknown %(column)s: %%(value)s") % {"column": self.header}


def _column(name: str, header: str) -> Field:
    """The ledger column of an item field, its widget chosen by the model field's kind."""
    field = Item._meta.get_field(name)
    widget: widgets.Widget
    if name == "category":
        widget = CategoryWidget()
    elif field.choices:
        choices = SimpleNamespace(
            values=[code for code, _label in field.choices], choices=field.choices
        )
        widget = ChoiceWidget(choices, unknown=_Unknown(header))  # type: ignore[arg-type]
    elif isinstance(field, models.BooleanField):
        widget = YesNoWidget()
    elif isinstance(field, models.DateField):
        widget = DateWidget()
    else:
        widget = TextWidget(max_length=field.max_length or 4000)  # type: ignore[attr-defined]
    default = field.default if field.has_default() else NOT_PROVIDED
    return Field(attribute=name, column_name=header, widget=widget, default=default)


class LedgerResource(ZuofengResource):
    id = Field(attribute="id", column_name="编号", widget=IdWidget())
    unit = Field(attribute="unit", column_name="单位编码", widget=CachedUnitWidget())
    unit_name = Field(attribute="unit__name", column_name="单位名称", readonly=True)
    # One column per item field a unit fills in, headed as ITEM_COLUMNS says.
    locals().update({name: _column(name, header) for name, header in ITEM_COLUMNS.items()})
    status = Field(
        attribute="status",
        column_name="状态",
        readonly=True,
        widget=ChoiceWidget(Item.Status, unknown=gettext_lazy("Unknown status: %(value)s")),
    )

    required_headers = ("单位编码", "问题描述", "整改时限")
    # 整改时限 is required unless the row is 长期坚持: checked in import_instance.
    required_fields = ("unit", "problem")
    snapshot_fields = _EDITABLE

    class Meta(ZuofengResource.Meta):
        model = Item
        name = "整改台账"
        fields = ("id", "unit", "unit_name", *ITEM_COLUMNS, "status")
        import_id_fields = ["id"]
        # No copy of every row for an HTML diff (skip_row below compares the snapshot the
        # shared resource keeps) and no savepoint per row from import-export: new rows are
        # written together in after_import, updates keep save_instance's own savepoint.
        skip_diff = True
        use_bulk = True

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
        self._new: list[RectificationItem] = []
        self._new_rows: list[int] = []
        self._may_act: set[int] = set()
        # Excel rows of new items already in the ledger (or earlier in the file).
        self.duplicates: list[int] = []
        self.filed = 0

    def import_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        deadline_header = self.fields["deadline"].column_name
        said = cell_text(row.get(deadline_header))
        if said in LONG_TERM_WORDS:
            # "长期坚持" written where the deadline goes: the row is long-term.
            row = {**row, deadline_header: ""}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if said in LONG_TERM_WORDS:
            instance.long_term = True
        if instance.deadline is None and deadline_header not in errors:
            if instance.long_term:
                instance.deadline = instance.deadline or self.campaign.end_date
            else:
                errors[deadline_header] = [
                    _("%(column)s is required (or mark the row 长期坚持).")
                    % {"column": deadline_header}
                ]
        if errors:
            raise ValidationError(errors)

    def preview_columns(self) -> list[Field]:
        columns = super().preview_columns()
        at = columns.index(self.fields["unit"]) + 1
        return [*columns[:at], self.fields["unit_name"], *columns[at:]]

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        # Two queries for the whole file: the units it names, and those the importer acts for.
        column = self.fields["unit"].column_name
        codes = {cell_code(value) for value in dataset[column]} - {""}
        self.fields["unit"].widget.prime(codes)
        actor = kwargs.get("user") or self.user
        self._may_act = set(
            units_actable_by(user=actor).filter(code__in=codes).values_list("pk", flat=True)
        )

    def skip_row(
        self, instance: Any, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if import_validation_errors or instance.pk is None:
            return False
        return not self.changed(instance, _EDITABLE)

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        if not is_create:
            super().save_instance(instance, is_create, row, **kwargs)
            return
        # Checked here so that the sheet's row is named; items_file checks again, at once.
        if instance.unit.pk not in self._may_act:
            raise ValidationError({"单位编码": _("You may not act for this unit.")})
        self._new.append(instance)
        self._new_rows.append(self.excel_row(kwargs.get("row_number", 0)))

    def _find_duplicates(self, new: list[RectificationItem], rows: list[int]) -> set[int]:
        """Indexes in `new` of rows repeating an item of the ledger or an earlier row."""
        keys = [(item.unit.pk, item.problem.strip()) for item in new]
        problems = sorted({problem for _unit, problem in keys})
        filed: set[tuple[int, str]] = set()
        for start in range(0, len(problems), 5000):
            filed.update(
                (unit, problem.strip())
                for unit, problem in Item.objects.filter(
                    campaign=self.campaign, problem__in=problems[start : start + 5000]
                ).values_list("unit_id", "problem")
            )
        found: set[int] = set()
        for index, key in enumerate(keys):
            if key in filed:
                found.add(index)
            filed.add(key)
        self.duplicates = sorted(rows[index] for index in found if index < len(rows))
        return found

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        new, self._new = self._new, []
        rows, self._new_rows = self._new_rows, []
        if new and not result.has_errors() and not result.has_validation_errors():
            repeated = self._find_duplicates(new, rows)
            if self.skip_duplicates and repeated:
                new = [item for index, item in enumerate(new) if index not in repeated]
            self.filed = len(new)
            actor = kwargs.get("user") or self.user
            try:
                if self._is_dry_run(kwargs):
                    # The preview: every cell is checked above, the campaign and the units
                    # here; the items themselves are written on confirmation.
                    units = list({item.unit.pk: item.unit for item in new}.values())
                    if units:
                        services.items_file_check(campaign=self.campaign, actor=actor, units=units)
                elif new:
                    services.items_file(
                        campaign=self.campaign,
                        actor=actor,
                        entries=[self._entry(item) for item in new],
                    )
            except ValidationError as exc:
                # Reported above the rows: "；"-joined messages, not a dict's repr.
                raise ValidationError("；".join(exc.messages)) from exc
        super().after_import(dataset, result, **kwargs)

    @staticmethod
    def _entry(item: RectificationItem) -> dict[str, Any]:
        """items_file's keywords for a new row: the editable fields, as update uses them."""
        return {
            name.removesuffix("_id"): getattr(item, name.removesuffix("_id")) for name in _EDITABLE
        }

    def get_queryset(self) -> QuerySet[RectificationItem]:
        scope = Q() if self.user is None else Q(pk__in=selectors.items_visible_to(user=self.user))
        return Item.objects.filter(scope, campaign=self.campaign).select_related("unit", "category")

    def filter_export(
        self, queryset: QuerySet[RectificationItem], **kwargs: Any
    ) -> QuerySet[RectificationItem]:
        return queryset.select_related("unit", "category")

    def get_instance(self, instance_loader: Any, row: Any) -> RectificationItem | None:
        try:
            pk = self.fields["id"].clean(row)
        except (ValueError, KeyError):
            return None  # import_instance reports the bad cell
        if pk is None:
            return None
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise ValidationError(
                _("Item number %(id)s is not in this campaign's ledger.") % {"id": pk}
            )
        return found

    def write(self, instance: Any, is_create: bool, *, actor: Any) -> RectificationItem:
        # New rows never come here: save_instance keeps them for after_import.
        changed = self.changed(instance, _EDITABLE)
        if not changed:
            return instance
        if "unit_id" in changed:
            raise ValidationError({"unit": _("An import cannot move an item to another unit.")})
        names = [name.removesuffix("_id") for name in changed]
        return services.item_update(
            item=instance, actor=actor, **{name: getattr(instance, name) for name in names}
        )
