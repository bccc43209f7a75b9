"""Thin Celery tasks for the annual assessment."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def compute_scheme(scheme_id: int) -> int:
    """Recompute a scheme's results; safe to run twice (it replaces them atomically)."""
    from assessments.services import scheme_compute

    return scheme_compute(scheme_id=scheme_id)
