"""Two-factor login for tests: staff sessions are verified the way the app verifies them."""

from __future__ import annotations

import time
from binascii import unhexlify

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from units.security import requires_two_factor

# Every wait of a browser test (the page fixture's default): generous, because a wait ends
# as soon as the page shows what it waits for, and a machine busy with other work (CI next to
# other jobs) can take many seconds for a page that takes one when idle.
BROWSER_TIMEOUT_MS = 90_000


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, offset: int = 0) -> str:
    """The code the app would show now (offset: steps later/earlier)."""
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


def backup_code(user) -> str:
    """A new single-use backup code: accepted whenever it is submitted, with no clock in it."""
    backup, _ = StaticDevice.objects.get_or_create(user=user, name="test-backup")
    token = StaticToken.random_token()
    backup.token_set.create(token=token)
    return token


def fresh_code(user) -> str:
    """A code the server will accept now and for at least the next 30 seconds.

    The TOTP code of the server's current step (its drift included): the server accepts it
    until the end of the following step, so it cannot expire at a step boundary between here
    and the request (an earlier step's code could). Once that step has been used (several
    logins within one step), a new single-use backup code.
    """
    device = totp_device(user)
    device.refresh_from_db()
    totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() > device.last_t:
        return f"{totp.token():06d}"
    return backup_code(user)


def verify_session(client: Client, user) -> None:
    """What django_otp.login does after the code is accepted, for a force_login'ed client."""
    if not requires_two_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()


def pass_browser_two_factor(page, user) -> None:
    """After the password step in the browser: enter a code when the app asks for one.

    `user` may be a username. Waits on the code field (not on a URL or a timer) and enters a
    single-use backup code, so the step cannot fail at a 30-second TOTP step boundary
    however slowly the page comes (TOTP itself is tested in tests/hardening). A staff member
    without an authenticator is given one, as if they had enrolled earlier (browser_login
    does so before sending the password; should the app ask to enrol, this goes on to the
    code page).
    """
    if isinstance(user, str):
        user = get_user_model().objects.get(username=user)
    if not requires_two_factor(user):
        return
    totp_device(user)
    field = page.get_by_label("验证码", exact=True)
    field.wait_for()
    if "/setup/" in page.url:
        page.goto(page.url.replace("/accounts/2fa/setup/", "/accounts/2fa/"))
    field.fill(backup_code(user))
    page.get_by_role("button", name="验证", exact=True).click()


def browser_login(page, base_url: str, username: str, *, password: str = PASSWORD) -> None:
    """Sign in through the login page (and the two-factor step) and wait for the workspace.

    Every browser test signs in with this. It waits on what the pages show: the code field,
    then the workspace's heading, each within the page's (generous) default timeout.
    """
    user = get_user_model().objects.get(username=username)
    if requires_two_factor(user):
        totp_device(user)  # enrolled: the app asks for a code, not for a new authenticator
    page.context.clear_cookies()
    page.goto(base_url + reverse("login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    pass_browser_two_factor(page, user)
    page.get_by_role("heading", name="工作台", exact=True).wait_for()
    page.wait_for_url("**" + reverse("units:workspace"))
