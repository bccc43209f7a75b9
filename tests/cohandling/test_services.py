"""主办 / 协办 and 派单异议: the services, their records and the working-day windows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.models import (
    Complaint,
    ComplaintPart,
    ComplaintPartTransition,
    DispatchDispute,
    DispatchDisputeTransition,
)
from complaints.selectors_dispatch import disputes_to_decide, overdue_parts
from complaints.services.cohandling import PartInput, complaint_dispatch, part_add, part_answer
from complaints.services.cohandling import part_dispute as dispute_part
from complaints.services.dispatch import dispute_decide
from units.models import Notification
from units.transitions import InvalidTransition
from units.workdays import add_working_days

ANSWER = {
    "facts": "经查，窗口工作人员确有推诿。",
    "verdict": Complaint.Verdict.SUBSTANTIATED,
    "measures": "已对当事人批评教育。",
    "public_reply": "经核查，情况属实，已责令整改并向您致歉。",
}


def _part(complaint, unit) -> ComplaintPart:
    return complaint.parts.get(unit=unit)


def test_dispatch_creates_parts_with_their_own_deadlines_and_records(cast, cohandled):
    today = timezone.localdate()
    assert cohandled.status == Complaint.Status.ASSIGNED and cohandled.unit == cast.dept_a
    part_b = _part(cohandled, cast.dept_b)
    part_t = _part(cohandled, cast.township)
    assert part_b.deadline == add_working_days(today, 3)
    assert part_t.deadline == add_working_days(today, 5)
    assert part_b.status == ComplaintPart.Status.ASSIGNED
    record = ComplaintPartTransition.objects.get(part=part_b)
    assert (record.actor, record.from_status, record.to_status) == (
        cast.officer,
        "",
        "assigned",
    )
    assert "核实涉及学校收费的部分" in record.comment
    # The co-handler's head is told, with a link to its part (never to the case page).
    notice = Notification.objects.get(recipient=cast.head_b, url=f"/complaints/parts/{part_b.pk}/")
    assert cohandled.number in notice.title


def test_dispatch_is_all_or_nothing(cast, make_complaint):
    complaint = make_complaint(Complaint.Status.ACCEPTED)
    with pytest.raises(ValidationError):
        complaint_dispatch(
            complaint=complaint,
            unit=cast.dept_a,
            actor=cast.officer,
            parts=[PartInput(unit=cast.dept_a, task="主办单位自己协办", working_days=3)],
        )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACCEPTED and complaint.unit is None
    assert not ComplaintPart.objects.exists()
    with pytest.raises(ValidationError):
        complaint_dispatch(
            complaint=complaint,
            unit=cast.dept_a,
            actor=cast.officer,
            parts=[
                PartInput(unit=cast.dept_b, task="一", working_days=3),
                PartInput(unit=cast.dept_b, task="二", working_days=3),
            ],
        )
    with pytest.raises(ValidationError):
        part_add(complaint=complaint, unit=cast.dept_b, task="", working_days=3, actor=cast.officer)
    assert not ComplaintPart.objects.exists()


def test_only_staff_add_parts(cast, cohandled):
    with pytest.raises(PermissionDenied):
        part_add(
            complaint=cohandled,
            unit=cast.division_a,
            task="核实",
            working_days=3,
            actor=cast.head_a,
        )


def test_lead_answer_is_refused_until_every_part_is_in(cast, cohandled, township_head):
    with pytest.raises(ValidationError) as refused:
        services.complaint_answer(complaint=cohandled, actor=cast.head_a, **ANSWER)
    message = " ".join(refused.value.messages)
    assert cast.dept_b.name in message and cast.township.name in message
    cohandled.refresh_from_db()
    assert cohandled.status == Complaint.Status.ASSIGNED and cohandled.facts == ""
    part_answer(part=_part(cohandled, cast.dept_b), actor=cast.head_b, facts="学校收费已核实。")
    with pytest.raises(ValidationError) as still:
        services.complaint_answer(complaint=cohandled, actor=cast.head_a, **ANSWER)
    assert cast.township.name in " ".join(still.value.messages)
    assert cast.dept_b.name not in " ".join(still.value.messages)
    part_answer(
        part=_part(cohandled, cast.township),
        actor=township_head,
        facts="窗口人员已约谈。",
        measures="通报批评。",
        internal_note="当事人系临时聘用人员",
    )
    answered = services.complaint_answer(complaint=cohandled, actor=cast.head_a, **ANSWER)
    assert answered.status == Complaint.Status.ANSWERED
    # The lead unit is told each part came in.
    assert Notification.objects.filter(recipient=cast.head_a, title__contains=cast.dept_b.name)


def test_part_answer_rules(cast, cohandled):
    part = _part(cohandled, cast.dept_b)
    for who in (cast.head_a, cast.in_charge, cast.officer, cast.leader):
        with pytest.raises(PermissionDenied):
            part_answer(part=part, actor=who, facts="x")
    with pytest.raises(ValidationError):
        part_answer(part=part, actor=cast.head_b, facts="  ")
    answered = part_answer(part=part, actor=cast.head_b, facts="已核实", measures="整改")
    assert answered.status == ComplaintPart.Status.ANSWERED and answered.answered_at
    record = answered.transitions.last()
    assert (record.actor, record.from_status, record.to_status) == (
        cast.head_b,
        "assigned",
        "answered",
    )
    with pytest.raises(InvalidTransition):
        part_answer(part=part, actor=cast.head_b, facts="再答一次")


# --- 派单异议 within the window, in working days -------------------------------------------


def _assigned_on(obj, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    type(obj).objects.filter(pk=obj.pk).update(assigned_at=moment)


def test_lead_dispute_window_counts_a_holiday_as_no_working_day(
    cast, make_complaint, calendar, settings
):
    settings.COMPLAINTS_DISPUTE_WINDOW_WORKING_DAYS = 2
    # Dispatched three days ago; the day after was a holiday: today is the 2nd working day.
    today = calendar({-2: False, -1: True, 0: True})
    complaint = make_complaint(Complaint.Status.ASSIGNED)
    _assigned_on(complaint, today - datetime.timedelta(days=3))
    moved = services.complaint_request_reroute(
        complaint=complaint, actor=cast.head_a, reason="属教育局职责"
    )
    assert moved.status == Complaint.Status.REROUTE_REQUESTED
    dispute = DispatchDispute.objects.get(complaint=complaint)
    assert (dispute.unit, dispute.part, dispute.status) == (cast.dept_a, None, "pending")
    assert DispatchDisputeTransition.objects.get(dispute=dispute).actor == cast.head_a


def test_lead_dispute_after_the_window_is_refused(cast, make_complaint, calendar, settings):
    settings.COMPLAINTS_DISPUTE_WINDOW_WORKING_DAYS = 2
    # The same three days with no holiday: the window closed yesterday.
    today = calendar({-2: True, -1: True, 0: True})
    complaint = make_complaint(Complaint.Status.ASSIGNED)
    _assigned_on(complaint, today - datetime.timedelta(days=3))
    with pytest.raises(ValidationError) as refused:
        services.complaint_request_reroute(
            complaint=complaint, actor=cast.head_a, reason="属教育局职责"
        )
    assert "2" in " ".join(refused.value.messages)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED
    assert not DispatchDispute.objects.exists()


def test_part_dispute_window_and_decision_due_in_working_days(
    cast, cohandled, calendar, township_head
):
    # Tomorrow is a holiday: the officer's one working day to decide runs to the day after.
    today = calendar({1: False, 2: True})
    part = _part(cohandled, cast.dept_b)
    with pytest.raises(PermissionDenied):
        dispute_part(part=part, actor=cast.head_a, reason="x")
    with pytest.raises(ValidationError):
        dispute_part(part=part, actor=cast.head_b, reason="")
    disputed = dispute_part(part=part, actor=cast.head_b, reason="学校收费不属教育局窗口")
    assert disputed.status == ComplaintPart.Status.DISPUTED
    dispute = DispatchDispute.objects.get(part=part)
    assert dispute.decide_by == today + datetime.timedelta(days=2)
    # A second dispute of the same dispatch while one is pending: the part is not assigned.
    with pytest.raises(InvalidTransition):
        dispute_part(part=part, actor=cast.head_b, reason="再次异议")
    # Past the window, a part cannot be disputed either.
    other = _part(cohandled, cast.township)
    calendar({-5: True, -4: True, -3: True, -2: True, -1: True, 0: True})
    _assigned_on(other, today - datetime.timedelta(days=5))
    with pytest.raises(ValidationError):
        dispute_part(
            part=ComplaintPart.objects.get(pk=other.pk), actor=township_head, reason="非本镇职责"
        )


def test_officer_upholds_the_lead_dispute(cast, make_complaint):
    complaint = make_complaint(Complaint.Status.REROUTE_REQUESTED)
    dispute = DispatchDispute.objects.get(complaint=complaint)
    with pytest.raises(ValidationError):
        dispute_decide(dispute=dispute, actor=cast.officer, uphold=True, note="")
    with pytest.raises(PermissionDenied):
        dispute_decide(dispute=dispute, actor=cast.head_b, uphold=True, note="维持")
    decided = dispute_decide(dispute=dispute, actor=cast.officer, uphold=True, note="属本单位职责")
    assert decided.status == DispatchDispute.Status.UPHELD
    assert (decided.decided_by, decided.new_unit) == (cast.officer, None)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED and complaint.unit == cast.dept_a
    last = complaint.transitions.last()
    assert (last.from_status, last.to_status, last.actor) == (
        "reroute_requested",
        "assigned",
        cast.officer,
    )
    assert "属本单位职责" in last.comment
    assert decided.transitions.last().to_status == "upheld"
    with pytest.raises(ValidationError):
        dispute_decide(dispute=decided, actor=cast.officer, uphold=True, note="再次")


def test_officer_redispatches_the_lead_dispute(cast, make_complaint):
    complaint = make_complaint(Complaint.Status.REROUTE_REQUESTED)
    dispute = DispatchDispute.objects.get(complaint=complaint)
    with pytest.raises(ValidationError):
        dispute_decide(dispute=dispute, actor=cast.officer, uphold=False, unit=cast.dept_a)
    decided = dispute_decide(
        dispute=dispute, actor=cast.officer, uphold=False, unit=cast.dept_b, note="改派教育局"
    )
    assert decided.status == DispatchDispute.Status.REDISPATCHED
    assert decided.new_unit == cast.dept_b
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED and complaint.unit == cast.dept_b
    assert "改派教育局" in decided.transitions.last().comment


def test_plain_reassignment_settles_a_pending_dispute(cast, make_complaint):
    complaint = make_complaint(Complaint.Status.REROUTE_REQUESTED)
    services.complaint_assign(complaint=complaint, unit=cast.dept_b, actor=cast.officer)
    dispute = DispatchDispute.objects.get(complaint=complaint)
    assert (dispute.status, dispute.new_unit) == ("redispatched", cast.dept_b)


def test_officer_decides_a_part_dispute(cast, cohandled):
    part = _part(cohandled, cast.dept_b)
    dispute_part(part=part, actor=cast.head_b, reason="非本单位职责")
    dispute = DispatchDispute.objects.get(part=part)
    with pytest.raises(ValidationError):  # the lead unit cannot also co-handle
        dispute_decide(dispute=dispute, actor=cast.officer, uphold=False, unit=cast.dept_a)
    with pytest.raises(ValidationError):  # the township already has a part
        dispute_decide(dispute=dispute, actor=cast.officer, uphold=False, unit=cast.township)
    decided = dispute_decide(
        dispute=dispute, actor=cast.officer, uphold=False, unit=cast.division_a, note="改派"
    )
    assert decided.status == "redispatched"
    part.refresh_from_db()
    assert part.unit == cast.division_a and part.status == ComplaintPart.Status.ASSIGNED
    assert part.deadline == add_working_days(timezone.localdate(), 3)
    assert f"{cast.dept_b.name} → {cast.division_a.name}" in part.transitions.last().comment
    # The new co-handler may dispute it in turn; upheld, it stays with them.
    dispute_part(part=part, actor=cast.head_a, reason="办公室不负责")
    second = DispatchDispute.objects.get(part=part, status="pending")
    upheld = dispute_decide(dispute=second, actor=cast.officer, uphold=True, note="由办公室答复")
    assert upheld.status == "upheld"
    part.refresh_from_db()
    assert part.unit == cast.division_a and part.status == ComplaintPart.Status.ASSIGNED


def test_overdue_parts_and_disputes_past_their_decision_date(cast, cohandled):
    today = timezone.localdate()
    part_b = _part(cohandled, cast.dept_b)
    assert not overdue_parts(today=today).exists()
    later = part_b.deadline + datetime.timedelta(days=1)
    assert list(overdue_parts(today=later)) == [part_b]
    # Seen by the officer and by dept_b, not by dept_a's head (who sees the case page).
    assert list(overdue_parts(today=later, user=cast.officer)) == [part_b]
    assert list(overdue_parts(today=later, user=cast.head_b)) == [part_b]
    assert not overdue_parts(today=later, user=cast.head_a).filter(pk=part_b.pk).exists()
    part_answer(part=part_b, actor=cast.head_b, facts="已核实")
    assert not overdue_parts(today=later).filter(pk=part_b.pk).exists()
    # A dispute not decided by its date shows as overdue on the officer's list.
    part_t = _part(cohandled, cast.township)
    dispute = DispatchDispute.objects.create(
        complaint=cohandled,
        part=part_t,
        unit=cast.township,
        reason="x",
        decide_by=today - datetime.timedelta(days=1),
    )
    rows = {d.pk: d.is_overdue for d in disputes_to_decide(user=cast.officer, today=today)}
    assert rows == {dispute.pk: 1}
    assert not disputes_to_decide(user=cast.head_a).exists()
