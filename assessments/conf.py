"""Settings this app reads, with defaults (the shared settings file is not ours to edit)."""

from __future__ import annotations

from django.conf import settings


def open_vote_rate() -> str:
    """How many open-mode answers one address may send (django-ratelimit syntax)."""
    return getattr(settings, "ASSESSMENTS_OPEN_VOTE_RATE", "20/h")
