"""The daily sweep: reminders before deadlines, 督办, 挂牌督办 — each notice once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from complaints import services, tasks
from complaints.models import Complaint
from complaints.services import escalation
from units.models import Notification
from units.workdays import add_working_days

R = Notification.Kind.REMINDER
# A Wednesday with working days around it: the 催办通知书 goes on the first working day after
# a deadline, so a sweep "today" on a weekend would (rightly) issue nothing.
WORKDAY = datetime.date(2026, 12, 30)


def _set_deadline(complaint, deadline):
    Complaint.objects.filter(pk=complaint.pk).update(deadline=deadline)


def _sweep(today, capture):
    with capture(execute=True):
        return services.complaints_escalation_sweep(today=today)


@pytest.mark.django_db
def test_overdue_becomes_supervised_then_listed_each_notice_once(
    cast, make_complaint, django_capture_on_commit_callbacks, settings
):
    settings.COMPLAINTS_LISTING_AFTER_WORKING_DAYS = 5
    settings.COMPLAINTS_CRITICISM_AFTER_WORKING_DAYS = 50  # (tests/complaints/test_deadlines)
    today = WORKDAY
    complaint = make_complaint("assigned")
    _set_deadline(complaint, today - datetime.timedelta(days=1))
    counts = _sweep(today, django_capture_on_commit_callbacks)
    assert counts["supervised"] == 1
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.SUPERVISED
    # 催办通知 to the unit head and the leader in charge, never to the sibling unit.
    reminded = set(
        Notification.objects.filter(kind=R).values_list("recipient__username", flat=True)
    )
    assert reminded == {"head_a", "in_charge"}
    assert "督办" in complaint.transitions.last().comment

    assert _sweep(today, django_capture_on_commit_callbacks)["supervised"] == 0
    assert Notification.objects.filter(kind=R).count() == 2

    later = add_working_days(today, 7)
    assert _sweep(later, django_capture_on_commit_callbacks)["listed"] == 1
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.LISTED
    assert Notification.objects.filter(kind=R).count() == 4
    assert _sweep(later, django_capture_on_commit_callbacks)["listed"] == 0
    assert Notification.objects.filter(kind=R).count() == 4


@pytest.mark.django_db
def test_not_listed_before_the_further_period(
    cast, make_complaint, django_capture_on_commit_callbacks, settings
):
    settings.COMPLAINTS_LISTING_AFTER_WORKING_DAYS = 5
    today = WORKDAY
    complaint = make_complaint("assigned")
    _set_deadline(complaint, today - datetime.timedelta(days=1))
    _sweep(today, django_capture_on_commit_callbacks)
    _sweep(add_working_days(today, 2), django_capture_on_commit_callbacks)
    complaint.refresh_from_db()
    assert complaint.supervision == Complaint.Supervision.SUPERVISED


@pytest.mark.django_db
def test_reminder_before_deadline_sent_once(
    cast, make_complaint, django_capture_on_commit_callbacks
):
    today = WORKDAY
    complaint = make_complaint("assigned")
    _set_deadline(complaint, add_working_days(today, 2))
    _sweep(today, django_capture_on_commit_callbacks)
    _sweep(today, django_capture_on_commit_callbacks)
    due = Notification.objects.filter(kind=Notification.Kind.DUE_SOON)
    assert list(due.values_list("recipient__username", flat=True)) == ["head_a"]
    assert "张秘密" not in due.get().title + due.get().body


@pytest.mark.django_db
def test_closed_and_answered_cases_get_nothing(
    cast, make_complaint, django_capture_on_commit_callbacks
):
    today = WORKDAY
    for status in ("closed", "answered", "return_visit", "rejected"):
        c = make_complaint(status)
        _set_deadline(c, today - datetime.timedelta(days=30))
        # (the return visit's own deadline: tests/complaints/test_deadlines.py)
        Complaint.objects.filter(pk=c.pk).update(visit_due=None)
    counts = _sweep(today, django_capture_on_commit_callbacks)
    assert set(counts.values()) == {0}
    assert not Notification.objects.filter(kind__in=[R, Notification.Kind.DUE_SOON]).exists()
    assert not Complaint.objects.exclude(supervision="none").exists()


@pytest.mark.django_db
def test_task_runs_the_sweep(cast, make_complaint):
    complaint = make_complaint("assigned")
    _set_deadline(complaint, timezone.localdate() - datetime.timedelta(days=4))
    tasks.escalation_sweep.delay()
    complaint.refresh_from_db()
    assert complaint.supervision != Complaint.Supervision.NONE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_send_each_notice_once(seed_data, cast, make_complaint):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL")
    today = WORKDAY
    complaints = [make_complaint("assigned") for _ in range(6)]
    for c in complaints:
        _set_deadline(c, today - datetime.timedelta(days=1))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.complaints_escalation_sweep(today=today)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Complaint.objects.filter(supervision="supervised").count() == 6
    # Two recipients (head and leader in charge) per case, once each.
    assert Notification.objects.filter(kind=R).count() == 12
    for c in complaints:
        assert c.transitions.filter(comment__contains="督办").count() == 1


@pytest.mark.django_db
def test_escalation_goes_in_chunks_with_a_record_and_a_notice_for_each_case(
    cast, make_complaint, django_capture_on_commit_callbacks, monkeypatch
):
    """More overdue cases than a chunk: every one moved once, with its record and notice."""
    import functools

    monkeypatch.setattr(escalation, "_run", functools.partial(escalation._run, chunk=2))
    today = WORKDAY
    cases = [make_complaint("assigned") for _ in range(5)] + [make_complaint("sent_back")]
    for complaint in cases:
        _set_deadline(complaint, today - datetime.timedelta(days=1))
    assert _sweep(today, django_capture_on_commit_callbacks)["supervised"] == 6
    assert set(
        Complaint.objects.filter(pk__in=[c.pk for c in cases]).values_list("supervision", flat=True)
    ) == {Complaint.Supervision.SUPERVISED}
    for complaint in cases:
        last = complaint.transitions.last()
        assert "督办" in last.comment and last.from_status == last.to_status == complaint.status
        assert last.actor is None
    keys = Notification.objects.filter(kind=R, recipient=cast.head_a)
    assert keys.count() == 6 and keys.filter(sms_requested=True).count() == 6
    assert _sweep(today, django_capture_on_commit_callbacks)["supervised"] == 0
