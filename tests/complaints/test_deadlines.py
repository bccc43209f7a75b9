"""Every deadline of a case escalates once, in working days across a holiday.

The calendar: 2026-12-31 (Thursday) is a deadline, 2027-01-01 (Friday) a holiday entered as
a calendar override (chinesecalendar stops at 2026), so the first working day after the
deadline is Monday 2027-01-04.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEscalation
from units.models import CalendarOverride, Notification
from units.transitions import InvalidTransition
from units.workdays import add_working_days

D = datetime.date
DEADLINE = D(2026, 12, 31)
HOLIDAY = D(2027, 1, 1)
FIRST_AFTER = D(2027, 1, 4)
Kind = ComplaintEscalation.Kind
Stage = ComplaintEscalation.Stage


@pytest.fixture
def new_year(db):
    CalendarOverride.objects.create(date=HOLIDAY, is_working_day=False, note="元旦")


def _sweep(today, capture):
    with capture(execute=True):
        return services.complaints_escalation_sweep(today=today)


def _set(complaint, **fields):
    Complaint.objects.filter(pk=complaint.pk).update(**fields)


def _keys(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("object_key", "recipient__username")
    )


@pytest.mark.django_db
def test_handling_reminder_notice_listing_and_proposal_each_once(
    cast, make_complaint, new_year, django_capture_on_commit_callbacks, settings
):
    settings.COMPLAINTS_LISTING_AFTER_WORKING_DAYS = 5
    settings.COMPLAINTS_CRITICISM_AFTER_WORKING_DAYS = 7
    run = django_capture_on_commit_callbacks
    complaint = make_complaint("assigned")
    _set(complaint, deadline=DEADLINE)

    # 催办 before expiry: once, whichever day of the window and however often it runs.
    assert _sweep(D(2026, 12, 28), run)["reminded"] == 1
    assert _sweep(D(2026, 12, 28), run)["reminded"] == 0
    assert _sweep(D(2026, 12, 30), run)["reminded"] == 0
    assert _keys(Notification.Kind.DUE_SOON) == [(f"complaint:{complaint.pk}", "head_a")]

    # The holiday and the weekend are no working days: no 催办通知书 before Monday.
    for day in (HOLIDAY, D(2027, 1, 2), D(2027, 1, 3)):
        assert _sweep(day, run)["supervised"] == 0
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.NONE

    counts = _sweep(FIRST_AFTER, run)
    assert counts["supervised"] == 1
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.SUPERVISED
    notice = complaint.escalations.get()
    assert (notice.stage, notice.kind, notice.deadline) == (Stage.HANDLING, Kind.NOTICE, DEADLINE)
    assert notice.unit == cast.dept_a and notice.issued_by is None
    assert _sweep(FIRST_AFTER, run)["supervised"] == 0
    assert _sweep(D(2027, 1, 5), run)["supervised"] == 0
    assert complaint.escalations.count() == 1

    # 挂牌督办 five working days after the notice: Monday 2027-01-11, not the Friday before.
    listed_on = add_working_days(DEADLINE, 6)
    assert listed_on == D(2027, 1, 11)
    assert _sweep(D(2027, 1, 8), run)["listed"] == 0
    counts = _sweep(listed_on, run)
    assert counts["listed"] == 1 and counts["criticism_proposed"] == 0
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.LISTED

    # The 通报批评 proposal after its own seven working days, once.
    proposed_on = add_working_days(DEADLINE, 8)
    assert _sweep(proposed_on - datetime.timedelta(days=1), run)["criticism_proposed"] == 0
    assert _sweep(proposed_on, run)["criticism_proposed"] == 1
    assert _sweep(proposed_on, run)["criticism_proposed"] == 0
    assert _sweep(proposed_on + datetime.timedelta(days=1), run)["criticism_proposed"] == 0
    proposal = complaint.escalations.get(kind=Kind.CRITICISM)
    assert proposal.decision == ComplaintEscalation.Decision.PENDING
    # Told to the officers who hold the case, never to the unit.
    told = {u for _k, u in _keys(Notification.Kind.REMINDER) if _k.endswith(":criticism")}
    assert "officer" in told and "head_a" not in told
    history = list(complaint.transitions.values_list("comment", flat=True))
    for word in ("催办", "催办通知书", "挂牌督办", "通报批评"):
        assert sum(word in line for line in history) >= 1
    assert sum("通报批评" in line for line in history) == 1


@pytest.mark.django_db
def test_a_moved_deadline_rearms_the_reminder_once(
    cast, make_complaint, new_year, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    complaint = make_complaint("assigned")
    _set(complaint, deadline=DEADLINE)
    assert _sweep(D(2026, 12, 29), run)["reminded"] == 1
    request = services.extension_request_create(
        complaint=complaint, actor=cast.head_a, new_deadline=D(2027, 1, 8), reason="需现场核查"
    )
    services.extension_request_decide(request=request, actor=cast.officer, approve=True)
    assert _sweep(D(2026, 12, 30), run)["reminded"] == 0  # not yet in the new window
    assert _sweep(D(2027, 1, 5), run)["reminded"] == 1
    assert _sweep(D(2027, 1, 6), run)["reminded"] == 0
    complaint.refresh_from_db()
    assert complaint.reminded_for == D(2027, 1, 8)
    reminders = complaint.transitions.filter(comment__contains="催办")
    assert reminders.count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.DUE_SOON).count() == 2


@pytest.mark.django_db
def test_acceptance_escalates_to_the_staff(
    cast, make_complaint, new_year, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    complaint = make_complaint("registered")
    _set(complaint, accept_deadline=DEADLINE)
    assert _sweep(D(2026, 12, 28), run)["accept_reminded"] == 0  # two working days ahead
    assert _sweep(D(2026, 12, 30), run)["accept_reminded"] == 1
    assert _sweep(DEADLINE, run)["accept_reminded"] == 0
    assert _sweep(HOLIDAY, run)["accept_noticed"] == 0
    assert _sweep(FIRST_AFTER, run)["accept_noticed"] == 1
    assert _sweep(FIRST_AFTER, run)["accept_noticed"] == 0
    notice = complaint.escalations.get()
    assert (notice.stage, notice.kind, notice.deadline) == (Stage.ACCEPTANCE, Kind.NOTICE, DEADLINE)
    told = _keys(Notification.Kind.REMINDER)
    assert (f"complaint:{complaint.pk}:accept_notice", "officer") in told
    assert not [u for _k, u in told if u.startswith("head_")]
    # Accepted in time, nothing happens.
    other = make_complaint("accepted")
    _set(other, accept_deadline=DEADLINE)
    _sweep(FIRST_AFTER, run)
    assert not other.escalations.exists()


@pytest.mark.django_db
def test_return_visit_due_the_working_day_after_approval_and_escalated_once(
    cast, make_complaint, new_year, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    complaint = make_complaint("return_visit")
    complaint.refresh_from_db()
    # The day is Beijing's, as the service reads it, not the host's (UTC).
    approved = timezone.localdate(complaint.transitions.get(to_status="return_visit").created_at)
    assert complaint.visit_due == add_working_days(approved, 1)
    _set(complaint, visit_due=DEADLINE)
    assert _sweep(D(2026, 12, 30), run)["visit_reminded"] == 0
    assert _sweep(DEADLINE, run)["visit_reminded"] == 1
    assert _sweep(DEADLINE, run)["visit_reminded"] == 0
    assert _sweep(HOLIDAY, run)["visit_overdue"] == 0
    assert _sweep(FIRST_AFTER, run)["visit_overdue"] == 1
    assert _sweep(D(2027, 1, 5), run)["visit_overdue"] == 0
    notice = complaint.escalations.get()
    assert (notice.stage, notice.deadline) == (Stage.RETURN_VISIT, DEADLINE)
    assert complaint.transitions.filter(comment__contains="催办").count() == 2
    # Rated in time: a closed case gets nothing.
    done = make_complaint("closed")
    _set(done, visit_due=DEADLINE)
    _sweep(FIRST_AFTER, run)
    assert not done.escalations.exists()


@pytest.mark.django_db
def test_listing_by_hand_needs_a_reason_and_staff(cast, make_complaint):
    complaint = make_complaint("assigned")
    with pytest.raises(ValidationError):
        services.complaint_list_supervision(complaint=complaint, actor=cast.officer, reason=" ")
    with pytest.raises(PermissionDenied):
        services.complaint_list_supervision(complaint=complaint, actor=cast.head_a, reason="拖延")
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.NONE
    assert not complaint.escalations.exists()

    listing = services.complaint_list_supervision(
        complaint=complaint, actor=cast.officer, reason="群众反映强烈，县纪委挂牌督办"
    )
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.LISTED
    assert (listing.kind, listing.issued_by, listing.reason) == (
        Kind.LISTING,
        cast.officer,
        "群众反映强烈，县纪委挂牌督办",
    )
    assert "群众反映强烈" in complaint.transitions.last().comment
    assert Notification.objects.filter(
        object_key=f"complaint:{complaint.pk}:listed_by_hand:{listing.pk}", recipient=cast.head_a
    ).exists()
    with pytest.raises(ValidationError):
        services.complaint_list_supervision(complaint=complaint, actor=cast.officer, reason="再次")
    closed = make_complaint("closed")
    with pytest.raises(ValidationError):
        services.complaint_list_supervision(complaint=closed, actor=cast.officer, reason="已办结")


def _rehandle(cast, complaint):
    complaint = services.complaint_answer(
        complaint=complaint,
        actor=cast.head_a,
        facts="再次核查",
        verdict=Complaint.Verdict.SUBSTANTIATED,
        measures="整改",
        public_reply="已重新办理",
    )
    return services.complaint_review(complaint=complaint, actor=cast.officer, approve=True)


@pytest.mark.django_db
def test_one_rating_per_round_second_dissatisfaction_goes_to_review(cast, make_complaint):
    U = Complaint.Satisfaction.UNSATISFIED
    complaint = make_complaint("return_visit")
    reopened = services.complaint_rate(complaint=complaint, satisfaction=U, comment="没解决")
    assert reopened.status == Complaint.Status.ASSIGNED and reopened.reopen_count == 1
    reopened = _rehandle(cast, reopened)

    second = services.complaint_rate(complaint=reopened, satisfaction=U, comment="还是没解决")
    second.refresh_from_db()
    assert second.status == Complaint.Status.RETURN_VISIT  # no second loop
    assert second.rating_review and second.reopen_count == 1
    assert Notification.objects.filter(
        object_key=f"complaint:{second.pk}:rating_review:1", recipient=cast.officer
    ).exists()

    records = second.transitions.count()
    with pytest.raises(ValidationError) as refused:
        services.complaint_rate(complaint=second, satisfaction=Complaint.Satisfaction.SATISFIED)
    assert "satisfaction" in refused.value.message_dict
    second.refresh_from_db()
    assert second.satisfaction == U and second.status == Complaint.Status.RETURN_VISIT
    assert second.transitions.count() == records

    # The review: a note is required; closing ends it.
    with pytest.raises(ValidationError):
        services.complaint_rating_review_decide(
            complaint=second, actor=cast.officer, rehandle=False, note=""
        )
    with pytest.raises(PermissionDenied):
        services.complaint_rating_review_decide(
            complaint=second, actor=cast.head_a, rehandle=False, note="已依法依规处理"
        )
    closed = services.complaint_rating_review_decide(
        complaint=second, actor=cast.officer, rehandle=False, note="诉求已依法依规处理，予以办结"
    )
    assert closed.status == Complaint.Status.CLOSED and not closed.rating_review
    with pytest.raises(InvalidTransition):  # closed: no rating at all
        services.complaint_rate(complaint=closed, satisfaction=U)


@pytest.mark.django_db
def test_review_may_order_rehandling_by_hand(cast, make_complaint):
    U = Complaint.Satisfaction.UNSATISFIED
    complaint = make_complaint("return_visit")
    complaint = _rehandle(cast, services.complaint_rate(complaint=complaint, satisfaction=U))
    services.complaint_rate(complaint=complaint, satisfaction=U)
    moved = services.complaint_rating_review_decide(
        complaint=complaint,
        actor=cast.officer,
        rehandle=True,
        note="答复未回应核心诉求",
        deadline=D(2027, 3, 1),
    )
    assert moved.status == Complaint.Status.ASSIGNED
    assert (moved.reopen_count, moved.deadline, moved.rating_review) == (2, D(2027, 3, 1), False)
    with pytest.raises(ValidationError):  # decided once
        services.complaint_rating_review_decide(
            complaint=moved, actor=cast.officer, rehandle=False, note="再议"
        )
    # The new round is rated once again.
    again = _rehandle(cast, moved)
    closed = services.complaint_rate(complaint=again, satisfaction=Complaint.Satisfaction.BASICALLY)
    assert closed.status == Complaint.Status.CLOSED


@pytest.mark.django_db
def test_criticism_proposal_becomes_a_draft_circular_once(
    cast, make_complaint, new_year, django_capture_on_commit_callbacks
):
    from campaign.models import Circular
    from tests.campaign.conftest import campaign_start

    campaign = campaign_start(cast)
    complaint = make_complaint("assigned")
    _set(complaint, deadline=DEADLINE)
    _sweep(add_working_days(DEADLINE, 6), django_capture_on_commit_callbacks)
    proposal = complaint.escalations.get(kind=Kind.CRITICISM)
    with pytest.raises(ValidationError):
        services.criticism_proposal_decide(proposal=proposal, actor=cast.officer, draft=False)
    decided = services.criticism_proposal_decide(
        proposal=proposal, actor=cast.officer, draft=True, campaign=campaign
    )
    circular = decided.circular
    assert decided.decision == ComplaintEscalation.Decision.DRAFTED
    assert circular.kind == Circular.Kind.CRITICISM and circular.status == Circular.Status.DRAFT
    assert list(circular.mentions.values_list("unit", "tone")) == [(cast.dept_a.pk, "negative")]
    assert complaint.number in circular.body and "张秘密" not in circular.body
    with pytest.raises(ValidationError):
        services.criticism_proposal_decide(
            proposal=proposal, actor=cast.officer, draft=False, note="重复"
        )
