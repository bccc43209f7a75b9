"""The 督办 board: every overdue item and complaint the user sees, most overdue first, with
督办 / 催办 for the staff who hold them (each app's rows come through units.extensions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaign import selectors
from campaign.filters import BoardFilter
from campaign.forms import BoardActionForm
from campaign.models import Reminder
from units.actions import error_text, form_error_text
from units.extensions import OverdueSource, overdue_sources
from units.models import Unit
from units.paging import IdsFirstPaginator
from units.workdays import working_days_overdue

PAGE_SIZE = 50


class BoardPaginator(IdsFirstPaginator):
    """Counts and pages the board on its order's columns alone, in one statement
    (selectors.board_keys_page), then reads the page's 50 whole rows; a deep page is read
    from the end. The badge shows the exact count (no limit)."""

    count_limit = None
    unique_last = frozenset({"row_id", "-row_id"})
    # Any page past the end answers with the last one (as Paginator.get_page does).
    PAST_THE_END = 2**62

    def __init__(self, parts: dict[str, QuerySet[Any]], per_page: int) -> None:
        self.parts = parts
        super().__init__(selectors.board_keys(parts=list(parts.values())), per_page)

    def get_page(self, number: Any) -> Page:
        """Paginator.get_page's answer (page 1 for a non-number, the last page for one out
        of range) without counting first: the count comes with the page's keys."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted < 1 or wanted > self.PAST_THE_END // self.per_page:
            offset = self.PAST_THE_END
        else:
            offset = (wanted - 1) * self.per_page
        total, offset, keys = selectors.board_keys_page(
            parts=list(self.parts.values()), offset=offset, per_page=self.per_page
        )
        self.__dict__["count"] = total  # the cached_property's value, from the same statement
        return self._get_page(  # type: ignore[attr-defined]  # (Django's, not in the stubs)
            self._rows(keys), offset // self.per_page + 1, self
        )

    def _keys(self, rows: QuerySet[Any], bottom: int, top: int) -> list[Any]:
        return [(row["row_kind"], row["row_id"]) for row in rows[bottom:top]]

    def _rows(self, keys: Sequence[Any]) -> list[Any]:
        return selectors.board_page_rows(parts=self.parts, keys=list(keys))


def _sources(request: HttpRequest) -> list[OverdueSource]:
    if not Unit.objects.visible_to(request.user).exists():
        raise Http404
    return overdue_sources(user=request.user, today=timezone.localdate())


def _decorated(rows: list[dict[str, Any]], sources: list[OverdueSource]) -> list[dict[str, Any]]:
    """The page's rows with what the table shows: days overdue (working days), labels, links."""
    today = timezone.localdate()
    by_kind = {source.kind: source for source in sources}
    overdue = working_days_overdue((row["row_deadline"] for row in rows), today)
    for row in rows:
        source = by_kind[row["row_kind"]]
        row["kind_label"] = source.label
        row["status_label"] = source.statuses.get(row["row_status"], row["row_status"])
        row["url"] = reverse(source.detail_url, args=[row["row_id"]])
        row["working_days"] = overdue.get(row["row_deadline"], 0)
        row["calendar_days"] = (today - row["row_deadline"]).days
        row["can_push"] = bool(row["row_can_push"]) and source.push is not None
    return rows


@login_required
@require_GET
def overdue_board(request: HttpRequest) -> HttpResponse:
    """督办: overdue rectification items and complaints, most overdue first, filtered."""
    sources = _sources(request)
    filterset = BoardFilter(
        request.GET, user=request.user, kinds=[(source.kind, source.label) for source in sources]
    )
    parts = {source.kind: filterset.rows(source.rows, source.search) for source in sources}
    page = BoardPaginator(parts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _decorated(list(page.object_list), sources)
    return render(
        request,
        "campaign/overdue_board.html",
        {
            "page": page,
            "filter": filterset,
            "back": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def overdue_board_act(request: HttpRequest) -> HttpResponse:
    """督办 or 催办 on one row, then back to the board as it was (filters and page)."""
    sources = {source.kind: source for source in _sources(request)}
    form = BoardActionForm(request.POST)
    back = reverse("campaign:overdue_board")
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(back)
    data = form.cleaned_data
    # Only a query string goes back (never a URL someone slipped into the form).
    query = QueryDict(data["back"]).urlencode()
    back = f"{back}?{query}" if query else back
    source = sources.get(data["kind"])
    if source is None or source.push is None:
        raise Http404
    try:
        reminder = source.push(
            user=request.user, pk=data["row_id"], action=data["action"], text=data["text"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(kind)s sent to %(unit)s (%(count)d recipients).")
            % {
                "kind": Reminder.Kind(reminder.kind).label,
                "unit": reminder.unit.name,
                "count": reminder.recipients,
            },
        )
    return redirect(back)
