"""What complaints offers on the public front page: filing a complaint and tracking it."""

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
    ]
