"""Work for the periodic jobs to find, built with the real services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from campaign.models import RectificationItem
from complaints.models import Complaint, ComplaintCategory
from tests.campaign.conftest import campaign_start, item_drive
from tests.complaints.conftest import complaint_drive
from units.workdays import add_working_days


def overdue_items(cast, count: int, *, campaign=None) -> list[RectificationItem]:
    """`count` submitted items of dept_a whose deadline passed yesterday."""
    campaign = campaign or campaign_start(cast)
    items = [
        item_drive(cast, campaign, RectificationItem.Status.SUBMITTED, problem=f"整改问题{n}")
        for n in range(count)
    ]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RectificationItem.objects.filter(pk__in=[i.pk for i in items]).update(deadline=yesterday)
    return items


def due_and_overdue_complaints(cast, count: int) -> list[Complaint]:
    """Assigned complaints against dept_a: half overdue, half due in two working days."""
    category = ComplaintCategory.objects.get(name="服务态度")
    complaints = [
        complaint_drive(cast, category, Complaint.Status.ASSIGNED, title=f"窗口推诿{n}")
        for n in range(count)
    ]
    today = timezone.localdate()
    for n, complaint in enumerate(complaints):
        # Past by a week: the 催办通知书 goes on the first working day after the deadline.
        deadline = today - datetime.timedelta(days=7) if n % 2 else add_working_days(today, 2)
        Complaint.objects.filter(pk=complaint.pk).update(deadline=deadline)
    return complaints
