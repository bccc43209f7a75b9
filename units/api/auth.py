"""Who is calling the API: a client's key (Authorization: Bearer zf_…) or a person's session.

A key authenticates as a `ClientPrincipal`: not a person, holds no permission, never passed
to the pages' selectors; `api_client(request)` gives its client. `HasScope` asks for the
view's scope of a key and lets a person's session through on read endpoints only (the view
then scopes with the pages' own selectors). `ClientRateThrottle` counts per client (per
person for sessions) in the shared cache, at the client's own rate.
"""

from __future__ import annotations

import datetime
import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from units.api.services import key_digest, key_prefix
from units.models import ApiKey, IntegrationClient
from units.selectors import units_overseen_by

# last_used_at is written at most this often per key: a busy client costs no extra writes.
_LAST_USED_EVERY = datetime.timedelta(minutes=1)


class ClientPrincipal:
    """The caller behind a key: authenticated, but no person and no permission."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, client: IntegrationClient) -> None:
        self.client = client

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def get_username(self) -> str:
        return f"api:{self.client.name}"

    def __str__(self) -> str:
        return self.client.name


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer zf_…` (or `X-Api-Key: zf_…`): the key's hash is looked up by
    its prefix and compared in constant time; a revoked key or a client out of use is 401."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ClientPrincipal, ApiKey] | None:
        presented = self._presented(request)
        if presented is None:
            return None
        prefix = key_prefix(presented)
        key = (
            ApiKey.objects.usable()
            .select_related("client", "client__unit")
            .filter(prefix=prefix)
            .first()
            if prefix
            else None
        )
        if key is None or not hmac.compare_digest(key.digest, key_digest(presented)):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > _LAST_USED_EVERY:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        # The call log (units.api.log) reads these from the plain Django request.
        request._request.api_client = key.client  # type: ignore[attr-defined]
        request._request.api_key = key  # type: ignore[attr-defined]
        return ClientPrincipal(key.client), key

    def _presented(self, request: Request) -> str | None:
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if header:
            parts = header.split()
            if parts[0].lower() != self.keyword.lower():
                return None  # another scheme: not ours to judge
            if len(parts) != 2:
                raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
            return parts[1]
        other = request.META.get("HTTP_X_API_KEY", "").strip()
        return other or None

    def authenticate_header(self, request: Request) -> str:
        # Present, so that a call without credentials is 401 (not 403).
        return f'{self.keyword} realm="api"'


def api_client(request: Request) -> IntegrationClient | None:
    """The client whose key made this call, or None for a person's session."""
    return request.auth.client if isinstance(request.auth, ApiKey) else None


class HasScope(permissions.BasePermission):
    """A key needs the view's `required_scope`; a person's session may use read endpoints
    (`allow_session = True`, safe methods), where the view scopes as the pages do."""

    message = _("This API key may not do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        client = api_client(request)
        if client is not None:
            scope = getattr(view, "required_scope", None)
            return scope is not None and client.has_scope(scope)
        if getattr(view, "allow_session", False) and request.method in permissions.SAFE_METHODS:
            return True
        self.message = _("This endpoint takes an integration client's API key.")
        return False


class ReadsResults(HasScope):
    """Results and figures out (read only): a key whose client may read results
    (`IntegrationClient.can_read_results`), or a person's session, whom the view then scopes
    with the pages' own selectors and permission helpers."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        # The views using it only read: any other method is their 405.
        client = api_client(request)
        return client is None or client.can_read_results


class ReadsCadreResults(HasScope):
    """Results for cadre appraisal and promotion (三挂钩: names, flags, 问责): a key whose
    client has that scope (`IntegrationClient.can_read_cadres`; reading results is not
    enough), or the session of inspection staff, as the Excel export of the same rows."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated()
        client = api_client(request)
        if client is not None:
            return client.can_read_cadres
        if units_overseen_by(user=request.user).exists():
            return True
        self.message = _("Only inspection staff may read the results for the use of cadres.")
        return False


class HasAnyScope(HasScope):
    """A key needs one of the view's `required_scopes` (the directory is read by a results
    reader and by the client that syncs it); a person's session as with `HasScope`."""

    def has_permission(self, request: Request, view: Any) -> bool:
        client = api_client(request)
        if client is None:
            return super().has_permission(request, view)
        return any(client.has_scope(scope) for scope in getattr(view, "required_scopes", ()))


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Per client at the client's own rate; per person at ZUOFENG_API_SESSION_RATE."""

    scope = "api"
    cache_format = "throttle_api_%(scope)s_%(ident)s"

    def get_rate(self) -> str:
        return str(settings.ZUOFENG_API_SESSION_RATE)

    def allow_request(self, request: Request, view: Any) -> bool:
        client = api_client(request)
        if client is not None:
            try:
                self.num_requests, self.duration = self.parse_rate(client.rate)
            except (ValueError, KeyError):
                self.num_requests, self.duration = self.parse_rate(settings.ZUOFENG_API_CLIENT_RATE)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        client = api_client(request)
        if client is not None:
            return self.cache_format % {"scope": "client", "ident": client.pk}
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": "user", "ident": request.user.pk}
        return self.cache_format % {"scope": "ip", "ident": self.get_ident(request)}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The key in the schema: `Authorization: Bearer zf_…`."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "对接系统的密钥（在管理后台签发，只显示一次）/ "
                "an integration client's key (issued in the admin, shown once)"
            ),
        }
