"""Thin Celery tasks for the annual assessment (they import the services, never back)."""

from __future__ import annotations

from celery import shared_task

from assessments import services
from units.jobs import record_run


@shared_task(acks_late=True)
def compute_scheme(scheme_id: int, token: str | None = None) -> int:
    """Recompute a scheme's results for the request `token`; safe to run twice (it updates
    them in place atomically) and a no-op once a newer request has been made."""
    return services.scheme_compute(scheme_id=scheme_id, token=token)


@shared_task(acks_late=True)
@record_run("assessments.recompute_open_schemes")
def recompute_open_schemes() -> int:
    """Nightly while a scheme is in progress: queue its recomputation so rankings stay current."""
    return services.schemes_recompute_open()
