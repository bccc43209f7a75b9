"""Thin periodic tasks: each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from campaign import services
from campaign.services import projects as project_services
from units.jobs import record_run


@shared_task(acks_late=True)
@record_run("campaign.sweep_reminders")
def sweep_reminders() -> int:
    """Daily: due-soon and overdue reminders (deduplicated by notification_send)."""
    return services.reminders_sweep()


@shared_task(acks_late=True)
@record_run("campaign.draft_monthly_circulars")
def draft_monthly_circulars() -> list[int]:
    """Monthly: one progress circular draft per active campaign (unique per month)."""
    return [circular.pk for circular in services.circulars_draft_monthly()]


@shared_task(acks_late=True)
@record_run("campaign.sweep_project_milestones")
def sweep_project_milestones() -> dict[str, int]:
    """Daily: 为民办实事 milestones reminded, noticed overdue and escalated, each once."""
    return project_services.project_milestones_sweep()


@shared_task(acks_late=True)
@record_run("campaign.compact_item_figures")
def compact_item_figures() -> int:
    """Daily: the rectification figures' appended rows summed per campaign and unit."""
    return services.item_figures_compact()
