"""A worker killed while an e-mail is on the wire: the message went out, the server's reply
never came back. The notice stays claimed, so neither the drain nor the redelivered task
sends it again while the claim is young; ten notices give ten e-mails. Only once the claim
has aged (ZUOFENG_NOTICE_CLAIM_SECONDS) is it sent again: the stated at-least-once window,
in which nothing is ever lost."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.jobs.workers import Worker, clear_queue, wait_for
from units.models import Notification
from units.notifications import notification_emails_drain, notification_send

pytestmark = pytest.mark.django_db(transaction=True)


def _sent_by(worker: Worker) -> list[str]:
    return re.findall(r"^Subject: (.+)$", worker.output(), re.MULTILINE)


def test_a_worker_killed_mid_send_does_not_make_the_drain_send_twice(
    cast, real_services, publishing, tmp_path, settings
):
    clear_queue()
    titles = [f"notice {n}" for n in range(10)]  # ASCII: the log shows subjects as-is
    keys = []
    for title in titles:
        keys += notification_send(
            recipients=[cast.head_a], kind=Notification.Kind.REMINDER, title=title,
            object_key=f"test:{title}", sms=False,
        )  # fmt: skip
    assert len(keys) == 10
    worker = Worker(
        "mail-kill", tmp_path,
        DJANGO_EMAIL_BACKEND="tests.jobs.mail.SlowReplyBackend", ZF_TEST_MAIL_REPLY_SECONDS="30",
    )  # fmt: skip
    try:
        worker.start()
        wait_for(lambda: len(_sent_by(worker)) == 1, timeout=60, what="the first e-mail")
        worker.kill()
    finally:
        worker.stop()
        clear_queue()
    on_the_wire = _sent_by(worker)
    assert len(on_the_wire) == 1
    notices = Notification.objects.filter(dedupe_key__in=keys)
    claimed = notices.get(emailed_at__isnull=True, email_claimed_at__isnull=False)
    assert claimed.title == on_the_wire[0]

    # The drain right away: everything but the notice still claimed by the dead sender.
    mail.outbox.clear()  # (what building the cast sent)
    assert notification_emails_drain(older_than_seconds=0) == 9
    assert notification_emails_drain(older_than_seconds=0) == 0
    assert sorted(m.subject for m in mail.outbox) == sorted(set(titles) - {claimed.title})
    assert notices.filter(emailed_at__isnull=True).count() == 1  # each of the ten sent once

    # Once the claim has aged, the notice is not lost: it goes out (the at-least-once window).
    settings.ZUOFENG_NOTICE_CLAIM_SECONDS = 0
    assert notification_emails_drain(older_than_seconds=0) == 1
    assert notices.filter(emailed_at__isnull=True).count() == 0
    assert [m.subject for m in mail.outbox].count(claimed.title) == 1


def test_a_send_that_fails_gives_its_claim_back(cast, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    # The delivery right after commit (eager in the tests) fails: the claim is given back.
    monkeypatch.setattr("units.notifications.send_mail", refuse)
    keys = notification_send(
        recipients=[cast.head_a],
        kind=Notification.Kind.REMINDER,
        title="退回",
        object_key="t:1",
        sms=False,
    )
    notice = Notification.objects.get(dedupe_key__in=keys)
    assert notice.email_claimed_at is None and notice.emailed_at is None
    with pytest.raises(OSError):
        notification_emails_drain(older_than_seconds=0)
    notice.refresh_from_db()
    assert notice.email_claimed_at is None and notice.emailed_at is None
    monkeypatch.undo()
    assert notification_emails_drain(older_than_seconds=0) == 1
