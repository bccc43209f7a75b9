"""Login lockout (django-axes) and the 30-minute idle limit for staff."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.otp import fresh_code, totp_device
from units.security import LAST_ACTIVITY_SESSION_KEY

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_the_username_on_that_address_with_a_chinese_message(client, cast):
    for _ in range(4):
        response = attempt(client, "head_a", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    locked = attempt(client, "head_a", "wrong-password")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()
    # Even the right password is refused while locked ...
    right = attempt(client, "head_a", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # ... but the same person from another address, and others here, are not locked out.
    assert attempt(Client(), "head_a", PASSWORD, ip="198.51.100.9").status_code == 302
    assert attempt(Client(), "head_b", PASSWORD).status_code == 302


def test_lockout_lives_in_the_database_so_every_process_sees_it(client, cast):
    for _ in range(5):
        attempt(client, "head_a", "nope")
    row = AccessAttempt.objects.get(username="head_a")
    assert row.ip_address == "203.0.113.7" and row.failures_since_start >= 5
    # Officers unlock in the admin: deleting the attempt lifts the lockout.
    officer = Client()
    officer.force_login(cast.officer)
    from tests.otp import verify_session

    verify_session(officer, cast.officer)
    changelist = officer.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "head_a" in changelist.content.decode()
    officer.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(pk=row.pk).exists()
    assert attempt(client, "head_a", PASSWORD).status_code == 302


def test_lockout_keys_on_the_proxy_client_address_header(client, cast, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "head_a", "password": "bad"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="203.0.113.50",
        )
    assert AccessAttempt.objects.get(username="head_a").ip_address == "203.0.113.50"
    # Another client behind the same proxy is not locked out.
    other = Client().post(
        reverse("login"),
        {"username": "head_a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="203.0.113.51",
    )
    assert other.status_code == 302


def _staff_logged_in(cast) -> Client:
    client = Client()
    totp_device(cast.officer)
    client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": fresh_code(cast.officer)})
    assert client.get(reverse("units:workspace")).status_code == 200
    return client


def _age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - seconds
    session.save()


def test_staff_idle_for_30_minutes_are_signed_out_with_a_chinese_message(cast):
    client = _staff_logged_in(cast)
    assert client.session.get_expiry_age() <= 30 * 60
    _age_session(client, 29 * 60)
    assert client.get(reverse("units:workspace")).status_code == 200
    _age_session(client, 31 * 60)
    response = client.get(reverse("units:workspace"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "30 分钟未操作" in response.content.decode()


def test_activity_keeps_staff_signed_in(cast):
    client = _staff_logged_in(cast)
    _age_session(client, 25 * 60)
    client.get(reverse("units:workspace"))
    assert time.time() - client.session[LAST_ACTIVITY_SESSION_KEY] < 5
    assert client.get(reverse("units:workspace")).status_code == 200


def test_non_staff_keep_the_normal_session_age(client, cast, settings):
    client.post(reverse("login"), {"username": "head_a", "password": PASSWORD})
    assert LAST_ACTIVITY_SESSION_KEY not in client.session
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - 3 * 3600
    session.save()
    assert client.get(reverse("units:workspace")).status_code == 200
