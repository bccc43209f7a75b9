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
    (
        "township_refused",
        "identity sweep: {n} reveals outside the township officer's subtree refused",
    ),
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
    """client_for(user) (which passes staff through the second factor); None: log out."""

    def log_in(user):
        if user is None:
            client.logout()
            return client
        return client_for(user)

    return log_in


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    counts = _counts(config)
    terminalreporter.section("robustness")
    for key, line in SUMMARY:
        terminalreporter.write_line(line.format(n=counts[key]))
