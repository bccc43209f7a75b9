"""Filters on campaign's lists that grow (django-filter), on top of the scoped selectors.

The ledger keeps its own form (campaign.forms.LedgerFilterForm, shared with its Excel
export); the 督办 board's and the inspection list's filters are here: they narrow each app's overdue rows (the board's
row shape, units.extensions.OVERDUE_COLUMNS) before the board pages them together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models import Finding, Inspection
from campaign.selectors import findings_visible_to
from units.filters import DATE, ScopedFilterSet, UnitFilter
from units.models import Unit

YES, NO = "yes", "no"


class BoardFilter(ScopedFilterSet):
    """Kind of work, unit (with its subtree), supervision and a text search."""

    kind = df.ChoiceFilter(label=_("Type"), method="by_kind", empty_label=_("All"))
    unit = UnitFilter(label=_("Unit"), field_name="row_unit", path_field="row_unit_path")
    supervised = df.ChoiceFilter(
        label=_("Supervision"),
        choices=[
            (YES, pgettext_lazy("supervision state", "Under supervision")),
            (NO, pgettext_lazy("supervision state", "Not yet supervised")),
        ],
        method="by_supervised",
        empty_label=_("All"),
    )
    q = df.CharFilter(label=_("Search"), method="search", max_length=64)

    def __init__(self, data: Any = None, *, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        # The rows come per source (self.rows): the FilterSet's own queryset is never used.
        super().__init__(data, Unit.objects.none(), **kwargs)
        self.form.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.form.fields["q"].widget.attrs["placeholder"] = _("Case number or subject")

    def rows(
        self, rows: QuerySet[Any], search: Callable[[Any, str], Any] | None = None
    ) -> QuerySet[Any]:
        """One source's rows, narrowed by the valid filters (the invalid ones are ignored);
        `search` is the source's own text search (units.extensions.OverdueSource.search)."""
        self.is_valid()
        self._source_search = search
        return self.filter_queryset(rows)

    def by_kind(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(row_kind=value) if value else qs

    def by_supervised(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs.filter(row_supervised=value == YES) if value else qs

    def search(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        source_search = getattr(self, "_source_search", None)
        if source_search is not None:
            return source_search(qs, value)
        return qs.filter(Q(row_ref__icontains=value) | Q(row_title__icontains=value))


class InspectionFilter(ScopedFilterSet):
    """明察暗访 records: type, a unit visited or found wanting (with its subtree), dates, text."""

    kind = df.ChoiceFilter(
        label=_("Inspection type"), choices=Inspection.Kind.choices, empty_label=_("All")
    )
    unit = UnitFilter(label=_("Unit"), method="by_unit")
    date_from = df.DateFilter(
        label=_("Inspected from"), field_name="date", lookup_expr="gte", widget=DATE
    )
    date_to = df.DateFilter(
        label=_("Inspected until"), field_name="date", lookup_expr="lte", widget=DATE
    )
    q = df.CharFilter(label=_("Search"), method="search", max_length=64)

    def by_unit(self, qs: QuerySet[Inspection], name: str, value: Unit) -> QuerySet[Inspection]:
        visited = Inspection.units.through.objects.filter(unit__path__startswith=value.path)
        found = Finding.objects.filter(unit__path__startswith=value.path)
        return qs.filter(
            Q(pk__in=visited.values("inspection_id")) | Q(pk__in=found.values("inspection_id"))
        )

    def search(self, qs: QuerySet[Inspection], name: str, value: str) -> QuerySet[Inspection]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(team__icontains=value)
            | Q(summary__icontains=value)
            # Only findings the user may read: the search must not tell of the others.
            | Q(
                pk__in=findings_visible_to(user=self.user)
                .filter(description__icontains=value)
                .values("inspection_id")
            )
        )
