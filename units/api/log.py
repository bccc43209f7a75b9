"""Every call to the API in the call log (ApiCall): client or person, endpoint, status, time."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from units.models import ApiCall

API_PREFIX = "/api/v1/"


class ApiCallLogMiddleware:
    """Logs the calls under /api/v1/ (the schema and docs pages are not calls).

    Placed after every middleware that reads `request.user` on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        match = request.resolver_match
        client = getattr(request, "api_client", None)
        user = getattr(request, "user", None)
        if client is not None:
            # REST framework put the key's principal on the request: the middleware outside
            # this one (security log, history) expect a person or nobody.
            user = request.user = AnonymousUser()
        ApiCall.objects.create(
            client=client,
            key=getattr(request, "api_key", None),
            user=user if user is not None and user.is_authenticated else None,
            method=request.method or "",
            # The route, not the path: calls group by endpoint and no id or query is kept.
            endpoint=(match.route if match is not None else request.path)[:200],
            status=response.status_code,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        return response
