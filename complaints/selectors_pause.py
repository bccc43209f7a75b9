"""Reads for 中止计时 (complaints.models_pause): the open pause, the allowance used."""

from __future__ import annotations

from django.db.models import Sum

from complaints import conf
from complaints.models import Complaint, ComplaintPause


def open_pause(*, complaint: Complaint) -> ComplaintPause | None:
    """The pause holding the case's clock now, if any."""
    return ComplaintPause.objects.open().filter(complaint=complaint).first()


def paused_working_days(*, complaint: Complaint) -> int:
    """Working days the case's clock has stood still in its finished pauses."""
    total = ComplaintPause.objects.filter(complaint=complaint, ended_on__isnull=False).aggregate(
        days=Sum("working_days")
    )["days"]
    return int(total or 0)


def pause_allowance_left(*, complaint: Complaint) -> int:
    """Working days of pause the case may still use (conf.pause_max_working_days in all)."""
    return max(conf.pause_max_working_days() - paused_working_days(complaint=complaint), 0)


def pauses_of(*, complaint: Complaint) -> list[ComplaintPause]:
    """Every pause of the case, oldest first, for the case page (staff and the unit)."""
    return list(complaint.pauses.select_related("started_by", "ended_by"))
