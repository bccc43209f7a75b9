"""Thin Celery tasks: take ids or keys, call one service, safe to run twice."""

from celery import shared_task

from units import notifications, services
from units.digests import digest_send
from units.jobs import record_run
from units.models import Digest


@shared_task(acks_late=True)
def deliver_notification_emails(dedupe_keys: list[str]) -> int:
    """E-mail (and, for urgent notices, text) the given notices; safe to run twice."""
    return notifications.notifications_deliver(dedupe_keys=dedupe_keys)


@shared_task(acks_late=True)
@record_run("units.sync_responsibilities")
def sync_responsibilities() -> int:
    """Daily: responsibilities that start or end by date get their grants applied."""
    return services.responsibilities_sync_due()


@shared_task(acks_late=True)
@record_run("units.drain_notification_emails")
def drain_notification_emails() -> int:
    """Every few minutes: e-mail the notices whose delivery task never ran."""
    return notifications.notification_emails_drain()


@shared_task(acks_late=True)
@record_run("units.send_weekly_digest")
def send_weekly_digest() -> int:
    """Mondays: 周检查 for last week to leaders and inspection staff (once per period)."""
    return digest_send(kind=Digest.Kind.WEEKLY)


@shared_task(acks_late=True)
@record_run("units.send_monthly_digest")
def send_monthly_digest() -> int:
    """First of the month: 月点评 for last month."""
    return digest_send(kind=Digest.Kind.MONTHLY)


@shared_task(acks_late=True)
@record_run("units.send_quarterly_digest")
def send_quarterly_digest() -> int:
    """First day of a quarter: 季小结 for the last quarter."""
    return digest_send(kind=Digest.Kind.QUARTERLY)
