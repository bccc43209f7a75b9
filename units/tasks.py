"""Thin Celery tasks: take ids or keys, call one service, safe to run twice."""

from celery import shared_task

from units import audit_chain, exports, notifications, services
from units.digests import digests_prepare, digests_send_due
from units.excel.staging import staged_uploads_sweep
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
    """Mondays: 周检查 for last week, per jurisdiction, as drafts for inspection staff."""
    return digests_prepare(kind=Digest.Kind.WEEKLY)


@shared_task(acks_late=True)
@record_run("units.send_monthly_digest")
def send_monthly_digest() -> int:
    """First of the month: 月点评 for last month."""
    return digests_prepare(kind=Digest.Kind.MONTHLY)


@shared_task(acks_late=True)
@record_run("units.send_quarterly_digest")
def send_quarterly_digest() -> int:
    """First day of a quarter: 季小结 for the last quarter."""
    return digests_prepare(kind=Digest.Kind.QUARTERLY)


@shared_task(acks_late=True)
@record_run("units.send_due_digests")
def send_due_digests() -> int:
    """Every half hour: send, as drafted, the digests nobody sent in time (the fallback)."""
    return digests_send_due()


@shared_task(acks_late=True)
@record_run("units.seal_audit_records")
def seal_audit_records() -> int:
    """Every five minutes: seal the audit records that escaped sealing after their commit."""
    return audit_chain.seal_all()


@shared_task(acks_late=True)
@record_run("units.sweep_staged_uploads")
def sweep_staged_uploads() -> int:
    """Daily: delete uploads staged for a preview (and their notes) past their keeping time."""
    return staged_uploads_sweep()


@shared_task(acks_late=True)
def build_export(job_id: int) -> bool:
    """Build one background export (我的导出); a second run finds it claimed and does nothing."""
    return exports.export_build(job_id=job_id)


@shared_task(acks_late=True)
@record_run("units.sweep_exports")
def sweep_exports() -> int:
    """Daily: delete background exports past their keeping time; fail those stuck."""
    return exports.exports_sweep()
