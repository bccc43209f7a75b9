"""Login hardening: who must use two-factor login, the client address, and the middleware
that holds unverified staff at the 2FA step, logs idle staff out and ends sessions that
are over (account deactivated, sessions ended, staff signed in longer than the limit).

The staff population (inspection staff, is_staff, superusers) is one rule used by the
2FA gate, the idle timeout and the demo, so the three can never disagree.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from units import roles
from units.types import AnyUser

LAST_ACTIVITY_SESSION_KEY = "zf_last_activity"
# When this session signed in (epoch seconds): compared with the account's cut-off and the
# staff's absolute lifetime.
LOGIN_AT_SESSION_KEY = "zf_login_at"
# Writing the session on every request would cost a database write per page; a minute's
# granularity is plenty for a 30-minute limit.
ACTIVITY_WRITE_EVERY_SECONDS = 60


def requires_two_factor(user: AnyUser) -> bool:
    """Inspection staff and administrators hold the complainants' identities: 2FA for them."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return roles.has_role(user, roles.INSPECTION_STAFF)


def is_two_factor_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def client_ip(request: HttpRequest) -> str:
    """The client's address as the rate limits see it (behind nginx: X-Real-IP).

    django-ratelimit reads RATELIMIT_IP_META_KEY itself; axes calls this so that lockouts
    and rate limits always key on the same address.
    """
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    value = str(request.META.get(key) or request.META.get("REMOTE_ADDR") or "")
    # X-Forwarded-For style lists: the left-most entry is the client.
    return value.split(",")[0].strip()[:45]


def idle_limit_seconds() -> int:
    return int(getattr(settings, "ZUOFENG_STAFF_IDLE_SECONDS", 30 * 60))


def staff_session_max_hours() -> int:
    return int(getattr(settings, "ZUOFENG_STAFF_SESSION_MAX_HOURS", 12))


# Paths an unverified staff member may still reach: the 2FA pages themselves, logout, the
# language switch, static files and health checks.
_OPEN_URL_NAMES = {"two_factor_verify", "two_factor_setup", "logout", "set_language"}


def _is_open_path(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is not None and match.url_name in _OPEN_URL_NAMES:
        return True
    path = request.path_info
    return path.startswith((settings.STATIC_URL, "/health/"))


def _start_idle_clock(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    # Start the idle clock at login, so the first page after it needs no extra session write.
    if request is not None and hasattr(request, "session") and requires_two_factor(user):
        request.session[LAST_ACTIVITY_SESSION_KEY] = time.time()
        request.session.set_expiry(idle_limit_seconds())


user_logged_in.connect(_start_idle_clock, dispatch_uid="zuofeng_start_idle_clock")


def _stamp_login(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()


user_logged_in.connect(_stamp_login, dispatch_uid="zuofeng_stamp_login")


class SessionCheckingModelBackend(ModelBackend):
    """Django's ModelBackend, loading the account's session cut-off with it in one query.

    get_user still refuses inactive accounts (ModelBackend.user_can_authenticate), so a
    deactivated account's session turns anonymous on its next request.
    """

    def get_user(self, user_id):  # type: ignore[no-untyped-def]
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("zf_session_cutoff").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def _session_cutoff(user: AnyUser) -> float | None:
    try:
        cutoff = user.zf_session_cutoff  # type: ignore[union-attr]
    except ObjectDoesNotExist:
        return None
    return cutoff.valid_after.timestamp()


def session_end_message(request: HttpRequest) -> str | None:
    """Why this signed-in session is over, in the words shown on the login page; else None."""
    user = request.user
    ended = _("Your sign-in is no longer valid. Please sign in again.")
    if not user.is_authenticated:
        # The session names an account the backend now refuses: deactivated or deleted.
        return ended
    login_at = request.session.get(LOGIN_AT_SESSION_KEY)
    if login_at is None:
        # Signed in before sessions were stamped: its start is unknown, so it cannot be
        # shown to postdate a cut-off.
        return ended
    cutoff = _session_cutoff(user)
    if cutoff is not None and float(login_at) <= cutoff:
        return ended
    hours = staff_session_max_hours()
    if requires_two_factor(user) and time.time() - float(login_at) > hours * 3600:
        return _("You have been signed in for more than %(hours)d hours. Please sign in again.") % {
            "hours": hours
        }
    return None


class SessionValidityMiddleware:
    """Ends a signed-in session that is over: to the login page, with the reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only sessions that were signed in: the public's requests cost nothing here.
        if SESSION_KEY in request.session:
            message = session_end_message(request)
            if message is not None:
                logout(request)
                messages.warning(request, message)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class StaffIdleTimeoutMiddleware:
    """Logs staff out after ZUOFENG_STAFF_IDLE_SECONDS without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if requires_two_factor(request.user):
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            limit = idle_limit_seconds()
            if last is not None and now - float(last) > limit:
                logout(request)
                messages.warning(
                    request,
                    _(
                        "You were signed out after %(minutes)d minutes without activity. "
                        "Please sign in again."
                    )
                    % {"minutes": limit // 60},
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - float(last) >= ACTIVITY_WRITE_EVERY_SECONDS:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
                # The cookie and the session row die with the idle limit too.
                request.session.set_expiry(limit)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Until staff pass the second factor they reach only the 2FA pages and logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if not requires_two_factor(request.user) or is_two_factor_verified(request):
            return None
        if _is_open_path(request):
            return None
        return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The Chinese 429 page for every rate-limited form (RATELIMIT_VIEW)."""
    return render(request, "429.html", status=429)


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):  # type: ignore[no-untyped-def]
    """django-axes: the login page again, with the lockout explained (HTTP 429)."""
    from django.contrib.auth.forms import AuthenticationForm

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked_out": _(
                "Too many failed sign-in attempts. This account is locked on this network "
                "for %(minutes)d minutes. If you need access now, ask the system "
                "administrator to unlock it."
            )
            % {"minutes": minutes},
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )
