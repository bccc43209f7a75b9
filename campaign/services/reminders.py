"""Reminders (到期提醒 / 逾期提醒): the daily sweep over open items and missing material."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import selectors
from campaign.models import Campaign, Deliverable, RectificationItem, Submission
from campaign.services._common import item_url
from units.models import Notification, Unit
from units.notifications import NoticeBatch
from units.workdays import add_working_days

Item = RectificationItem
Status = RectificationItem.Status


def _windows(today: datetime.date) -> list[tuple[str, str, datetime.date, datetime.date]]:
    """(key, kind, first deadline, last deadline) for each reminder a sweep sends."""
    one = add_working_days(today, 1)
    two = add_working_days(today, 2)
    three = add_working_days(today, 3)
    return [
        ("d3", Notification.Kind.DUE_SOON, two + datetime.timedelta(days=1), three),
        ("d1", Notification.Kind.DUE_SOON, today + datetime.timedelta(days=1), one),
        (
            "overdue",
            Notification.Kind.OVERDUE,
            datetime.date.min,
            today - datetime.timedelta(days=1),
        ),
    ]


def reminders_sweep(*, today: datetime.date | None = None) -> int:
    """到期提醒 / 逾期提醒 for open items and missing deliverables; each sent once.

    Safe to run any number of times: notices dedupe on (object, deadline, kind,
    recipient), so a second sweep on the same day inserts nothing. Unit heads come from
    one query and notices are written in batches, so the cost does not grow with one
    statement per item.
    """
    today = today or timezone.localdate()
    heads = selectors.unit_heads_lookup()
    notices = NoticeBatch()
    open_items = (
        Item.objects.exclude(status__in=[Status.DRAFT, Status.CLOSED])
        # A closed campaign's open items are still worked off: their reminders go on.
        .filter(long_term=False)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("unit", "responsible_user")
    )
    for key, kind, first, last in _windows(today):
        for item in open_items.filter(deadline__range=(first, last)).iterator(chunk_size=2000):
            recipients = list(heads(item.unit))
            if item.responsible_user is not None and item.responsible_user not in recipients:
                recipients.append(item.responsible_user)
            if key == "overdue":
                title = _("Overdue: %(problem)s (deadline %(deadline)s)")
            else:
                title = _("Due soon: %(problem)s (deadline %(deadline)s)")
            notices.add(
                recipients=recipients,
                kind=kind,
                title=title % {"problem": str(item), "deadline": item.deadline},
                url=item_url(item),
                object_key=f"campaign.item:{item.pk}:{key}",
                deadline=item.deadline,
            )
        deliverables = Deliverable.objects.filter(
            campaign__status=Campaign.Status.ACTIVE, due_date__range=(first, last)
        ).select_related("campaign__scope")
        for deliverable in deliverables:
            scope = deliverable.campaign.scope
            missing = (
                Unit.objects.active()
                .filter(path__startswith=scope.path, depth=scope.depth + 1)
                .exclude(
                    submissions__deliverable=deliverable,
                    submissions__status__in=[
                        Submission.Status.SUBMITTED,
                        Submission.Status.ACCEPTED,
                    ],
                )
            )
            for unit in missing:
                if key == "overdue":
                    title = _("Material overdue: %(title)s (due %(deadline)s)")
                else:
                    title = _("Material due soon: %(title)s (due %(deadline)s)")
                notices.add(
                    recipients=heads(unit),
                    kind=kind,
                    title=title % {"title": deliverable.title, "deadline": deliverable.due_date},
                    url=reverse("campaign:deliverables"),
                    object_key=f"campaign.deliverable:{deliverable.pk}:{unit.pk}:{key}",
                    deadline=deliverable.due_date,
                )
    notices.flush()
    return notices.addressed
