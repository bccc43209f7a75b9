"""The public status page's context: the timeline and the code the complainant typed."""

from __future__ import annotations

from typing import Any

from complaints.models import Complaint
from complaints.timeline import public_timeline
from complaints.tracking import tracking_code_display, tracking_code_normalise


def status_context(complaint: Complaint, code: str) -> dict[str, Any]:
    """`code` is what the complainant typed: shown back to copy or print, never read back
    from the database (only its hash is stored)."""
    timeline = public_timeline(complaint)
    return {
        "timeline": timeline,
        # The reply of the case the complainant follows (the lead case's, once merged).
        "show_reply": bool(timeline.reply),
        "code_display": tracking_code_display(tracking_code_normalise(code)),
    }
