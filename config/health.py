"""Health endpoints for the load balancer: the web process, the database, the broker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is touched."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def database(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "component": "database"}, status=503)
    return JsonResponse({"status": "ok", "component": "database"})


@never_cache
@require_GET
def broker(request: HttpRequest) -> JsonResponse:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        logger.exception("health check: broker unreachable")
        return JsonResponse({"status": "error", "component": "broker"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "component": "broker",
            "transport": settings.CELERY_BROKER_URL.split(":")[0],
        }
    )
