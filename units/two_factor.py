"""Two-factor login for staff: TOTP devices (any authenticator app) and backup codes.

Every write is here; units.two_factor_views only validates and calls these.
"""

from __future__ import annotations

import base64
from binascii import unhexlify

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from units.types import AnyUser

DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
BACKUP_CODE_COUNT = 10


def has_confirmed_device(user: AnyUser) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_setup_device(*, user: AnyUser) -> TOTPDevice:
    """The user's pending (unconfirmed) authenticator, created on first use of the setup page.

    The same pending key is shown until it is confirmed, so reloading the page does not
    invalidate a code the user has just scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps expect it when typed in by hand."""
    return base64.b32encode(unhexlify(device.key)).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG (rendered here: no external QR service)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    return image.to_string(encoding="unicode")


def totp_device_confirm(*, user: AnyUser, device_id: int, token: str) -> TOTPDevice | None:
    """Confirm a pending authenticator with its first code; None when the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None or not device.verify_token(token):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per person: a re-enrolment replaces older ones.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def backup_codes_regenerate(*, user: AnyUser) -> list[str]:
    """New single-use backup codes; the old ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def token_verify(*, user: AnyUser, token: str) -> Device | None:
    """The confirmed device (authenticator or backup code) that accepts this code, if any."""
    token = "".join(token.split())
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


# --- Demo only ------------------------------------------------------------------------------
# A published key, like the demo password: seed_demo gives the demo staff logins an
# authenticator with it, and `manage.py demo_code` prints its current code. Both commands
# refuse to run under production settings.
DEMO_TOTP_KEY = b"zuofeng-demo-2fa-key".hex()
DEMO_DEVICE_NAME = "demo"


def demo_device_ensure(*, user: AnyUser) -> bool:
    """Give a demo staff login the demo authenticator unless it has one already."""
    if has_confirmed_device(user):
        return False
    TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
    return True


def demo_secret_base32() -> str:
    return base64.b32encode(unhexlify(DEMO_TOTP_KEY)).decode().rstrip("=")


def demo_current_code() -> str:
    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(DEMO_TOTP_KEY))
    return f"{totp.token():06d}"
