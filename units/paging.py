"""Pages of a long list that cost the same on page 1 and on page 500.

Django's Paginator reads page N as `OFFSET (N-1)·size` over the whole row, joins and all:
every row skipped is fetched from the table first. Here the page's ids are found first
(from an index alone where one matches the list's order, as the open cases' partial index
does), then only those rows are read with their joins. A page in the second half of the
list is read from its end (the order reversed, the offset counted from the last row), so
the last page costs what the first one does.

And it counts no further than `count_limit` matches: a one-word search over a province can
match half a million cases, and counting them all costs more than the page. Past the limit
the pager says "more than" (complaints/_pagination.html) and offers the pages up to it.
A list whose page shows its exact total (the 整改台账) sets `count_limit = None`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_LIMIT = 20_000


class IdsFirstPaginator(Paginator):
    count_limit: int | None = COUNT_LIMIT
    # An ordering that ends on a unique key is total: read backwards, it gives the same rows.
    unique_last: frozenset[str] = frozenset({"pk", "-pk", "id", "-id"})
    object_list: QuerySet[Any]

    @cached_property
    def count(self) -> int:
        """The matches, counted up to one past the limit (`capped` then says so)."""
        rows = self.object_list.order_by()
        if self.count_limit is not None:
            rows = rows[: self.count_limit + 1]
        return int(rows.count())

    @property
    def capped(self) -> bool:
        return self.count_limit is not None and self.count > self.count_limit

    @property
    def shown_count(self) -> int:
        return self.count if self.count_limit is None else min(self.count, self.count_limit)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self._from_the_end(bottom):
            # The same rows, read from the other end: OFFSET over the fewer rows behind them.
            keys = self._keys(self.object_list.reverse(), self.count - top, self.count - bottom)
            keys.reverse()
        else:
            keys = self._keys(self.object_list, bottom, top)
        return self._get_page(  # type: ignore[attr-defined]  # (Django's, not in the stubs)
            self._rows(keys), number, self
        )

    def _from_the_end(self, bottom: int) -> bool:
        if self.capped or bottom <= self.count // 2:
            return False
        ordering = self.object_list.query.order_by
        return bool(ordering) and str(ordering[-1]) in self.unique_last

    def _keys(self, rows: QuerySet[Any], bottom: int, top: int) -> list[Any]:
        """The keys of rows[bottom:top] in the list's order (the cheap query)."""
        return list(rows.values_list("pk", flat=True)[bottom:top])

    def _rows(self, keys: Sequence[Any]) -> list[Any]:
        """The rows of those keys, in the same order (the query that reads whole rows)."""
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=keys)}
        return [rows[pk] for pk in keys if pk in rows]


class ExactIdsFirstPaginator(IdsFirstPaginator):
    """For a list whose page shows its exact total (counted in full, from an index)."""

    count_limit = None
