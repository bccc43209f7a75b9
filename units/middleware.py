"""Per-request memory for the questions every page asks many times."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from units import workdays


class RequestMemoryMiddleware:
    """What a page asks many times, asked once per request.

    - The signed-in user gets an empty `_zf_grants`: units.models.organisation._granted_roots
      keeps there the units on which the user holds a grant to view, act or oversee, so
      that the dozen scoped querysets of a page read the grants once instead of once each.
      The user object lives for one request, so nothing outlives it; a service that changes
      grants empties it (units.services) for the rest of the request.
    - The calendar's overrides, once read, are kept until the response
      (units.workdays.overrides_kept): a page with several deadlines reads them once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user._zf_grants = {}  # type: ignore[union-attr]
        with workdays.overrides_kept():
            return self.get_response(request)
