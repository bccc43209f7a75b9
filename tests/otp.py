"""Two-factor login for tests: staff sessions are verified the way the app verifies them."""

from __future__ import annotations

import time
from binascii import unhexlify

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.security import requires_two_factor


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the app would show now (offset: steps later/earlier)."""
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def fresh_code(user) -> str:
    """A code the server will accept now: an unused TOTP step within the allowed drift,
    else (several logins in one 30-second step) a new single-use backup code."""
    device = totp_device(user)
    device.refresh_from_db()
    now = TOTP(unhexlify(device.key), device.step, device.t0).t()
    for step in (now - 1, now, now + 1):
        if step > device.last_t:
            return totp_code(device, offset=step - now)
    backup, _ = StaticDevice.objects.get_or_create(user=user, name="test-backup")
    token = StaticToken.random_token()
    backup.token_set.create(token=token)
    return token


def verify_session(client: Client, user) -> None:
    """What django_otp.login does after the code is accepted, for a force_login'ed client."""
    if not requires_two_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


def pass_browser_two_factor(page, user) -> None:
    """After the password step in the browser: enter a code if the app asks for one.

    `user` may be a username. A staff member without an authenticator is given one here,
    as if they had enrolled earlier (tests/hardening covers the enrolment itself).
    """
    if isinstance(user, str):
        user = get_user_model().objects.get(username=user)
    if not requires_two_factor(user):
        return
    totp_device(user)
    page.wait_for_url("**/accounts/2fa/**")
    if "/setup/" in page.url:
        page.goto(page.url.replace("/accounts/2fa/setup/", "/accounts/2fa/"))
    page.get_by_label("验证码").fill(fresh_code(user))
    page.get_by_role("button", name="验证", exact=True).click()
