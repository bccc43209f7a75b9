"""Notifications: in-app with unread count, e-mail after commit, each sent once."""

import datetime

import pytest
from django.core import mail

from units import services
from units.models import Notification
from units.selectors import unread_notification_count

pytestmark = pytest.mark.django_db


def send(cast, *, deadline=datetime.date(2026, 12, 1)):
    return services.notification_send(
        recipients=[cast.head_a, cast.in_charge],
        kind=Notification.Kind.DUE_SOON,
        title="整改事项即将到期",
        body="请在期限前完成整改。",
        url="/units/1/",
        object_key="campaign.rectificationitem:1",
        deadline=deadline,
    )


def test_sent_once_per_object_deadline_kind_recipient(cast, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        send(cast)
    with django_capture_on_commit_callbacks(execute=True):
        send(cast)  # a retried task or a schedule that fired twice
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {cast.head_a.email, cast.in_charge.email}
    assert "http" in mail.outbox[0].body and "/units/1/" in mail.outbox[0].body


def test_a_new_deadline_is_a_new_notice(cast, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        send(cast)
        send(cast, deadline=datetime.date(2026, 12, 15))
    assert Notification.objects.filter(recipient=cast.head_a).count() == 2


def test_email_is_only_sent_after_commit(cast, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send(cast)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_delivering_twice_sends_once(cast):
    Notification.objects.all().delete()
    mail.outbox.clear()
    keys = send(cast)
    assert services.notification_emails_deliver(dedupe_keys=keys) == 2
    assert services.notification_emails_deliver(dedupe_keys=keys) == 0
    assert len(mail.outbox) == 2


def test_unread_count_and_mark_read(cast):
    Notification.objects.all().delete()
    send(cast)
    assert unread_notification_count(user=cast.head_a) == 1
    services.notifications_mark_all_read(user=cast.head_a)
    assert unread_notification_count(user=cast.head_a) == 0
    assert unread_notification_count(user=cast.in_charge) == 1


def test_inactive_recipients_are_skipped(cast):
    Notification.objects.all().delete()
    cast.in_charge.is_active = False
    cast.in_charge.save()
    send(cast)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["head_a"]


def test_assigning_a_responsibility_notifies_the_person(cast):
    notice = Notification.objects.get(recipient=cast.head_a, kind=Notification.Kind.RESPONSIBILITY)
    assert "县市场监督管理局" in notice.title and "第一责任人" in notice.title


def test_broker_down_does_not_block_and_the_drain_sends_later(
    cast, django_capture_on_commit_callbacks, caplog
):
    """With the broker unreachable the request goes on; the outbox is drained later."""
    import time

    from kombu import pools

    from config.celery import app

    Notification.objects.all().delete()
    mail.outbox.clear()
    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/0"
    pools.reset()  # no pooled connection to the real broker: really try the dead one
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            keys = send(cast)
        elapsed = time.monotonic() - started
    finally:
        app.conf.task_always_eager, app.conf.broker_url = eager, url
        pools.reset()
        app._pool = app.amqp._producer_pool = None  # fresh pools for the real broker
    assert len(callbacks) == 1  # the enqueue was attempted, and failed
    assert "could not enqueue" in caplog.text
    assert elapsed < 2
    assert mail.outbox == []
    assert Notification.objects.filter(dedupe_key__in=keys, emailed_at__isnull=True).count() == 2
    assert services.notification_emails_drain(older_than_seconds=0) == 2
    assert services.notification_emails_drain(older_than_seconds=0) == 0
    assert len(mail.outbox) == 2
