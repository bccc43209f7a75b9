"""Writes for integration clients: keys are issued (shown once), rotated and revoked.

Each key records who issued and who revoked it, and when; every call is in `ApiCall`; and
each issue and revocation is in the security log (kind CREDENTIAL), where an auditor looks
for who handed a system access."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import ApiKey, IntegrationClient, SecurityEvent
from units.security_log import security_event
from units.types import AnyUser

KEY_PREFIX = "zf_"
PREFIX_LENGTH = 8  # hex characters after "zf_": the key's public, searchable part


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix a presented key names, or None when it is not shaped like our keys."""
    if not key.startswith(KEY_PREFIX) or len(key) < len(KEY_PREFIX) + PREFIX_LENGTH + 2:
        return None
    prefix = key[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_LENGTH]
    if key[len(KEY_PREFIX) + PREFIX_LENGTH] != "_":
        return None
    return prefix


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # the whole key, to be shown once and never again


def credential_logged(*, actor: AnyUser | None, detail: str) -> None:
    """One security-log entry for a credential handed out or withdrawn (never the secret)."""
    security_event(kind=SecurityEvent.Kind.CREDENTIAL, user=actor, detail=detail)


def api_key_issue(*, client: IntegrationClient, actor: AnyUser | None) -> IssuedKey:
    """签发密钥: a new key for the client; the clear key is returned once, its hash kept."""
    if not client.is_active:
        raise ValidationError(_("This integration client is not in use."))
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            client=client,
            prefix=prefix,
            digest=key_digest(secret),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        credential_logged(actor=actor, detail=f"api_key_issued client={client.pk} prefix={prefix}")
    return IssuedKey(key=key, secret=secret)


def api_key_revoke(*, key: ApiKey, actor: AnyUser | None) -> ApiKey:
    """吊销密钥: the key stops working at once; the record stays for the call log."""
    with transaction.atomic():
        row = ApiKey.objects.select_for_update().get(pk=key.pk)
        if row.revoked_at is not None:
            raise ValidationError(_("This key has already been revoked."))
        row.revoked_at = timezone.now()
        row.revoked_by = actor if actor is not None and actor.is_authenticated else None  # type: ignore[assignment]
        row.save(update_fields=["revoked_at", "revoked_by"])
        credential_logged(
            actor=actor, detail=f"api_key_revoked client={row.client_id} prefix={row.prefix}"
        )
    return row


def api_key_rotate(*, client: IntegrationClient, actor: AnyUser | None) -> IssuedKey:
    """轮换密钥: a new key, and every earlier key of the client revoked, in one step."""
    with transaction.atomic():
        issued = api_key_issue(client=client, actor=actor)
        for key in client.keys.usable().exclude(pk=issued.key.pk):
            api_key_revoke(key=key, actor=actor)
    return issued
