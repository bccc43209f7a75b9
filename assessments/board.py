"""Assessments' part of the 督办 board: 约谈提醒 past their deadline and still not held.

A shell hook (units.extensions.overdue_sources), in the board's row shape: the officer sees
every overdue talk beside overdue items and complaints (the escalation), a leader in charge
their own. A talk is not pushed from the board (no 督办 / 催办 service for it): its row links
to the talk's page.
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, CharField, F, Value
from django.utils.translation import gettext as _

from assessments.models import ReminderTalk
from assessments.selectors import talks_visible_to
from units.extensions import OverdueSource
from units.types import AnyUser


def overdue_sources(*, user: AnyUser, today: datetime.date) -> list[OverdueSource]:
    rows = (
        talks_visible_to(user=user)
        .filter(status=ReminderTalk.Status.OPEN, deadline__lt=today)
        .order_by()
        .values(
            row_kind=Value("talk", output_field=CharField()),
            row_id=F("pk"),
            row_ref=Value("", output_field=CharField()),
            row_title=F("scheme__name"),
            row_unit_id=F("unit_id"),
            row_unit_name=F("unit__name"),
            row_unit_path=F("unit__path"),
            row_deadline=F("deadline"),
            row_status=F("status"),
            row_supervised=Value(False, output_field=BooleanField()),
            row_can_push=Value(False, output_field=BooleanField()),
        )
    )
    return [
        OverdueSource(
            kind="talk",
            label=_("Talk on the assessment results"),
            rows=rows,
            statuses={value: str(label) for value, label in ReminderTalk.Status.choices},
            detail_url="assessments:talk_detail",
        )
    ]
