"""Thin Celery tasks: take ids or keys, call one service, safe to run twice."""

from celery import shared_task

from units import services
from units.jobs import record_run


@shared_task(acks_late=True)
def deliver_notification_emails(dedupe_keys: list[str]) -> int:
    return services.notification_emails_deliver(dedupe_keys=dedupe_keys)


@shared_task(acks_late=True)
@record_run("units.sync_responsibilities")
def sync_responsibilities() -> int:
    """Daily: responsibilities that start or end by date get their grants applied."""
    return services.responsibilities_sync_due()


@shared_task(acks_late=True)
@record_run("units.drain_notification_emails")
def drain_notification_emails() -> int:
    """Every few minutes: e-mail the notices whose delivery task never ran."""
    return services.notification_emails_drain()
