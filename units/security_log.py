"""The security log (安全日志): one function writes it, and the receivers that call it.

`security_event(kind=..., user=..., request=..., detail=...)` is the only writer; other
code (the identity requests of complaints, for one) calls it. Recorded here: sign-ins and
sign-outs, failed sign-ins (with the username as typed), lockouts (django-axes), wrong
two-factor codes (units.two_factor_views), refused access (any 403 response, through
`PermissionDeniedLogMiddleware`), ended sessions (units.services.user_sessions_end) and
files of records taken (units.exports.export_logged).
An outsider who gets a 404 is not logged: the 404 is what keeps them from learning that
the record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from units.models import SecurityEvent
from units.security import client_ip

Kind = SecurityEvent.Kind


def security_event(
    *,
    kind: str,
    user: Any = None,
    request: HttpRequest | None = None,
    username: str = "",
    ip: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Write one security log entry; `user` defaults to the request's signed-in user."""
    if kind not in Kind.values:
        raise ValueError(f"unknown security event kind: {kind!r}")
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if not username and user is not None:
        username = user.get_username()
    path = ""
    if request is not None:
        ip = ip or client_ip(request)
        # The path only: a query string may carry a tracking code or a token.
        path = request.path[:500]
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=str(username)[:150],
        ip=str(ip)[:45],
        path=path,
        detail=detail,
    )


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event(kind=Kind.LOGIN, user=user, request=request)


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event(kind=Kind.LOGOUT, user=user, request=request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    security_event(
        kind=Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username") or ""),
    )


def _locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    security_event(kind=Kind.LOCKOUT, request=request, username=username or "", ip=ip_address or "")


user_logged_in.connect(_logged_in, dispatch_uid="zuofeng_security_log_login")
user_logged_out.connect(_logged_out, dispatch_uid="zuofeng_security_log_logout")
user_login_failed.connect(_login_failed, dispatch_uid="zuofeng_security_log_login_failed")
user_locked_out.connect(_locked_out, dispatch_uid="zuofeng_security_log_lockout")


class PermissionDeniedLogMiddleware:
    """Logs every 403 answer: PermissionDenied in a view or the admin, a failed CSRF check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            reason = getattr(request, "_zf_denied", "")
            security_event(
                kind=Kind.PERMISSION_DENIED,
                request=request,
                detail=f"{request.method} {reason}".strip(),
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Only to keep the refusal's own words (most are empty); Django still answers 403.
        if isinstance(exception, PermissionDenied) and str(exception):
            request._zf_denied = str(exception)[:500]  # type: ignore[attr-defined]
