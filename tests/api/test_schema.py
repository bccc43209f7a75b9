"""The schema is the contract: the committed docs/openapi.yaml is what the code serves, and
schemathesis finds no server error and no answer outside the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.conftest import keyed, make_client

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
REGENERATE = (
    "DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python manage.py spectacular "
    "--lang en --fail-on-warn --validate --file docs/openapi.yaml"
)


def test_the_committed_schema_matches_the_code(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--lang", "en", "--fail-on-warn", "--file", str(fresh))
    assert fresh.read_text() == COMMITTED.read_text(), (
        f"docs/openapi.yaml is out of date with the code: regenerate it with\n  {REGENERATE}"
    )


def test_the_schema_and_its_pages_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    # Swagger UI from our own static files, never a CDN.
    assert "/static/drf_spectacular_sidecar/" in page and "cdn" not in page.lower()
    redoc = client.get("/api/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in redoc
    assert "https://" not in page and "https://" not in redoc


def app(environ, start_response):
    """The project's WSGI application, minus closing the database connection at the start and
    end of each request (it holds the test's transaction), as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return [body]


schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def key(cast) -> str:
    # A key with every scope, limited to nothing: the hotline as it will call.
    client = make_client(rate="100000/min", read_results=True, read_cadres=True)
    return keyed(client).secret  # type: ignore[attr-defined]


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_the_live_schema_holds(case, key, settings):
    settings.ALLOWED_HOSTS = ["*"]
    response = case.call(headers={"Authorization": f"Bearer {key}"})
    case.validate_response(response, checks=CHECKS)
    # And without a key: refused with 401, as documented.
    anonymous = case.call()
    case.validate_response(anonymous, checks=CHECKS)
