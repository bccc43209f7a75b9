"""Co-handling parts past their deadline on the 督办 board (units.extensions.overdue_sources),
as the officer sees them; read through complaints.selectors_dispatch.overdue_parts."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, CharField, F, Value
from django.utils.translation import gettext as _

from complaints.models import ComplaintPart
from complaints.permissions import is_handler
from complaints.selectors_dispatch import overdue_parts
from units.extensions import OverdueSource
from units.types import AnyUser


def overdue_part_sources(*, user: AnyUser, today: datetime.date) -> list[OverdueSource]:
    if not is_handler(user):
        return []
    rows = (
        overdue_parts(today=today, user=user)
        .order_by()
        .values(
            row_kind=Value("complaint_part", output_field=CharField()),
            row_id=F("pk"),
            row_ref=F("complaint__number"),
            row_title=F("complaint__title"),
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
            kind="complaint_part",
            label=_("Co-handling part"),
            rows=rows,
            statuses={value: str(label) for value, label in ComplaintPart.Status.choices},
            detail_url="complaints:part",
        )
    ]
