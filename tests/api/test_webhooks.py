"""Webhooks: every change the feed lists for a client is POSTed to its URL, signed, retried
with backoff until delivered or given up, never sent twice by a second run, and only ever
the client's own cases. A real HTTP server in a thread receives them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.server
import importlib.util
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.api.webhooks import webhook_events_fan_out, webhooks_dispatch
from complaints.tasks import send_webhooks
from tests.api.conftest import keyed, make_client
from tests.api.test_changes import FEED, push
from units.api.webhooks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    webhook_delivery_resend,
    webhook_secret,
    webhook_secret_rotate,
    webhook_url_check,
)
from units.models import IntegrationClient
from units.models.integration import WebhookDelivery

Delivery = WebhookDelivery


class Receiver:
    """A local HTTP endpoint: records each POST and answers with the next planned status."""

    def __init__(self, answers: list[int] | None = None, always: int = 200) -> None:
        self.answers = list(answers or [])
        self.always = always
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                code = receiver.answers.pop(0) if receiver.answers else receiver.always
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]

    def event_ids(self) -> list[str]:
        return [headers["X-Zuofeng-Event-Id"] for headers, _ in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for receiver in made:
        receiver.close()


@pytest.fixture
def receiver(receivers) -> Receiver:
    receivers.append(Receiver())
    return receivers[-1]


def with_webhook(client: IntegrationClient, url: str) -> str:
    secret = webhook_secret_rotate(client=client, actor=None)
    IntegrationClient.objects.filter(pk=client.pk).update(webhook_url=url)
    client.refresh_from_db()
    return secret


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What the receiver does (docs/API.md): HMAC of "timestamp.body", compared in constant time."""
    timestamp = headers["X-Zuofeng-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(f"sha256={expected.hexdigest()}", headers["X-Zuofeng-Signature"])


def example_client():
    """docs/api_client_example.py, whose verify_webhook the docs tell receivers to use."""
    path = Path(settings.BASE_DIR) / "docs" / "api_client_example.py"
    spec = importlib.util.spec_from_file_location("api_client_example", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_state_change_reaches_the_receiver_signed_as_the_feed_shows_it(cast, receiver):
    hotline = make_client()
    api = keyed(hotline)
    secret = with_webhook(hotline, receiver.url)
    complaint = push(api, "T-1")
    services.complaint_accept(complaint=complaint, actor=cast.officer)

    assert webhooks_dispatch() == {"queued": 2, "delivered": 2}

    assert [e["status"] for e in receiver.events()] == ["registered", "accepted"]
    documented = example_client().verify_webhook
    for headers, body in receiver.received:
        assert verify(secret, headers, body)
        assert documented(secret, headers, body)
        assert not documented(secret, headers, body + b" ")
        assert not documented(secret, {**headers, "X-Zuofeng-Timestamp": "1000000000"}, body)
        assert headers["Content-Type"].startswith("application/json")
        assert headers["X-Zuofeng-Event-Id"] == str(json.loads(body)["id"])
        assert not verify("whsec_other", headers, body)
    # The same events, word for word, as the changes feed gives them.
    assert receiver.events() == api.get(FEED).json()["results"]
    rows = list(Delivery.objects.order_by("event_id"))
    assert [r.status for r in rows] == ["delivered", "delivered"]
    assert all(r.attempts == 1 and r.last_status == 200 and r.delivered_at for r in rows)


def test_a_500_is_retried_after_the_backoff_and_then_delivered_once(cast, receivers):
    receivers.append(Receiver(answers=[500]))
    receiver = receivers[0]
    hotline = make_client()
    with_webhook(hotline, receiver.url)
    push(keyed(hotline), "T-1")
    t0 = timezone.now()

    webhooks_dispatch(now=t0)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_status) == ("pending", 1, 500)
    assert row.next_attempt_at == t0 + RETRY_DELAYS[0]
    assert "500" in row.last_error

    webhooks_dispatch(now=t0 + datetime.timedelta(seconds=30))  # not due yet
    assert len(receiver.received) == 1

    later = t0 + RETRY_DELAYS[0] + datetime.timedelta(seconds=1)
    assert webhooks_dispatch(now=later)["delivered"] == 1
    webhooks_dispatch(now=later + datetime.timedelta(days=1))
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("delivered", 2, 200, "")
    assert receiver.event_ids() == [str(row.event_id)] * 2  # the same id: the receiver dedupes


def test_a_receiver_that_always_fails_ends_failed_after_the_schedule(cast, receivers):
    receivers.append(Receiver(always=503))
    receiver = receivers[0]
    hotline = make_client()
    with_webhook(hotline, receiver.url)
    push(keyed(hotline), "T-1")
    now = timezone.now()
    webhooks_dispatch(now=now)
    for delay in RETRY_DELAYS:
        now += delay
        webhooks_dispatch(now=now)
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert len(receiver.received) == MAX_ATTEMPTS == 6
    webhooks_dispatch(now=now + datetime.timedelta(days=7))
    assert len(receiver.received) == MAX_ATTEMPTS


def test_the_backoff_waits_1_5_30_minutes_2_and_12_hours():
    assert [d.total_seconds() / 60 for d in RETRY_DELAYS] == [1, 5, 30, 120, 720]


def test_a_client_without_a_webhook_gets_no_deliveries(cast, receiver):
    plain = make_client("门户网站")
    no_secret = make_client("只有地址")
    IntegrationClient.objects.filter(pk=no_secret.pk).update(webhook_url=receiver.url)
    for client, ticket in ((plain, "P-1"), (no_secret, "S-1")):
        complaint = push(keyed(client), ticket)
        services.complaint_accept(complaint=complaint, actor=cast.officer)
    assert webhooks_dispatch() == {"queued": 0, "delivered": 0}
    assert not Delivery.objects.exists() and receiver.received == []


def test_a_client_without_the_read_status_scope_gets_no_deliveries(cast, receiver):
    pusher = make_client(read_status=False)
    with_webhook(pusher, receiver.url)
    push(keyed(pusher), "T-1")
    webhooks_dispatch()
    assert not Delivery.objects.exists() and receiver.received == []


def test_another_clients_cases_never_reach_this_client(cast, receivers):
    receivers += [Receiver(), Receiver()]
    hotline, portal = make_client(), make_client("门户网站")
    with_webhook(hotline, receivers[0].url)
    with_webhook(portal, receivers[1].url)
    services.complaint_accept(complaint=push(keyed(hotline), "H-1"), actor=cast.officer)
    push(keyed(portal), "P-1")
    webhooks_dispatch()
    assert [e["ticket"] for e in receivers[0].events()] == ["H-1", "H-1"]
    assert [e["ticket"] for e in receivers[1].events()] == ["P-1"]


def test_a_client_limited_to_a_subtree_is_told_only_of_its_subtree(cast, receivers):
    receivers.append(Receiver())
    county = make_client()
    narrow = make_client("乡镇平台", unit=cast.dept_b)
    with_webhook(narrow, receivers[0].url)
    api = keyed(narrow)
    # The same feed rule: what the selector leaves out of its feed is never pushed either.
    webhooks_dispatch()
    assert api.get(FEED).json()["results"] == []
    push(keyed(county), "C-1")
    webhooks_dispatch()
    assert receivers[0].received == []


def test_running_twice_does_not_send_twice(cast, receiver):
    hotline = make_client()
    with_webhook(hotline, receiver.url)
    complaint = push(keyed(hotline), "T-1")
    services.complaint_accept(complaint=complaint, actor=cast.officer)
    now = timezone.now()
    assert webhook_events_fan_out(now=now) == 2
    assert webhook_events_fan_out(now=now) == 0  # the cursor moved with the rows
    send_webhooks.apply(throw=True)
    send_webhooks.apply(throw=True)
    assert Delivery.objects.count() == 2
    assert sorted(receiver.event_ids()) == sorted(
        str(pk) for pk in Delivery.objects.values_list("event_id", flat=True)
    )


def test_a_claimed_delivery_is_not_sent_by_a_second_worker(cast, receiver):
    from units.api import webhooks

    hotline = make_client()
    with_webhook(hotline, receiver.url)
    push(keyed(hotline), "T-1")
    now = timezone.now()
    webhook_events_fan_out(now=now)
    claimed = webhooks._claim(now, None)  # a worker took it and is still sending
    assert len(claimed) == 1
    assert webhooks.webhook_deliveries_send_due(now=now) == 0
    assert receiver.received == []
    # The worker died: once its claim lapses the row is due again (at least once).
    lapse = now + datetime.timedelta(seconds=webhooks.CLAIM_SECONDS + 1)
    assert webhooks.webhook_deliveries_send_due(now=lapse) == 1
    assert len(receiver.received) == 1


def test_a_new_webhook_starts_from_when_its_secret_was_set(cast, receiver):
    hotline = make_client()
    api = keyed(hotline)
    push(api, "T-0")  # before the webhook: in the feed only
    IntegrationClient.objects.filter(pk=hotline.pk).update(webhook_url=receiver.url)
    webhook_secret_rotate(client=hotline, actor=None)
    push(api, "T-1")
    webhooks_dispatch()
    assert [e["ticket"] for e in receiver.events()] == ["T-1"]


def test_unreachable_and_redirecting_receivers_are_failures(cast, receivers):
    receivers.append(Receiver(always=302))
    hotline, portal = make_client(), make_client("门户网站")
    with_webhook(hotline, "http://127.0.0.1:9/closed")  # discard port: nothing listens
    with_webhook(portal, receivers[0].url)
    push(keyed(hotline), "T-1")
    push(keyed(portal), "P-1")
    webhooks_dispatch()
    down = Delivery.objects.get(client=hotline)
    assert (down.status, down.last_status) == ("pending", None) and down.last_error
    moved = Delivery.objects.get(client=portal)
    assert (moved.status, moved.last_status) == ("pending", 302)
    assert len(receivers[0].received) == 1  # the redirect was not followed


def test_an_unreachable_receiver_is_tried_once_per_run(cast):
    hotline = make_client()
    with_webhook(hotline, "http://127.0.0.1:9/closed")
    complaint = push(keyed(hotline), "T-1")
    services.complaint_accept(complaint=complaint, actor=cast.officer)
    now = timezone.now()
    webhooks_dispatch(now=now)
    tried, waiting = Delivery.objects.order_by("event_id")
    assert (tried.attempts, tried.next_attempt_at) == (1, now + RETRY_DELAYS[0])
    # Not tried (no timeout waited out), due with the first retry.
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert waiting.next_attempt_at == now + RETRY_DELAYS[0]


def test_only_http_urls_are_accepted():
    assert webhook_url_check(" https://hotline.example/hook ") == "https://hotline.example/hook"
    assert webhook_url_check("") == ""
    for url in ("ftp://hotline.example/x", "file:///etc/passwd", "javascript:alert(1)", "hook"):
        with pytest.raises(ValidationError):
            webhook_url_check(url)


def test_the_secret_is_kept_encrypted_and_rotation_replaces_it(db):
    hotline = make_client()
    first = webhook_secret_rotate(client=hotline, actor=None)
    hotline.refresh_from_db()
    assert first.startswith("whsec_") and first not in hotline.webhook_secret
    assert webhook_secret(hotline) == first
    second = webhook_secret_rotate(client=hotline, actor=None)
    hotline.refresh_from_db()
    assert second != first and webhook_secret(hotline) == second


def test_resend_sends_a_delivered_event_again_with_its_id(cast, receiver):
    hotline = make_client()
    with_webhook(hotline, receiver.url)
    push(keyed(hotline), "T-1")
    webhooks_dispatch()
    row = Delivery.objects.get()
    assert webhook_delivery_resend(deliveries=[row.pk], actor=None) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.delivered_at) == ("pending", 0, None)
    webhooks_dispatch()
    assert receiver.event_ids() == [str(row.event_id)] * 2
    row.refresh_from_db()
    assert row.status == "delivered"


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def superuser_browser(cast, client_for):
    cast.officer.is_superuser = True
    cast.officer.save(update_fields=["is_superuser"])
    return client_for(cast.officer)


def test_the_admin_sets_the_url_and_shows_the_secret_once(cast, superuser_browser):
    browser = superuser_browser
    hotline = make_client()
    change = reverse("admin:units_integrationclient_change", args=[hotline.pk])
    form = {
        "name": hotline.name,
        "can_read_status": "on",
        "rate": "600/min",
        "is_active": "on",
        "keys-TOTAL_FORMS": "0",
        "keys-INITIAL_FORMS": "0",
    }
    refused = browser.post(change, {**form, "webhook_url": "ftp://hotline.example/hook"})
    assert refused.status_code == 200
    assert "webhook_url" in refused.context["adminform"].form.errors
    saved = browser.post(change, {**form, "webhook_url": "https://hotline.example/hook"})
    assert saved.status_code == 302
    hotline.refresh_from_db()
    assert hotline.webhook_url == "https://hotline.example/hook"

    page = browser.post(
        reverse("admin:units_integrationclient_changelist"),
        {"action": "rotate_webhook_secret", "_selected_action": [hotline.pk]},
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret in page.content.decode()
    hotline.refresh_from_db()
    assert webhook_secret(hotline) == secret
    assert secret not in browser.get(change).content.decode()


def test_the_admin_lists_deliveries_by_status_and_resends(
    cast, superuser_browser, receivers, django_assert_max_num_queries
):
    receivers.append(Receiver(always=500))
    hotline = make_client()
    with_webhook(hotline, receivers[0].url)
    for n in range(3):
        push(keyed(hotline), f"T-{n}")
    now = timezone.now()
    webhooks_dispatch(now=now)
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk").first().pk).update(
        status="failed", next_attempt_at=None
    )
    listing = reverse("admin:units_webhookdelivery_changelist")
    with django_assert_max_num_queries(12):
        page = superuser_browser.get(listing, {"status__exact": "failed"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list.values_list("status", flat=True)) == ["failed"]
    for q in ("abc", str(Delivery.objects.first().event_id), "热线"):
        assert superuser_browser.get(listing, {"q": q}).status_code == 200
    failed = Delivery.objects.get(status="failed")
    superuser_browser.post(listing, {"action": "resend", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    # Read-only: no form to edit an event.
    detail = superuser_browser.get(reverse("admin:units_webhookdelivery_change", args=[failed.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
