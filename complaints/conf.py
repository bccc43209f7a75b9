"""Settings for complaints, read with defaults so that the app works without config edits."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

IDENTITY_KEYS_ENV = "ZUOFENG_IDENTITY_KEYS"
_warned = False


def _under_tests() -> bool:
    return "pytest" in sys.modules or str(getattr(settings, "SETTINGS_MODULE", "")).endswith(
        ".test"
    )


def identity_keys() -> list[bytes]:
    """Fernet keys, newest first: the first encrypts, all decrypt (key rotation)."""
    raw = os.environ.get(IDENTITY_KEYS_ENV, "")
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if keys:
        return keys
    # Not in production: the trial (`make run` runs DEBUG off too, config/settings/dev.py).
    if settings.DEBUG or _under_tests() or _get("ZUOFENG_DERIVED_IDENTITY_KEY", False):
        global _warned
        if not _warned:
            _warned = True
            logger.warning(
                "%s is not set: complainant identities are encrypted with a key derived "
                "from SECRET_KEY. Set it before storing real complaints.",
                IDENTITY_KEYS_ENV,
            )
        digest = hashlib.sha256(b"zuofeng-identity:" + settings.SECRET_KEY.encode()).digest()
        return [base64.urlsafe_b64encode(digest)]
    raise ImproperlyConfigured(
        f"{IDENTITY_KEYS_ENV} must hold one or more Fernet keys (comma-separated, newest first)."
    )


def _get(name: str, default):  # type: ignore[no-untyped-def]
    return getattr(settings, name, default)


def submit_rate() -> str:
    """Public submissions per IP (django-ratelimit rate)."""
    return str(_get("COMPLAINTS_SUBMIT_RATE", "10/h"))


def track_rate() -> str:
    """Tracking-code look-ups per IP."""
    return str(_get("COMPLAINTS_TRACK_RATE", "60/h"))


def form_min_seconds() -> float:
    """Bots post at once: a form sent sooner than this after it was shown is refused."""
    return float(_get("COMPLAINTS_FORM_MIN_SECONDS", 3))


def form_max_age_seconds() -> int:
    return int(_get("COMPLAINTS_FORM_MAX_AGE_SECONDS", 4 * 3600))


def max_attachments() -> int:
    return int(_get("COMPLAINTS_MAX_ATTACHMENTS", 5))


def max_attachment_bytes() -> int:
    return int(_get("COMPLAINTS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def listing_after_working_days() -> int:
    """督办 cases still overdue this many working days after the deadline become 挂牌督办."""
    return int(_get("COMPLAINTS_LISTING_AFTER_WORKING_DAYS", 5))


def criticism_after_working_days() -> int:
    """A case still overdue this many working days after its 催办通知书 is proposed for
    通报批评 (once per case)."""
    return max(int(_get("COMPLAINTS_CRITICISM_AFTER_WORKING_DAYS", 5)), 0)


def accept_reminder_working_days() -> int:
    """A case not yet accepted is reminded to the staff this many working days before its
    acceptance deadline (a case is filed with only a few days to accept it)."""
    return max(int(_get("COMPLAINTS_ACCEPT_REMINDER_WORKING_DAYS", 1)), 0)


def visit_due_working_days() -> int:
    """The return visit (回访) is due this many working days after the answer is approved."""
    return max(int(_get("COMPLAINTS_VISIT_DUE_WORKING_DAYS", 1)), 1)


def reopen_handle_days() -> int:
    return int(_get("COMPLAINTS_REOPEN_HANDLE_DAYS", 10))


def pause_max_working_days() -> int:
    """中止计时: the working days a case's clock may stand still in all, its pauses together."""
    return max(int(_get("COMPLAINTS_PAUSE_MAX_WORKING_DAYS", 10)), 1)


def identity_needs_approval() -> bool:
    """A complainant's identity is shown only after a custodian approves the request."""
    return bool(_get("ZUOFENG_IDENTITY_NEEDS_APPROVAL", True))


def identity_reveal_hours() -> int:
    """How long an approved request lets its asker see the identity."""
    return max(int(_get("ZUOFENG_IDENTITY_REVEAL_HOURS", 24)), 1)


def dispute_window_working_days() -> int:
    """派单异议: a unit may dispute its dispatch within this many working days of it."""
    return max(int(_get("COMPLAINTS_DISPUTE_WINDOW_WORKING_DAYS", 2)), 0)


def dispute_decide_working_days() -> int:
    """An officer decides a dispute within this many working days (else it shows overdue)."""
    return max(int(_get("COMPLAINTS_DISPUTE_DECIDE_WORKING_DAYS", 1)), 1)


def part_default_working_days() -> int:
    """A co-handling unit's time limit for its part when the officer gives none."""
    return max(int(_get("COMPLAINTS_PART_WORKING_DAYS", 5)), 1)
