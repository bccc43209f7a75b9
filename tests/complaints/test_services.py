"""Every legal and illegal move of a complaint, who may make it, and the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from campaign.models import AccountabilityAction
from complaints import services
from complaints.models import Complaint, ComplaintTransition
from complaints.services import tracking_code_normalise
from units.models import Notification
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db
S = Complaint.Status


def _attempt(move: str, complaint: Complaint, cast) -> Complaint:
    """Try one move as the right actor; raises whatever the service raises."""
    officer, head = cast.officer, cast.head_a
    if move == "accept":
        return services.complaint_accept(complaint=complaint, actor=officer)
    if move == "reject":
        return services.complaint_reject(complaint=complaint, actor=officer, reason="不属受理范围")
    if move == "assign":
        return services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=officer)
    if move == "reroute":
        return services.complaint_request_reroute(
            complaint=complaint, actor=head, reason="非本单位职责"
        )
    if move == "answer":
        return services.complaint_answer(
            complaint=complaint,
            actor=head,
            facts="经查属实",
            verdict="partly",
            measures="整改",
            public_reply="已整改",
        )
    if move == "approve":
        return services.complaint_review(complaint=complaint, actor=officer, approve=True)
    if move == "send_back":
        return services.complaint_review(
            complaint=complaint, actor=officer, approve=False, note="重办"
        )
    if move == "rate_ok":
        return services.complaint_rate(complaint=complaint, satisfaction="basically")
    if move == "rate_bad":
        return services.complaint_rate(complaint=complaint, satisfaction="unsatisfied")
    if move == "close":
        return services.complaint_close(complaint=complaint, actor=officer, comment="多次联系未果")
    if move == "merge":
        other = services.complaint_submit(channel="web", title="重复件", content="同一事项")
        return services.complaint_merge(complaint=complaint, into=other, actor=officer)
    raise AssertionError(move)


# move → (status it leads to); which statuses allow it follows from Complaint.TRANSITIONS.
MOVES = {
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
    "assign": S.ASSIGNED,
    "reroute": S.REROUTE_REQUESTED,
    "answer": S.ANSWERED,
    "approve": S.RETURN_VISIT,
    "send_back": S.SENT_BACK,
    "rate_ok": S.CLOSED,
    "rate_bad": S.ASSIGNED,
    "close": S.CLOSED,
    "merge": S.MERGED,
}
LEGAL = {
    S.REGISTERED: {"accept", "reject", "merge"},
    S.ACCEPTED: {"assign", "merge"},
    S.REJECTED: set(),
    S.MERGED: set(),
    S.ASSIGNED: {"reroute", "answer"},
    S.REROUTE_REQUESTED: {"assign"},
    S.ANSWERED: {"approve", "send_back"},
    S.SENT_BACK: {"answer", "reroute"},
    S.RETURN_VISIT: {"rate_ok", "rate_bad", "close"},
    S.CLOSED: set(),
}


def test_the_legal_table_matches_the_model_map():
    for status, moves in LEGAL.items():
        assert {MOVES[m] for m in moves} == Complaint.TRANSITIONS[status], status


@pytest.mark.parametrize("status", list(LEGAL))
@pytest.mark.parametrize("move", list(MOVES))
def test_every_move_from_every_state(status, move, cast, make_complaint):
    complaint = make_complaint(status)
    records_before = ComplaintTransition.objects.filter(complaint=complaint).count()
    if move in LEGAL[status]:
        moved = _attempt(move, complaint, cast)
        assert moved.status == MOVES[move]
        record = ComplaintTransition.objects.filter(complaint=complaint).last()
        assert (record.from_status, record.to_status) == (status, MOVES[move])
        assert ComplaintTransition.objects.filter(complaint=complaint).count() == records_before + 1
    else:
        # Before assignment no unit may act at all: refused as a permission, not a move.
        unit_move = move in {"reroute", "answer"} and complaint.unit is None
        with pytest.raises(PermissionDenied if unit_move else InvalidTransition):
            _attempt(move, complaint, cast)
        complaint.refresh_from_db()
        assert complaint.status == status
        assert ComplaintTransition.objects.filter(complaint=complaint).count() == records_before


def test_transition_record_names_the_actor_and_comment(cast, make_complaint):
    complaint = make_complaint(S.REGISTERED)
    services.complaint_reject(complaint=complaint, actor=cast.officer, reason="重复投诉")
    record = complaint.transitions.last()
    assert record.actor == cast.officer and record.comment == "重复投诉"
    first = complaint.transitions.first()
    assert first.from_status == "" and first.to_status == S.REGISTERED and first.actor is None


def test_only_the_assigned_unit_answers(cast, make_complaint):
    complaint = make_complaint(S.ASSIGNED)
    for user in (cast.head_b, cast.in_charge, cast.leader, cast.evaluator, cast.outsider):
        with pytest.raises(PermissionDenied):
            _attempt("answer", complaint, type(cast)(**{**cast.__dict__, "head_a": user}))
    complaint.refresh_from_db()
    assert complaint.status == S.ASSIGNED


def test_only_staff_triage_and_review(cast, make_complaint):
    registered = make_complaint(S.REGISTERED)
    answered = make_complaint(S.ANSWERED)
    for user in (cast.head_a, cast.in_charge, cast.leader, cast.evaluator):
        with pytest.raises(PermissionDenied):
            services.complaint_accept(complaint=registered, actor=user)
        with pytest.raises(PermissionDenied):
            services.complaint_review(complaint=answered, actor=user, approve=True)


def test_bad_input_raises_validation_error_and_saves_nothing(cast, make_complaint):
    complaint = make_complaint(S.ASSIGNED)
    with pytest.raises(ValidationError):
        services.complaint_answer(
            complaint=complaint,
            actor=cast.head_a,
            facts="",
            verdict="maybe",
            measures="",
            public_reply="",
        )
    with pytest.raises(ValidationError):
        services.complaint_reject(complaint=make_complaint(), actor=cast.officer, reason="  ")
    with pytest.raises(ValidationError):
        services.complaint_submit(channel="web", title="", content="x")
    with pytest.raises(PermissionDenied):
        services.complaint_submit(channel="hotline", title="t", content="x")
    complaint.refresh_from_db()
    assert complaint.status == S.ASSIGNED and complaint.verdict == ""


def test_assignment_uses_category_limits_and_notifies_without_identity(
    cast, make_complaint, category, django_capture_on_commit_callbacks
):
    category.handle_days = 5
    category.save()
    complaint = make_complaint(S.ACCEPTED)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "localdate", lambda: datetime.date(2026, 9, 29))
        # Tue 29 Sep 2026 + 5 working days: 30 Sep, (1–7 Oct holiday), 8, 9, 10 (Sat, adjusted), 12
        with django_capture_on_commit_callbacks(execute=True):
            assigned = services.complaint_assign(
                complaint=complaint, unit=cast.dept_a, actor=cast.officer
            )
    assert assigned.deadline == datetime.date(2026, 10, 12)
    notice = Notification.objects.get(recipient=cast.head_a, kind=Notification.Kind.ASSIGNED)
    assert complaint.number in notice.title
    assert "张秘密" not in notice.title + notice.body


@pytest.mark.parametrize(
    ("start", "urgent", "expected"),
    [
        # 15 working days from Mon 28 Sep 2026 across the National Day holiday (1–7 Oct,
        # Sat 10 Oct worked): 29, 30 Sep, 8, 9, 10, 12–16, 19–23 Oct.
        (datetime.date(2026, 9, 28), False, datetime.date(2026, 10, 23)),
        # urgent: 3 working days from Wed 30 Sep: 8, 9, 10 Oct.
        (datetime.date(2026, 9, 30), True, datetime.date(2026, 10, 10)),
        # into 2027 (Mon–Fri fallback beyond chinesecalendar's data): from Mon 21 Dec 2026:
        # 22–25, 28–31 Dec (1 Jan 2026 calendar data ends), then 1, 4–8 Jan 2027 → 15th = 11 Jan?
    ],
)
def test_default_deadline_across_national_day(start, urgent, expected, category):
    assert (
        services.complaint_default_deadline(category=category, urgent=urgent, start=start)
        == expected
    )


def test_default_deadline_into_2027(category):
    from units.workdays import working_days_between

    start = datetime.date(2026, 12, 21)
    deadline = services.complaint_default_deadline(category=category, urgent=False, start=start)
    assert deadline.year == 2027
    assert working_days_between(start, deadline) == 15
    # 2026: 22, 23, 24, 25, 28, 29, 30, 31 Dec (8); 1 Jan 2027 is a Friday (fallback: Mon–Fri)
    # 1, 4, 5, 6, 7, 8, 11 Jan → the 15th working day is Mon 11 Jan 2027.
    assert deadline == datetime.date(2027, 1, 11)


def test_tracking_code_is_random_readable_and_forgiving(make_complaint):
    codes = {make_complaint().tracking_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == 16 and set(code) <= set(services.CROCKFORD)
        assert (
            tracking_code_normalise(
                " " + "-".join([code[:4], code[4:8], code[8:12], code[12:]]).lower()
            )
            == code
        )
    assert tracking_code_normalise("o0il-1") == "00111"
    assert 16 * 5 >= 60


def test_unsatisfied_rating_reopens_with_a_new_deadline(
    cast, make_complaint, django_capture_on_commit_callbacks
):
    complaint = make_complaint(S.RETURN_VISIT)
    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.complaint_rate(
            complaint=complaint, satisfaction="unsatisfied", comment="没解决"
        )
    assert reopened.status == S.ASSIGNED and reopened.reopen_count == 1
    assert reopened.deadline > timezone.localdate()
    assert Notification.objects.filter(
        recipient=cast.head_a, kind=Notification.Kind.RETURNED
    ).exists()


def test_reroute_reassigns_to_another_unit(cast, make_complaint):
    complaint = make_complaint(S.REROUTE_REQUESTED)
    moved = services.complaint_assign(complaint=complaint, unit=cast.dept_b, actor=cast.officer)
    assert moved.unit == cast.dept_b and moved.status == S.ASSIGNED
    with pytest.raises(PermissionDenied):
        _attempt("answer", moved, cast)  # head_a no longer handles it


def test_extension_only_before_expiry_and_decided_by_staff(cast, make_complaint):
    complaint = make_complaint(S.ASSIGNED)
    old = complaint.deadline
    new = old + datetime.timedelta(days=10)
    with pytest.raises(PermissionDenied):
        services.extension_request_create(
            complaint=complaint, actor=cast.head_b, new_deadline=new, reason="x"
        )
    request = services.extension_request_create(
        complaint=complaint, actor=cast.head_a, new_deadline=new, reason="需现场核查"
    )
    with pytest.raises(ValidationError):
        services.extension_request_create(
            complaint=complaint, actor=cast.head_a, new_deadline=new, reason="again"
        )
    with pytest.raises(PermissionDenied):
        services.extension_request_decide(request=request, actor=cast.in_charge, approve=True)
    services.extension_request_decide(request=request, actor=cast.officer, approve=True)
    complaint.refresh_from_db()
    assert complaint.deadline == new
    assert old.isoformat() in complaint.transitions.last().comment

    late = make_complaint(S.ASSIGNED, deadline=timezone.localdate() + datetime.timedelta(days=1))
    Complaint.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="届满前申请"):
        services.extension_request_create(
            complaint=late,
            actor=cast.head_a,
            new_deadline=timezone.localdate() + datetime.timedelta(days=9),
            reason="晚了",
        )


def test_follow_up_records_accountability_from_substantiated_complaint(cast, make_complaint):
    complaint = make_complaint(S.CLOSED)
    action = services.complaint_follow_up(
        complaint=complaint,
        actor=cast.officer,
        kind="warning_talk",
        reason="推诿扯皮",
        document_number="县纪〔2026〕3号",
    )
    assert action.source == complaint and action.unit == cast.dept_a
    unsubstantiated = make_complaint(S.CLOSED, verdict="unsubstantiated")
    with pytest.raises(ValidationError):
        services.complaint_follow_up(
            complaint=unsubstantiated, actor=cast.officer, kind="warning_talk", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.complaint_follow_up(
            complaint=complaint, actor=cast.head_a, kind="warning_talk", reason="x"
        )
    assert AccountabilityAction.objects.count() == 1


def test_existing_accountability_service_still_works(cast):
    action = services.accountability_action_record(
        kind="warning_talk",
        unit=cast.dept_b,
        source=cast.dept_b,
        reason="问题较多",
        actor=cast.officer,
    )
    assert action.kind == "warning_talk" and action.source == cast.dept_b


def test_merge_into_self_refused(cast, make_complaint):
    complaint = make_complaint()
    with pytest.raises(ValidationError):
        services.complaint_merge(complaint=complaint, into=complaint, actor=cast.officer)


def test_on_postgres_row_is_locked(make_complaint):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert make_complaint().pk
