"""Pages of a long complaint list that cost the same on page 1 and on page 500.

Django's Paginator reads page N as `OFFSET (N-1)·size` over the whole row, joins and all:
every row skipped is fetched from the table first. Here the page's ids are found first
(from an index alone where one matches the list's order, as the open cases' partial index
does), then only those rows are read with their joins.

And it counts no further than `COUNT_LIMIT` matches: a one-word search over a province can
match half a million cases, and counting them all costs more than the page. Past the limit
the pager says "more than" (complaints/_pagination.html) and offers the pages up to it.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 20_000


class IdsFirstPaginator(Paginator):
    count_limit = COUNT_LIMIT
    object_list: QuerySet[Any]

    @cached_property
    def count(self) -> int:
        """The matches, counted up to one past the limit (`capped` then says so)."""
        return int(self.object_list.order_by()[: self.count_limit + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.count_limit

    @property
    def shown_count(self) -> int:
        return min(self.count, self.count_limit)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page(  # type: ignore[attr-defined]  # (Django's, not in the stubs)
            [rows[pk] for pk in ids if pk in rows], number, self
        )
