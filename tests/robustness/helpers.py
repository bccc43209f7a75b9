"""Helpers shared by the robustness tests (no fixtures here: see conftest.py)."""

from __future__ import annotations

from django.apps import apps
from django.test import Client


def pass_second_factor(client: Client, user) -> Client:
    """Mark the session as past the staff second factor, when django-otp is installed.

    A no-op when the shared client_for already does it, or for anonymous clients.
    """
    if user is None or not apps.is_installed("django_otp"):
        return client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    if DEVICE_ID_SESSION_KEY not in client.session:
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="robustness-tests", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def client_as(user) -> Client:
    """A client of its own (one per thread), logged in as `user`."""
    client = Client()
    if user is not None:
        client.force_login(user)
        pass_second_factor(client, user)
    return client
