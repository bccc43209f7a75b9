"""Complaints' part of the 督办 board, in the board's row shape (units.extensions.overdue_sources):
cases past their handling deadline and cases listed for supervision (挂牌督办, with the
reason); for the staff who hold them also cases not accepted in time, return visits overdue,
second 不满意 awaiting review and pending 通报批评 proposals."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils.translation import gettext as _

from campaign.models import Reminder
from complaints import permissions, services
from complaints.board_dispatch import overdue_part_sources
from complaints.models import Complaint, ComplaintEscalation, clock_running_q
from complaints.permissions import is_handler
from complaints.selectors import board_search, complaints_visible_to
from complaints.services.supervision import PUSHABLE
from units.extensions import OverdueSource, flag
from units.selectors import OVERSEE, unit_scope_q
from units.types import AnyUser

LISTED = Complaint.Supervision.LISTED


def _handles(user: AnyUser, prefix: str = "") -> Q:
    """Staff who handle the case: jurisdiction over both of its units."""
    if not is_handler(user):
        return Q(pk__in=[])
    subject = unit_scope_q(user=user, codename=OVERSEE, prefix=f"{prefix}subject_unit__")
    if subject != Q():  # (an empty Q is "every unit": OR-ing it would drop it)
        subject = Q(**{f"{prefix}subject_unit__isnull": True}) | subject
    return unit_scope_q(user=user, codename=OVERSEE, prefix=f"{prefix}unit__") & subject


def _rows(cases: Any, *, kind: str, deadline: Any, title: Any, unit: str, can_push: Q) -> Any:
    return cases.order_by().values(
        row_kind=Value(kind, output_field=CharField()),
        row_id=F("pk"),
        row_ref=F("number"),
        row_title=title,
        row_unit_id=F(f"{unit}_id"),
        row_unit_name=F(f"{unit}__name"),
        row_unit_path=F(f"{unit}__path"),
        row_deadline=deadline,
        row_status=F("status"),
        row_supervised=flag(~Q(supervision=Complaint.Supervision.NONE)),
        row_can_push=flag(can_push),
    )


def overdue_sources(*, user: AnyUser, today: datetime.date) -> list[OverdueSource]:
    handles = _handles(user)
    visible = complaints_visible_to(user=user)
    statuses = {value: str(label) for value, label in Complaint.Status.choices}
    reason = ComplaintEscalation.objects.filter(
        complaint=OuterRef("pk"), kind=ComplaintEscalation.Kind.LISTING
    ).order_by("-issued_at", "-pk")
    # 挂牌督办 shows with its reason in front of the subject.
    title = Concat(
        Value(f"【{_('Listed supervision')}："),
        Coalesce(Subquery(reason.values("reason")[:1]), Value(""), output_field=CharField()),
        Value("】"),
        F("title"),
        output_field=CharField(),
    )
    listed_title = Case(
        When(supervision=LISTED, then=title), default=F("title"), output_field=CharField()
    )
    # Both are open cases: said first, so that the open cases' covering index
    # (complaint_open_status_cover) answers without the table.
    overdue = Q(status__in=Complaint.OPEN_STATUSES) & (
        clock_running_q() & Q(deadline__lt=today, unit__isnull=False) | Q(supervision=LISTED)
    )
    sources = [
        OverdueSource(
            kind="complaint",
            label=_("Complaint"),
            rows=_rows(
                visible.filter(overdue),
                kind="complaint",
                deadline=Coalesce("deadline", "accept_deadline"),
                title=listed_title,
                unit="unit",
                can_push=handles & Q(status__in=PUSHABLE),
            ),
            statuses=statuses,
            detail_url="complaints:detail",
            search=board_search,
            push=push_complaint,
        ),
        *overdue_part_sources(user=user, today=today),  # 协办 parts past their deadline
    ]
    if not is_handler(user):
        return sources
    held = visible.filter(handles).exclude(supervision=LISTED)
    nothing = Q(pk__in=[])
    sources += [
        OverdueSource(
            kind="complaint_accept",
            label=_("Complaint not accepted in time"),
            rows=_rows(
                held.filter(status=Complaint.Status.REGISTERED, accept_deadline__lt=today),
                kind="complaint_accept",
                deadline=F("accept_deadline"),
                title=F("title"),
                unit="subject_unit",
                can_push=nothing,
            ),
            statuses=statuses,
            detail_url="complaints:detail",
            search=board_search,
        ),
        OverdueSource(
            kind="complaint_visit",
            label=_("Return visit overdue"),
            rows=_rows(
                held.filter(
                    status=Complaint.Status.RETURN_VISIT, rating_review=False, visit_due__lt=today
                ),
                kind="complaint_visit",
                deadline=F("visit_due"),
                title=F("title"),
                unit="unit",
                can_push=nothing,
            ),
            statuses=statuses,
            detail_url="complaints:detail",
            search=board_search,
        ),
        OverdueSource(
            kind="complaint_review",
            label=_("Still not satisfied: to review"),
            rows=_rows(
                held.filter(status=Complaint.Status.RETURN_VISIT, rating_review=True),
                kind="complaint_review",
                deadline=Coalesce("visit_due", "deadline"),
                title=F("title"),
                unit="unit",
                can_push=nothing,
            ),
            statuses=statuses,
            detail_url="complaints:detail",
            search=board_search,
        ),
        _proposals(user=user),
    ]
    return sources


def _proposals(*, user: AnyUser) -> OverdueSource:
    """通报批评 proposals awaiting the officers' decision (a row opens the proposal)."""
    rows = (
        ComplaintEscalation.objects.filter(
            kind=ComplaintEscalation.Kind.CRITICISM,
            decision=ComplaintEscalation.Decision.PENDING,
            complaint__in=complaints_visible_to(user=user).filter(_handles(user)),
        )
        .order_by()
        .values(
            row_kind=Value("criticism", output_field=CharField()),
            row_id=F("pk"),
            row_ref=F("complaint__number"),
            row_title=F("complaint__title"),
            row_unit_id=F("unit_id"),
            row_unit_name=F("unit__name"),
            row_unit_path=F("unit__path"),
            row_deadline=F("deadline"),
            row_status=F("decision"),
            row_supervised=Value(True),
            row_can_push=Value(False),
        )
    )
    return OverdueSource(
        kind="criticism",
        label=_("Proposal for circulated criticism"),
        rows=rows,
        statuses={value: str(label) for value, label in ComplaintEscalation.Decision.choices},
        detail_url="complaints:escalation",
    )


def push_complaint(*, user: AnyUser, pk: int, action: str, text: str) -> Reminder:
    """督办 / 催办 one case from the board (404 outside the user's reach, 403 read-only)."""
    complaint = permissions.get_complaint_for_user_or_404(user, pk)
    push = services.complaint_supervise if action == "supervise" else services.complaint_urge
    return push(complaint=complaint, actor=user, text=text)
