"""Text messages (短信): one small interface, a logging default, a provider by setting.

`ZUOFENG_SMS_BACKEND` names a class with `send(*, phone, text) -> None` that raises on
failure. The default writes the message to the log (phone number masked), so a trial
install sends nothing; a deployment sets its SMS gateway's adapter here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


def mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


class LoggingBackend:
    """Writes each message to the log instead of sending it."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask(phone), text)


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str


outbox: list[SentSms] = []


class LocmemBackend:
    """Keeps messages in `units.sms.outbox` (tests)."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append(SentSms(phone=phone, text=text))


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(
        getattr(settings, "ZUOFENG_SMS_BACKEND", "units.sms.LoggingBackend")
    )()
    return backend
