"""Urgent notices also go by text message, once, through the configured SMS backend."""

import logging

import pytest
from django.test import override_settings

from units import services, sms
from units.models import Notification, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _give_phone(user, phone):
    Person.objects.filter(user=user).update(phone=phone)


def _remind(cast, kind=Notification.Kind.REMINDER, key="complaints.complaint:7"):
    return services.notification_send(
        recipients=[cast.head_a, cast.head_b],
        kind=kind,
        title="催办通知：投诉举报 TS2026-0007 已逾期",
        url="/complaints/7/",
        object_key=key,
    )


def test_reminders_are_texted_once_to_recipients_with_a_mobile(
    cast, django_capture_on_commit_callbacks
):
    _give_phone(cast.head_a, "13800001111")  # head_b has no mobile on file: in-app and e-mail
    with django_capture_on_commit_callbacks(execute=True):
        _remind(cast)
    with django_capture_on_commit_callbacks(execute=True):
        _remind(cast)  # the sweep ran twice
    assert [(m.phone, m.text) for m in sms.outbox] == [
        ("13800001111", "【作风建设管理平台】催办通知：投诉举报 TS2026-0007 已逾期")
    ]
    # Nobody is texted again when the delivery task is retried or the drain runs.
    keys = list(Notification.objects.filter(kind="reminder").values_list("dedupe_key", flat=True))
    assert services.notifications_deliver(dedupe_keys=keys) == 0
    assert Notification.objects.filter(sms_requested=True, smsed_at__isnull=True).count() == 0


def test_routine_notices_are_not_texted(cast, django_capture_on_commit_callbacks):
    _give_phone(cast.head_a, "13800001111")
    with django_capture_on_commit_callbacks(execute=True):
        _remind(cast, kind=Notification.Kind.ASSIGNED, key="complaints.complaint:8")
    assert sms.outbox == []
    assert not Notification.objects.filter(sms_requested=True).exists()


def test_a_lost_delivery_is_texted_by_the_drain(cast):
    Notification.objects.all().delete()
    _give_phone(cast.head_a, "13800001111")
    _remind(cast)  # the on-commit delivery never runs (broker down)
    Notification.objects.update(created_at="2026-01-01T00:00:00+08:00")
    assert services.notification_emails_drain() >= 1
    assert len(sms.outbox) == 1
    assert services.notification_emails_drain() == 0


@override_settings(ZUOFENG_SMS_BACKEND="units.sms.LoggingBackend")
def test_the_default_backend_logs_with_the_number_masked(cast, caplog):
    _give_phone(cast.head_a, "13800001111")
    _remind(cast)
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    with caplog.at_level(logging.INFO, logger="units.sms"):
        services.notification_sms_deliver(dedupe_keys=keys)
    assert "138****1111" in caplog.text and "13800001111" not in caplog.text
