"""Thin Celery tasks: each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from complaints import services
from complaints.api import webhooks
from units.jobs import record_run


@shared_task(acks_late=True)
@record_run("complaints.escalation_sweep")
def escalation_sweep() -> dict[str, int]:
    return services.complaints_escalation_sweep()


@shared_task(acks_late=True)
@record_run("complaints.expire_pauses")
def expire_pauses() -> int:
    """Daily, before the escalation sweep: paused clocks at their limit restart, each once."""
    return services.complaint_pauses_expire()


@shared_task(acks_late=True)
@record_run("complaints.compact_figures")
def compact_figures() -> int:
    return services.complaint_figures_compact()


@shared_task(acks_late=True)
@record_run("complaints.send_webhooks")
def send_webhooks() -> dict[str, int]:
    """Every minute: the changes feed's new events into the outbox, due deliveries sent."""
    return webhooks.webhooks_dispatch()
