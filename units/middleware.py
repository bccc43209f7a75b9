"""Per-request memory for the questions every page asks many times about its user."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ScopeCacheMiddleware:
    """Gives the signed-in user an empty `_zf_grants` for this request.

    units.models.organisation._granted_roots keeps its answer there (the units on which the
    user holds a grant to view, act or oversee), so that the dozen scoped querysets of a
    page ask the database once instead of once each. The user object lives for one
    request, so nothing outlives it; a service that changes grants empties it
    (units.services) for the rest of the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user._zf_grants = {}  # type: ignore[union-attr]
        return self.get_response(request)
