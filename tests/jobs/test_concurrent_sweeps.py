"""Two sweeps at the same moment (two threads, two PostgreSQL connections, released by a
barrier, each notice insert slowed so that the sweeps really overlap) send each reminder
once and e-mail it once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from campaign import selectors as campaign_selectors
from campaign import services as campaign_services
from complaints import services as complaint_services
from complaints.models import Complaint
from tests.jobs import work
from units.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(sweep: Callable[[], object], *, times: int = 2) -> None:
    barrier = threading.Barrier(times)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            sweep()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors


def _assert_each_notice_mailed_once(notices) -> None:
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert set(sent.values()) == {1}, [key for key, n in sent.items() if n > 1]
    assert len(mail.outbox) == notices.count()
    assert not notices.filter(emailed_at__isnull=True).exists()


def test_two_reminder_sweeps_at_once_send_each_reminder_once(real_services, cast, slow_inserts):
    items = work.overdue_items(cast, 6)
    heads = campaign_selectors.unit_heads(unit=cast.dept_a)
    baseline = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mail.outbox.clear()
    slow_inserts("units_notification", 0.1)

    run_together(campaign_services.reminders_sweep)

    notices = Notification.objects.filter(pk__gt=baseline)
    for item in items:
        keys = notices.filter(object_key=f"campaign.item:{item.pk}:overdue")
        assert sorted(keys.values_list("recipient_id", flat=True)) == sorted(h.pk for h in heads)
    # Deliverable reminders too: one per (deliverable, unit, window, recipient).
    assert notices.filter(object_key__startswith="campaign.deliverable:").exists()
    _assert_each_notice_mailed_once(notices)
    assert (
        campaign_services.reminders_sweep()
        == len(items) * len(heads)
        + notices.filter(object_key__startswith="campaign.deliverable:").count()
    )  # a third sweep addresses the same notices and inserts nothing
    assert Notification.objects.filter(pk__gt=baseline).count() == notices.count()


def test_two_escalation_sweeps_at_once_send_each_notice_once(real_services, cast, slow_inserts):
    complaints = work.due_and_overdue_complaints(cast, 6)
    today = timezone.localdate()
    overdue = Complaint.objects.filter(pk__in=[c.pk for c in complaints], deadline__lt=today)
    due_soon = Complaint.objects.filter(pk__in=[c.pk for c in complaints], deadline__gte=today)
    assert overdue.count() == 3 and due_soon.count() == 3
    baseline = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mail.outbox.clear()
    slow_inserts("units_notification", 0.1)

    run_together(lambda: complaint_services.complaints_escalation_sweep(today=today))

    notices = Notification.objects.filter(pk__gt=baseline)
    for complaint in overdue:
        complaint.refresh_from_db()
        assert complaint.supervision == Complaint.Supervision.SUPERVISED
        assert complaint.transitions.filter(comment__contains="督办").count() == 1
        told = notices.filter(object_key=f"complaint:{complaint.pk}:supervised")
        assert sorted(told.values_list("recipient__username", flat=True)) == [
            "head_a",
            "in_charge",
        ]
    for complaint in due_soon:
        told = notices.filter(object_key=f"complaint:{complaint.pk}")
        assert list(told.values_list("recipient__username", flat=True)) == ["head_a"]
    assert notices.count() == 3 * 2 + 3
    _assert_each_notice_mailed_once(notices)
