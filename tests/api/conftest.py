"""API tests: an integration client with a key, and a REST client that sends it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.complaints.conftest import category, complaint_drive  # noqa: F401
from units.api.services import api_key_issue
from units.models import IntegrationClient


def make_client(
    name: str = "12345 热线", *, unit=None, rate: str = "600/min", **scopes: bool
) -> IntegrationClient:
    flags = {"can_push_complaints": True, "can_read_status": True} | {
        f"can_{k}": v for k, v in scopes.items()
    }
    return IntegrationClient.objects.create(name=name, unit=unit, rate=rate, **flags)


def keyed(client: IntegrationClient) -> APIClient:
    secret = api_key_issue(client=client, actor=None).secret
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    api.secret = secret  # type: ignore[attr-defined]
    return api


@pytest.fixture(autouse=True)
def _no_settle(settings):
    # The changes feed holds back changes younger than the settle window; tests read at once.
    settings.ZUOFENG_API_CHANGES_SETTLE_SECONDS = 0


@pytest.fixture
def hotline(db) -> IntegrationClient:
    return make_client()


@pytest.fixture
def api(hotline) -> APIClient:
    return keyed(hotline)
