"""Widgets: one cell <-> one value, with Chinese errors.

A widget raises ValueError; the resource files it under the column's header. The
organisation's lookups (units by code, cadres by name and phone, groups, logins) are here
too: every app's ledger names units and people the same way. A `ScopedWidget` looks rows
up among what the importing user may see.
"""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from import_export import widgets

from units.excel.cells import cell_code, cell_text
from units.models import AssessmentGroup, Person, Unit, UnitQuerySet
from units.selectors import people_visible_to

if TYPE_CHECKING:
    from django.db.models import QuerySet

_MAX_COUNT = 2_147_483_647  # PositiveIntegerField's ceiling on every database


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


class CodeWidget(TextWidget):
    """A code or phone number: full-width characters folded, spaces dropped (cell_code)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return super().clean(cell_code(value), row, **kwargs)


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
        text = cell_code(value)
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
    """Dates as clerks type them (2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日, with
    full-width digits too), a real date cell, or Excel's serial day number."""

    FORMATS = (
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y年%m月%d日",
        "%Y年%m月%d号",
        "%Y%m%d",
        "%Y-%m-%d %H:%M:%S",
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M",
        "%Y.%m.%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    )
    _EXCEL_MAX_SERIAL = 2_958_465  # 9999-12-31
    _EXCEL_MIN_SERIAL = 367  # 1901-01-01: smaller numbers are not dates anyone types

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            day = self._from_number(value)
            if day is not None:
                return day
        # Full-width digits folded; "2026年 6月30日" and "2026/6/30 0:00" both read.
        text = " ".join(unicodedata.normalize("NFKC", cell_text(value)).split())
        if not text:
            return None
        text = text.replace("年 ", "年").replace("月 ", "月").replace(" 日", "日")
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        # A serial number that arrived as text (a CSV saved from a date column without format).
        if text.replace(".", "", 1).isdigit() and len(text.split(".")[0]) <= 7:
            day = self._from_number(float(text))
            if day is not None:
                return day
        raise ValueError(
            _("Unrecognised date “%(value)s”; write it as 2026-03-01 or 2026/3/1.")
            % {"value": cell_text(value)}
        )

    def _from_number(self, value: float) -> datetime.date | None:
        # A date cell read without its number format arrives as Excel's serial day number.
        if self._EXCEL_MIN_SERIAL <= value <= self._EXCEL_MAX_SERIAL:
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
        text = cell_code(value)
        if not text or text in self.choices.values:
            return text
        # Labels are looked up at call time: they are translated strings.
        by_label = {cell_code(str(label)): code for code, label in self.choices.choices}
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
        code = cell_code(value)
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
        phone = cell_code((row or {}).get(self.phone_column))
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
