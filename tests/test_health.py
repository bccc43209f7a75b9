"""Health endpoints answer without login and report each dependency."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_live_and_database_are_ok(client):
    assert client.get(reverse("health_live")).json() == {"status": "ok"}
    assert client.get(reverse("health_db")).json()["status"] == "ok"


def test_broker_is_ok(client):
    response = client.get(reverse("health_broker"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"


def test_broker_down_is_503_quickly(client, settings):
    import time

    from config.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        started = time.monotonic()
        response = client.get(reverse("health_broker"))
        assert response.status_code == 503
        assert time.monotonic() - started < 10
    finally:
        app.conf.broker_url = original


def test_health_refuses_writes(client):
    assert client.post(reverse("health_live")).status_code == 405


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/favicon.ico", "image/"), ("/apple-touch-icon.png", "image/png")],
)
def test_site_icons_are_served_at_the_root(client, path, content_type):
    # Browsers and the admin's pages ask for /favicon.ico whatever a page links: no 404s.
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert len(body) > 100
