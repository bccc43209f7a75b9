"""Views every app's API shares (kept out of units.api.auth, which REST framework's settings
import while its views module is still loading)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.views import APIView


class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404, as an API client expects (not the
    site's HTML page)."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []
    schema = None

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        raise exceptions.NotFound()

    post = put = patch = delete = get
