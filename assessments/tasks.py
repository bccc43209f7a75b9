"""Thin Celery tasks for the annual assessment."""

from __future__ import annotations

from celery import shared_task

from units.jobs import record_run


@shared_task(acks_late=True)
def compute_scheme(scheme_id: int) -> int:
    """Recompute a scheme's results; safe to run twice (it replaces them atomically)."""
    from assessments.services import scheme_compute

    return scheme_compute(scheme_id=scheme_id)


@shared_task(acks_late=True)
@record_run("assessments.recompute_open_schemes")
def recompute_open_schemes() -> int:
    """Nightly while a scheme is in progress: queue its recomputation so rankings stay current."""
    from assessments.services import schemes_recompute_open

    return schemes_recompute_open()
