"""Helpers shared by the robustness tests (no fixtures here: see conftest.py)."""

from __future__ import annotations

from django.test import Client

from tests.otp import verify_session


def client_as(user) -> Client:
    """A client of its own (one per thread), logged in as `user` as client_for does."""
    client = Client()
    if user is not None:
        client.force_login(user)
        verify_session(client, user)
    return client
