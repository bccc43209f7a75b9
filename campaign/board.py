"""Campaign's part of the 督办 board: overdue rectification items, in the board's row shape.

A shell hook (units.extensions.overdue_sources): complaints adds its overdue cases the same
way, and the board (campaign.views.items.overdue_board) pages them together.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from campaign import permissions, project_board, selectors, services
from campaign.models import RectificationItem, Reminder
from campaign.search_db import OpenItemGrams
from campaign.services.supervision import ITEM_WITH_UNIT
from units.extensions import OverdueSource, flag
from units.search_db import pairs_narrowed
from units.selectors import OVERSEE, unit_scope_q
from units.types import AnyUser


def overdue_sources(*, user: AnyUser, today: datetime.date) -> list[OverdueSource]:
    item_type = ContentType.objects.get_for_model(RectificationItem)
    supervised = Reminder.objects.filter(
        kind=Reminder.Kind.SUPERVISE, subject_type=item_type, subject_id=OuterRef("pk")
    )
    oversees = unit_scope_q(user=user, codename=OVERSEE, prefix="unit__")
    rows = (
        selectors.overdue_board(user=user, today=today)
        .order_by()
        .values(
            row_kind=Value("item", output_field=CharField()),
            row_id=F("pk"),
            row_ref=Cast("pk", output_field=CharField()),
            row_title=F("problem"),
            row_unit_id=F("unit_id"),
            row_unit_name=F("unit__name"),
            row_unit_path=F("unit__path"),
            row_deadline=F("deadline"),
            row_status=F("status"),
            row_supervised=Exists(supervised),
            row_can_push=flag(oversees & Q(status__in=ITEM_WITH_UNIT)),
        )
    )
    return [
        *_item_source(rows),
        # 为民办实事 milestones (campaign/project_board.py).
        *project_board.overdue_sources(user=user, today=today),
    ]


def _item_source(rows: Any) -> list[OverdueSource]:
    return [
        OverdueSource(
            kind="item",
            label=_("Rectification item"),
            rows=rows,
            statuses={value: str(label) for value, label in RectificationItem.Status.choices},
            detail_url="campaign:item_detail",
            push=push_item,
            search=_search,
        )
    ]


def _search(rows: Any, text: str) -> Any:
    """Open overdue items whose number or problem contains `text` (any case): the problem
    through the open items' pairs index on PostgreSQL (campaign.search_db)."""
    if text.isdigit():
        return rows.filter(Q(row_ref__icontains=text) | Q(problem__icontains=text))
    return pairs_narrowed(rows, OpenItemGrams("problem"), text).filter(problem__icontains=text)


def push_item(*, user: AnyUser, pk: int, action: str, text: str) -> Reminder:
    """督办 / 催办 one item from the board (404 outside the user's reach, 403 read-only)."""
    item = permissions.get_item_for_user_or_404(user, pk)
    push = services.item_supervise if action == "supervise" else services.item_urge
    return push(item=item, actor=user, text=text)
