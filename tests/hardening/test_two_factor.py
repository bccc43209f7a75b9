"""Two-factor login for inspection staff and administrators; others are unaffected."""

from __future__ import annotations

import base64
import re
from binascii import unhexlify

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory
from tests.otp import fresh_code, totp_code, totp_device
from units.security import requires_two_factor

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/2fa/"
SETUP = "/accounts/2fa/setup/"


def password_login(client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data | ({"next": next_url} if next_url else {}))


def test_the_two_factor_population(cast):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    plain_staff = UserFactory(username="clerk", is_staff=True)
    assert requires_two_factor(cast.officer)
    assert requires_two_factor(superuser) and requires_two_factor(plain_staff)
    for user in (cast.leader, cast.head_a, cast.head_b, cast.in_charge, cast.evaluator):
        assert not requires_two_factor(user), user.username


def test_first_login_sets_up_an_authenticator_with_qr_and_backup_codes(client, cast):
    response = password_login(client, cast.officer)
    assert response.status_code == 302
    # Anything but the 2FA pages sends an unverified officer to the second step ...
    workspace = client.get(reverse("units:workspace"))
    assert workspace.status_code == 302 and workspace["Location"].startswith(VERIFY)
    # ... which, with no device yet, is the set-up page with a QR code drawn here.
    verify = client.get(workspace["Location"])
    assert verify.status_code == 302 and verify["Location"].startswith(SETUP)
    setup = client.get(verify["Location"])
    body = setup.content.decode()
    assert setup.status_code == 200
    assert "设置二次验证" in body and "<svg" in body and "otpauth" not in body.split("<svg")[0]
    device = TOTPDevice.objects.get(user=cast.officer)
    assert not device.confirmed
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', body).group(1)
    assert unhexlify(device.key) == base64.b32decode(secret + "=" * (-len(secret) % 8))

    # A wrong code is refused in Chinese and confirms nothing.
    wrong = client.post(SETUP, {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert "验证码不正确或已过期" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # the wrong code delays the next try by a second: time passes

    confirmed = client.post(SETUP, {"token": totp_code(device), "next": "/workspace/"})
    assert confirmed.status_code == 200
    codes = re.findall(r"<li class=\"col\">(\w+)</li>", confirmed.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("units:workspace")).status_code == 200


def test_returning_staff_enter_a_code_and_reach_workspace_and_admin(client, cast):
    totp_device(cast.officer)
    password_login(client, cast.officer, next_url="/admin/")
    blocked = client.get("/admin/")
    assert blocked.status_code == 302 and blocked["Location"].startswith(VERIFY)
    page = client.get(blocked["Location"])
    assert page.status_code == 200 and "二次验证" in page.content.decode()

    wrong = client.post(VERIFY, {"token": "12345x", "next": "/admin/"})
    assert wrong.status_code == 400
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    totp_device(cast.officer).throttle_reset()  # time passes after the wrong try

    ok = client.post(VERIFY, {"token": fresh_code(cast.officer), "next": "/admin/"})
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("units:workspace")).status_code == 200


def test_a_code_cannot_be_replayed(client, cast):
    device = totp_device(cast.officer)
    code = totp_code(device)
    password_login(client, cast.officer)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    other = Client()
    password_login(other, cast.officer)
    assert other.post(VERIFY, {"token": code}).status_code == 400
    assert other.get(reverse("units:workspace")).status_code == 302


def test_backup_code_signs_in_once(client, cast):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True, password=PASSWORD)
    password_login(client, admin)
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=admin)
    codes_page = client.post(SETUP, {"token": totp_code(pending)})
    codes = re.findall(r"<li class=\"col\">(\w+)</li>", codes_page.content.decode())
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=admin).count() == 10

    again = Client()
    password_login(again, admin)
    assert again.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert again.get("/admin/").status_code == 200
    assert not StaticToken.objects.filter(device__user=admin, token=codes[0]).exists()
    third = Client()
    password_login(third, admin)
    assert third.post(VERIFY, {"token": codes[0]}).status_code == 400


def test_unverified_staff_reach_only_the_2fa_pages_and_logout(client, cast):
    totp_device(cast.officer)
    password_login(client, cast.officer)
    for url in (
        reverse("units:workspace"),
        reverse("units:unit_list"),
        reverse("complaints:list"),
        "/admin/",
        "/admin/units/unit/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
    # A write is refused too, not only pages.
    assert client.post(reverse("units:notifications_read_all")).status_code == 302
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("who", ["leader", "head_a", "in_charge", "evaluator", "outsider"])
def test_non_staff_are_not_asked_for_a_code(client, cast, who):
    user = getattr(cast, who)
    response = password_login(client, user)
    assert response.status_code == 302 and not response["Location"].startswith(VERIFY)
    assert client.get(reverse("units:workspace")).status_code == 200
    # The 2FA pages send them on.
    assert client.get(VERIFY).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_verify_codes_are_throttled(client, cast):
    device = totp_device(cast.officer)
    password_login(client, cast.officer)
    assert client.post(VERIFY, {"token": "000001"}).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Right after a failure the throttle refuses even the right code (guessing is slowed) ...
    code = fresh_code(cast.officer)
    assert client.post(VERIFY, {"token": code}).status_code == 400
    assert client.get(reverse("units:workspace")).status_code == 302
    # ... and accepts it once the delay has passed.
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(VERIFY, {"token": code}).status_code == 302
