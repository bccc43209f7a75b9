"""Webhooks for complaints: every change the changes feed lists for a client becomes one
delivery in the outbox (`units.models.integration.WebhookDelivery`), which
`units.api.webhooks` signs and sends.

The outbox is filled from the feed itself, not beside the transitions: a per-client cursor
reads `complaint_changes` (the feed's own selector: the client's scope, the settle window)
and renders each change with `ChangeSerializer` (the feed's own format). So the webhook can
never say something the feed does not, a change committed late is not skipped (the settle
window), and a run is idempotent: the cursor moves in the same transaction as the rows are
written, and a change is one row per client (a unique constraint). The cost is latency: a
change is sent at the next run (every minute) after the settle window.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from complaints.api.selectors import complaint_changes
from complaints.api.serializers import ChangeSerializer
from complaints.models import ComplaintTransition
from units.api.webhooks import webhook_deliveries_send_due
from units.models import IntegrationClient
from units.models.integration import WebhookDelivery

PAGE = 500
# Pages per client and run: a client that fell far behind catches up over several runs.
MAX_PAGES = 20


def webhook_clients() -> list[IntegrationClient]:
    """Clients with a webhook that may read status: URL and signing secret set, in use."""
    return list(
        IntegrationClient.objects.active()
        .filter(can_read_status=True)
        .exclude(webhook_url="")
        .exclude(webhook_secret="")
        .order_by("pk")
    )


def _start(client: IntegrationClient) -> int:
    """A new webhook carries the changes from the moment its signing secret was set; the
    earlier ones are in the feed. (Switched off and on again, it resumes where it stopped.)"""
    last = (
        ComplaintTransition.objects.filter(created_at__lt=client.webhook_secret_set_at)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return last or 0


def _fan_out_client(client_id: int, now: datetime.datetime) -> int:
    with transaction.atomic():
        # Locked for the run: a second run at the same time skips this client.
        client = (
            IntegrationClient.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("unit")
            .filter(pk=client_id)
            .first()
        )
        if client is None:
            return 0
        cursor = client.webhook_cursor
        if cursor is None:
            cursor = _start(client)
        written = 0
        for _page in range(MAX_PAGES):
            rows = complaint_changes(
                client=client, user=AnonymousUser(), after=cursor, limit=PAGE, now=now
            )
            if not rows:
                break
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(
                        client=client,
                        event_id=row.pk,
                        payload=ChangeSerializer(row).data,
                        next_attempt_at=now,
                        created_at=now,
                    )
                    for row in rows
                ],
                ignore_conflicts=True,
            )
            written += len(rows)
            cursor = rows[-1].pk
            if len(rows) < PAGE:
                break
        if cursor != client.webhook_cursor:
            client.webhook_cursor = cursor
            client.save(update_fields=["webhook_cursor"])
    return written


def webhook_events_fan_out(*, now: datetime.datetime | None = None) -> int:
    """Turn the feed's new changes into deliveries, per client with a webhook; how many."""
    now = now or timezone.now()
    return sum(_fan_out_client(client.pk, now) for client in webhook_clients())


def webhooks_dispatch(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic run: new changes into the outbox, then every due delivery sent."""
    queued = webhook_events_fan_out(now=now)
    delivered = webhook_deliveries_send_due(now=now)
    return {"queued": queued, "delivered": delivered}
