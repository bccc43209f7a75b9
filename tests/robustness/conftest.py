"""Robustness suite: shared fixtures and the counts printed at the end of the run.

The complaint and campaign helpers are the ones their own test folders use (imported, not
copied), so a case here is built exactly as there: through the real services.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.campaign.conftest import campaign, make_item  # noqa: F401  (fixtures reused)
from tests.complaints.conftest import category, make_complaint  # noqa: F401

_COUNTS = pytest.StashKey[Counter]()

SUMMARY = (
    ("identity", "identity sweep: {n} pages/exports/notifications checked"),
    ("steps", "stateful steps: {n}"),
    ("bad_inputs", "bad inputs: {n}"),
)


def _counts(config: pytest.Config) -> Counter:
    if _COUNTS not in config.stash:
        config.stash[_COUNTS] = Counter()
    return config.stash[_COUNTS]


@pytest.fixture
def robust_counts(request) -> Counter:
    """Add to it what a test really checked; the totals are printed after the run."""
    return _counts(request.config)


@pytest.fixture
def login(client, client_for):
    """client_for(user), and past the staff second factor when that is switched on.

    Uses the shared client_for as it is; the OTP step is a no-op once client_for does it
    itself, and when django-otp is not installed.
    """
    from django.apps import apps

    def log_in(user):
        logged = client_for(user)
        if user is None or not apps.is_installed("django_otp"):
            return logged
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_static.models import StaticDevice

        if DEVICE_ID_SESSION_KEY not in logged.session:
            device, _ = StaticDevice.objects.get_or_create(
                user=user, name="robustness-tests", defaults={"confirmed": True}
            )
            session = logged.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return logged

    return log_in


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts = _counts(config)
    terminalreporter.section("robustness")
    for key, line in SUMMARY:
        terminalreporter.write_line(line.format(n=counts[key]))
