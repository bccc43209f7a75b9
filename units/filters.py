"""What every app's list filters share (django-filter): the unit filter and the form's look.

A FilterSet narrows a queryset that a scoped selector has already built (`*_visible_to`): it
never scopes a second time. Units are offered from those the user sees, a unit standing for
its whole subtree, and only the top levels are listed (a province's cities and counties, not
its 10,000 units); a unit chosen deeper down (from a link) is added to the list.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from units.models import Unit
from units.types import AnyUser
from units.widgets import OnePassSelect
from units.workdays import local_days_q

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitFilter(df.ModelChoiceFilter):
    """A unit and its whole subtree (`field_name` reaches a Unit; or `path_field` names a
    column holding the unit's path, on a values() queryset)."""

    def __init__(self, *args: Any, path_field: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Unit.objects.none())
        kwargs.setdefault("empty_label", _("All units"))
        kwargs.setdefault("widget", OnePassSelect)
        super().__init__(*args, **kwargs)
        self.path_field = path_field

    def filter(self, qs: QuerySet[Any], value: Unit | None) -> QuerySet[Any]:
        if not value:
            return qs
        lookup = f"{self.path_field or f'{self.field_name}__path'}__startswith"
        return qs.filter(**{lookup: value.path})


class DayFilter(df.DateFilter):
    """A datetime field on or after a local day (or, `until=True`, on or before it), compared
    as a range of the column's own values so that an index on it serves the list
    (units.workdays.local_days_q)."""

    def __init__(self, *args: Any, until: bool = False, **kwargs: Any):
        kwargs.setdefault("widget", DATE)
        super().__init__(*args, **kwargs)
        self.until = until

    def filter(self, qs: QuerySet[Any], value: datetime.date | None) -> QuerySet[Any]:
        if not value:
            return qs
        bound = {"until": value} if self.until else {"since": value}
        return qs.filter(local_days_q(self.field_name, **bound))


class ScopedFilterSet(df.FilterSet):
    """A FilterSet for one user's list: `units` are the units its unit filters offer."""

    # How many levels below the highest unit the user sees the unit filters list.
    UNIT_LEVELS = 2
    # Filters the page folds away under "more" (units/_filter_form.html), open when used.
    ADVANCED: tuple[str, ...] = ()

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet[Any] | None = None,
        *,
        user: AnyUser,
        units: QuerySet[Unit] | None = None,
        today: datetime.date | None = None,
        hide: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        self.user = user
        self.today = today
        super().__init__(data, queryset, **kwargs)
        for name in hide:
            self.filters.pop(name, None)
        units = units if units is not None else Unit.objects.visible_to(user)
        unit_filters = [name for name, f in self.filters.items() if isinstance(f, UnitFilter)]
        for name in unit_filters:
            self.filters[name].queryset = units  # type: ignore[attr-defined]
        if unit_filters:  # the form is built (once) from here on
            choices = self._unit_choices(units, unit_filters)
            for name in unit_filters:
                field = self.form.fields[name]
                field.widget.choices = [("", field.empty_label), *choices]  # type: ignore[attr-defined]
        # Ids of their own: a page may hold another form with the same field names.
        self.form.auto_id = "filter_%s"
        for field in self.form.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{css} {css}-sm"

    def _unit_choices(self, units: QuerySet[Unit], names: list[str]) -> list[tuple[int, str]]:
        """The top levels of `units` (one query), and any unit already chosen below them."""
        top = units.order_by("depth").values("depth")[:1]
        shown = units.filter(depth__lte=Subquery(top) + self.UNIT_LEVELS)
        chosen = set()
        if self.is_bound:
            for name in names:
                value = str(self.data.get(self.form.add_prefix(name)) or "")
                if value.isdigit():
                    chosen.add(int(value))
        if chosen:
            shown = units.filter(Q(pk__in=shown.values("pk")) | Q(pk__in=chosen))
        # Pairs, not units: a city's top levels are 500 options, a model instance each.
        return list(shown.order_by("path").values_list("pk", "name"))

    def main_fields(self) -> list[Any]:
        return [f for f in self.form if f.name not in self.ADVANCED]

    def advanced_fields(self) -> list[Any]:
        return [f for f in self.form if f.name in self.ADVANCED]

    def advanced_open(self) -> bool:
        """An advanced filter is in use (or wrong): the page shows them unfolded."""
        return any(
            self.data.get(self.form.add_prefix(f.name)) or f.errors for f in self.advanced_fields()
        )
