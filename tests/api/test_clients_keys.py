"""Integration clients and keys: issued in the admin (shown once), stored hashed, rotated,
revoked; every call logged; calls limited per client."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import keyed, make_client
from units.api.services import api_key_issue, api_key_revoke, api_key_rotate, key_digest
from units.api.webhooks import webhook_secret_rotate
from units.models import ApiCall, ApiKey, IntegrationClient, SecurityEvent

FEED = "/api/v1/complaints/changes/"


def with_key(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return api


def test_a_key_is_stored_hashed_and_works_until_revoked(db):
    client = make_client()
    issued = api_key_issue(client=client, actor=None)
    key = ApiKey.objects.get()
    assert issued.secret.startswith(f"zf_{key.prefix}_")
    assert key.digest == key_digest(issued.secret) and issued.secret not in key.digest
    assert with_key(issued.secret).get(FEED).status_code == 200
    api_key_revoke(key=key, actor=None)
    assert with_key(issued.secret).get(FEED).status_code == 401


def test_rotation_issues_a_new_key_and_revokes_the_old(db):
    client = make_client()
    old = api_key_issue(client=client, actor=None).secret
    new = api_key_rotate(client=client, actor=None).secret
    assert with_key(old).get(FEED).status_code == 401
    assert with_key(new).get(FEED).status_code == 200


def test_issuing_revoking_and_setting_a_webhook_secret_are_in_the_security_log(cast):
    client = make_client()
    issued = api_key_issue(client=client, actor=cast.custodian)
    api_key_rotate(client=client, actor=cast.custodian)
    webhook_secret = webhook_secret_rotate(client=client, actor=cast.custodian)
    events = list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.CREDENTIAL).order_by("pk"))
    assert [e.detail.split()[0] for e in events] == [
        "api_key_issued",
        "api_key_issued",
        "api_key_revoked",
        "webhook_secret_set",
    ]
    assert {e.user_id for e in events} == {cast.custodian.pk}
    assert all(f"client={client.pk}" in e.detail for e in events)
    # The prefix names the key; the secret itself is never written down.
    assert f"prefix={issued.key.prefix}" in events[0].detail
    assert not any(issued.secret in e.detail or webhook_secret in e.detail for e in events)


def test_a_client_out_of_use_is_refused(db):
    client = make_client()
    api = keyed(client)
    IntegrationClient.objects.filter(pk=client.pk).update(is_active=False)
    assert api.get(FEED).status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(db):
    client = make_client()
    secret = api_key_issue(client=client, actor=None).secret
    assert with_key(secret[:-2] + "xx").get(FEED).status_code == 401
    assert with_key("zf_short").get(FEED).status_code == 401


def test_every_call_is_logged(db):
    client = make_client()
    api = keyed(client)
    api.get(FEED)
    APIClient().get(FEED)
    keyed(make_client("只推送", read_status=False)).get(FEED)
    calls = list(ApiCall.objects.order_by("pk").values_list("client__name", "endpoint", "status"))
    assert calls == [
        ("12345 热线", "api/v1/complaints/changes/", 200),
        (None, "api/v1/complaints/changes/", 401),
        ("只推送", "api/v1/complaints/changes/", 403),
    ]


def test_calls_are_limited_per_client(db):
    slow = keyed(make_client(rate="3/min"))
    other = keyed(make_client("门户网站", rate="3/min"))
    codes = [slow.get(FEED).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert other.get(FEED).status_code == 200  # counted per client


def test_the_admin_issues_a_key_once_and_revokes_it(cast, client_for):
    admin_user = cast.officer
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    browser = client_for(admin_user)
    add = browser.post(
        reverse("admin:units_integrationclient_add"),
        {
            "name": "12345 热线",
            "can_push_complaints": "on",
            "can_read_status": "on",
            "rate": "600/min",
            "is_active": "on",
            "contact": "",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    assert add.status_code == 302, add.content.decode()[:2000]
    client = IntegrationClient.objects.get()
    page = browser.post(
        reverse("admin:units_integrationclient_changelist"),
        {"action": "issue_key", "_selected_action": [client.pk]},
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert with_key(secret).get(FEED).status_code == 200
    # Never shown again: the change page has the prefix only.
    change = browser.get(reverse("admin:units_integrationclient_change", args=[client.pk]))
    assert (
        secret not in change.content.decode()
        and client.keys.get().prefix in change.content.decode()
    )
    bad_rate = browser.post(
        reverse("admin:units_integrationclient_change", args=[client.pk]),
        {"name": "12345 热线", "rate": "lots", "keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "1"},
    )
    assert bad_rate.status_code == 200 and "rate" in bad_rate.context["adminform"].form.errors
    browser.post(
        reverse("admin:units_apikey_changelist"),
        {"action": "revoke", "_selected_action": [client.keys.get().pk]},
    )
    assert with_key(secret).get(FEED).status_code == 401
