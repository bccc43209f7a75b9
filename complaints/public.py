"""What complaints offers on the public front page: filing a complaint, tracking it, the
units' service commitments and the leaders' reception days."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from units.extensions import PublicEntry


def public_entries(request: Any) -> list[PublicEntry]:
    return [
        PublicEntry(
            key="complaint",
            title=_("Complaints and reports"),
            text=_(
                "Report a work-style problem of a department or its staff: slow service, "
                "buck-passing, asking for favours. You may stay anonymous; every complaint is "
                "registered and answered."
            ),
            url=reverse("complaints:public_submit"),
            action=_("File a complaint"),
            order=10,
        ),
        PublicEntry(
            key="track",
            title=_("Track the handling of a complaint"),
            text=_(
                "Enter the tracking code you were given when you filed to see where your "
                "complaint stands and the reply."
            ),
            url=reverse("complaints:public_track"),
            action=_("Look up"),
            order=20,
        ),
        PublicEntry(
            key="commitments",
            title=_("Public service commitments"),
            text=_(
                "What each department promises: the time limit in working days, who answers "
                "you first, and every material you need, told at once."
            ),
            url=reverse("complaints:public_commitments"),
            action=_("See the commitments"),
            order=25,
        ),
        PublicEntry(
            key="reception",
            title=_("Leaders' reception days"),
            text=_("When and where a leader receives the public in person."),
            url=reverse("complaints:public_reception_days"),
            action=_("See the schedule"),
            order=26,
        ),
    ]
