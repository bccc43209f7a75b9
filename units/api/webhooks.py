"""Webhooks: the changes feed pushed to a client, signed, retried with backoff.

The outbox is `WebhookDelivery` (one row per change and client, filled by
`complaints.services.webhook_events_fan_out` from the feed itself). Here: the signing secret
(generated here, shown once, kept encrypted because an HMAC needs the secret itself), the
signature, and the sending of due rows.

Sending claims each due row first (locked with SKIP LOCKED, its next attempt pushed past the
claim window), then POSTs outside any transaction and records the answer: two workers never
send one row at once, a worker that dies mid-send leaves the row due again once the claim
lapses (at least once), and a row already delivered is never sent again.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from units.api.services import credential_logged
from units.models import IntegrationClient
from units.models.integration import WebhookDelivery
from units.types import AnyUser

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 (a label, not a secret)
KEYS_ENV = "ZUOFENG_WEBHOOK_KEYS"
# After a failed attempt n (1-based), the next waits RETRY_DELAYS[n - 1]; past the last, the
# delivery is given up as failed (6 attempts in about 14.5 hours).
RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=12),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TIMEOUT_SECONDS = 5
BATCH = 20
# A claimed row is due again this long after its claim (a worker died while sending): longer
# than sending a whole batch to receivers that time out, so no live claim lapses.
CLAIM_SECONDS = BATCH * TIMEOUT_SECONDS + 60
USER_AGENT = "Zuofeng-Webhook/1"


# --- The signing secret, kept encrypted --------------------------------------------------


def _keys() -> list[bytes]:
    """Fernet keys, newest first (ZUOFENG_WEBHOOK_KEYS, comma-separated), as the identity keys
    are; unset, one derived from SECRET_KEY. Losing the key only voids the secrets: an officer
    rotates the client's secret and hands the new one over."""
    raw = os.environ.get(KEYS_ENV, "")
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if keys:
        return keys
    digest = hashlib.sha256(b"zuofeng-webhook:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def webhook_secret(client: IntegrationClient) -> str | None:
    """The client's signing secret in clear, or None (not set, or the keys changed)."""
    if not client.webhook_secret:
        return None
    try:
        return _fernet().decrypt(client.webhook_secret.encode()).decode()
    except InvalidToken:
        return None


def webhook_secret_rotate(*, client: IntegrationClient, actor: AnyUser | None) -> str:
    """设置/轮换签名密钥: a new secret for the client's webhook, returned once in clear.

    Deliveries still pending are signed with the new secret when next sent."""
    secret = f"{SECRET_PREFIX}{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = IntegrationClient.objects.select_for_update().get(pk=client.pk)
        row.webhook_secret = _fernet().encrypt(secret.encode()).decode()
        row.webhook_secret_set_at = timezone.now()
        row.save(update_fields=["webhook_secret", "webhook_secret_set_at"])
        credential_logged(actor=actor, detail=f"webhook_secret_set client={client.pk}")
    logger.info("Webhook signing secret of client %s set by %s", client.pk, actor)
    return secret


def webhook_url_check(url: str) -> str:
    """An http(s) URL, or ValidationError: nothing else is ever requested."""
    url = url.strip()
    if url:
        URLValidator(
            schemes=["http", "https"],
            message=_("Give an http:// or https:// address."),
        )(url)
    return url


# --- Signature ---------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of "timestamp.body" under the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def webhook_body(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# --- Sending -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int | None  # the HTTP status, None when none came (refused, timeout …)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (not 2xx), never followed: the URL is what the officer set."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def webhook_post(*, url: str, secret: str, event_id: int, payload: object) -> Answer:
    """POST one event, signed; the answer's status (never raises on a network error)."""
    body = webhook_body(payload)
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 (webhook_url_check: http(s) only)
        webhook_url_check(url),
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Zuofeng-Event-Id": str(event_id),
            "X-Zuofeng-Timestamp": timestamp,
            "X-Zuofeng-Signature": webhook_signature(secret=secret, timestamp=timestamp, body=body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(status=response.status)
    except urllib.error.HTTPError as exc:
        with exc:
            return Answer(status=exc.code, error=f"HTTP {exc.code} {exc.reason}"[:500])
    except (OSError, ValueError, ValidationError) as exc:
        # URLError, timeouts, refused connections, a URL no longer valid.
        return Answer(status=None, error=f"{type(exc).__name__}: {exc}"[:500])


def _claim(now: datetime.datetime, ids: list[int] | None) -> list[WebhookDelivery]:
    """Take up to BATCH due rows: locked while claimed, due again only after CLAIM_SECONDS."""
    with transaction.atomic():
        due = WebhookDelivery.objects.due(now).filter(
            client__is_active=True, client__can_read_status=True
        )
        if ids is not None:
            due = due.filter(pk__in=ids)
        rows = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("client")
            .order_by("next_attempt_at", "pk")[:BATCH]
        )
        if rows:
            WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                next_attempt_at=now + datetime.timedelta(seconds=CLAIM_SECONDS),
                attempts=F("attempts") + 1,
                last_attempt_at=now,
            )
    for row in rows:
        row.attempts += 1
    return rows


def _record(row: WebhookDelivery, answer: Answer, now: datetime.datetime) -> None:
    fields: dict[str, object] = {"last_status": answer.status, "last_error": answer.error}
    if answer.ok:
        fields |= {"status": WebhookDelivery.Status.DELIVERED, "delivered_at": now}
        fields |= {"next_attempt_at": None, "last_error": ""}
    elif row.attempts >= MAX_ATTEMPTS:
        fields |= {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
    else:
        fields["next_attempt_at"] = now + RETRY_DELAYS[row.attempts - 1]
    # Only while still pending: a resend or a late duplicate never undoes a delivery.
    WebhookDelivery.objects.filter(pk=row.pk, status=WebhookDelivery.Status.PENDING).update(
        **fields
    )


def _release(row: WebhookDelivery, now: datetime.datetime) -> None:
    """Put a claimed row back untried, due after the first retry delay."""
    WebhookDelivery.objects.filter(pk=row.pk, status=WebhookDelivery.Status.PENDING).update(
        attempts=F("attempts") - 1, next_attempt_at=now + RETRY_DELAYS[0]
    )


def webhook_deliveries_send_due(
    *, now: datetime.datetime | None = None, ids: list[int] | None = None
) -> int:
    """Send every due delivery (or the due ones among `ids`); how many were delivered."""
    delivered = 0
    # Clients whose receiver gave no answer in this run: their other events wait for the next
    # run instead of each waiting out a timeout (one dead receiver does not hold up others).
    unreachable: set[int] = set()
    secrets: dict[int, str | None] = {}  # each client's secret unsealed once a run
    while True:
        started = now or timezone.now()
        rows = _claim(started, ids)
        for row in rows:
            client = row.client
            if client.pk in unreachable:
                _release(row, now or timezone.now())
                continue
            if client.pk not in secrets:
                secrets[client.pk] = webhook_secret(client)
            secret = secrets[client.pk]
            if not client.webhook_url:
                answer = Answer(status=None, error=str(_("The client has no webhook URL.")))
            elif secret is None:
                answer = Answer(
                    status=None,
                    error=str(_("The signing secret cannot be read: rotate it in the admin.")),
                )
            else:
                answer = webhook_post(
                    url=client.webhook_url,
                    secret=secret,
                    event_id=row.event_id,
                    payload=row.payload,
                )
            _record(row, answer, now or timezone.now())
            delivered += answer.ok
            if answer.status is None:
                unreachable.add(client.pk)
        if len(rows) < BATCH:
            return delivered


def webhook_delivery_resend(*, deliveries: list[int], actor: AnyUser | None) -> int:
    """重新推送: the deliveries become due now with a fresh retry schedule; how many.

    A delivered event is sent again too (the receiver dedupes on its id)."""
    with transaction.atomic():
        count = WebhookDelivery.objects.filter(pk__in=deliveries).update(
            status=WebhookDelivery.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            delivered_at=None,
        )
    logger.info("%d webhook deliveries resent by %s", count, actor)
    return count
