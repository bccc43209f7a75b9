"""The shared notification service: in-app notices, sent at most once, then e-mail and text.

notification_send (one object) and NoticeBatch (a sweep) write the notices; delivery is a
task enqueued after commit, and notification_emails_drain sends whatever that task missed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from units.jobs import enqueue_on_commit
from units.models import Notification
from units.sms import get_backend

DELIVER_TASK = "units.tasks.deliver_notification_emails"


def notification_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    object_key: str = "",
    deadline: datetime.date | None = None,
    email: bool = True,
    sms: bool | None = None,
) -> list[str]:
    """Send an in-app notice (and an e-mail after commit), at most once per dedupe key.

    The key is (object, deadline, kind, recipient): a retried task or a schedule that fires
    twice inserts nothing new. Reminders and overdue notices also go by text message
    unless `sms` says otherwise. Returns the dedupe keys of the notices addressed.
    """
    batch = NoticeBatch()
    keys = batch.add(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=url,
        object_key=object_key,
        deadline=deadline,
        email=email,
        sms=sms,
    )
    batch.flush()
    return keys


class NoticeBatch:
    """notification_send for many objects at once (a sweep): one INSERT per two thousand.

    The same rows, dedupe keys and delivery task as notification_send; call flush() in the
    transaction whose changes the notices report.
    """

    size = 2000

    def __init__(self) -> None:
        self.rows: list[Notification] = []
        self.deliver: list[str] = []
        self.addressed = 0

    def add(
        self,
        *,
        recipients: Iterable[Any],
        kind: str,
        title: str,
        body: str = "",
        url: str = "",
        object_key: str = "",
        deadline: datetime.date | None = None,
        email: bool = True,
        sms: bool | None = None,
    ) -> list[str]:
        if sms is None:
            sms = kind in (Notification.Kind.REMINDER, Notification.Kind.OVERDUE)
        keys = []
        for recipient in recipients:
            if recipient is None or not recipient.is_active:
                continue
            key = Notification.make_dedupe_key(
                kind=kind, object_key=object_key, deadline=deadline, recipient_id=recipient.pk
            )
            self.rows.append(
                Notification(
                    recipient=recipient,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    object_key=object_key,
                    deadline=deadline,
                    email_requested=email,
                    sms_requested=sms,
                    dedupe_key=key,
                )
            )
            keys.append(key)
        if email or sms:
            self.deliver.extend(keys)
        self.addressed += len(keys)
        if len(self.rows) >= self.size:
            self.flush()
        return keys

    def flush(self) -> None:
        if self.rows:
            Notification.objects.bulk_create(self.rows, ignore_conflicts=True)
        if self.deliver:
            # If the broker is down the notices stay pending; notification_emails_drain
            # sends them.
            enqueue_on_commit(DELIVER_TASK, self.deliver)
        self.rows, self.deliver = [], []


def _claim_expired_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.ZUOFENG_NOTICE_CLAIM_SECONDS)


def _unclaimed(channel: str) -> Q:
    """Not yet sent on `channel`, and nobody holds a live claim on it."""
    claimed = f"{channel}_claimed_at"
    return Q(**{f"{channel}ed_at__isnull": True}) & (
        Q(**{f"{claimed}__isnull": True}) | Q(**{f"{claimed}__lt": _claim_expired_before()})
    )


def _deliver_once(
    *, dedupe_keys: list[str], channel: str, related: str, send: Callable[[Notification], bool]
) -> int:
    """Deliver each requested, undelivered notice on `channel` ("email" or "sms") once.

    Each notice is first *claimed*: one UPDATE, committed before anything is sent, which only
    one sender can win. Then the message goes out and the `<channel>ed_at` stamp is written. A
    sender killed between the two leaves the claim in place, and no other run (the drain, the
    task redelivered after the worker died) takes the notice until the claim is older than
    ZUOFENG_NOTICE_CLAIM_SECONDS: a message can then go twice only when the sender died after
    the server accepted it and before its reply was stamped (at least once, never lost). A send
    that fails with an error gives the claim back at once.
    """
    requested, stamp, claimed = f"{channel}_requested", f"{channel}ed_at", f"{channel}_claimed_at"
    pending = (
        Notification.objects.filter(_unclaimed(channel), dedupe_key__in=dedupe_keys)
        .filter(**{requested: True})
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(pending):
        now = timezone.now()
        with transaction.atomic():
            won = Notification.objects.filter(_unclaimed(channel), pk=pk).update(**{claimed: now})
        if not won:
            continue  # another sender holds it, or it went out meanwhile
        notification = Notification.objects.select_related(related).get(pk=pk)
        try:
            sent += int(send(notification))
        except Exception:
            Notification.objects.filter(pk=pk, **{claimed: now}).update(**{claimed: None})
            raise
        Notification.objects.filter(pk=pk).update(**{stamp: timezone.now()})
    return sent


def _email(notification: Notification) -> bool:
    address = notification.recipient.email
    if not address:
        return False
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    message = "\n\n".join(part for part in (notification.body, link) if part)
    send_mail(
        subject=notification.title,
        message=message or notification.title,
        from_email=None,
        recipient_list=[address],
    )
    return True


def notification_emails_deliver(*, dedupe_keys: list[str]) -> int:
    """E-mail the notices not yet e-mailed; a row lock makes concurrent runs send once."""
    return _deliver_once(dedupe_keys=dedupe_keys, channel="email", related="recipient", send=_email)


def notification_sms_deliver(*, dedupe_keys: list[str]) -> int:
    """Text the notices not yet texted to recipients with a mobile number; sent once."""
    backend = get_backend()

    def text(notification: Notification) -> bool:
        person = getattr(notification.recipient, "person", None)
        phone = person.phone if person is not None else ""
        if not phone:
            return False
        # Short, with the deadline: the link is in the in-app notice and the e-mail.
        backend.send(phone=phone, text=f"【{settings.ZUOFENG_SITE_NAME}】{notification.title}")
        return True

    return _deliver_once(
        dedupe_keys=dedupe_keys, channel="sms", related="recipient__person", send=text
    )


def notifications_deliver(*, dedupe_keys: list[str]) -> int:
    """E-mail and text the given notices (each channel at most once per notice)."""
    return notification_emails_deliver(dedupe_keys=dedupe_keys) + notification_sms_deliver(
        dedupe_keys=dedupe_keys
    )


def notification_emails_drain(*, older_than_seconds: int = 60, batch: int = 500) -> int:
    """Send e-mails and texts whose enqueue was lost (broker down, worker crash); periodic.

    Only notices at least `older_than_seconds` old and not claimed by a live sender: a notice
    whose sender is still at work (or died mid-send less than ZUOFENG_NOTICE_CLAIM_SECONDS ago)
    is left alone.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)

    def keys(channel: str) -> list[str]:
        return list(
            Notification.objects.filter(
                _unclaimed(channel), **{f"{channel}_requested": True, "created_at__lt": cutoff}
            )
            .order_by("created_at")
            .values_list("dedupe_key", flat=True)[:batch]
        )

    email_keys, sms_keys = keys("email"), keys("sms")
    return (notification_emails_deliver(dedupe_keys=email_keys) if email_keys else 0) + (
        notification_sms_deliver(dedupe_keys=sms_keys) if sms_keys else 0
    )


def notification_mark_read(*, notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_all_read(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
