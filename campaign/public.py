"""What campaign offers on the public front page: the circulars made public."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from campaign import selectors
from units.extensions import PublicEntry, PublicLink

LATEST = 3


def public_entries(request: Any) -> list[PublicEntry]:
    latest = selectors.public_circulars().order_by("-published_at", "-pk")[:LATEST]
    return [
        PublicEntry(
            key="circulars",
            title=_("Public circulars"),
            text=_("Circulars on the work-style campaign that the leading group made public."),
            url=reverse("campaign:public_circular_list"),
            action=_("All public circulars"),
            links=tuple(
                PublicLink(
                    label=circular.title,
                    url=reverse("campaign:public_circular_detail", args=[circular.pk]),
                    note=f"{circular.published_at:%Y-%m-%d}" if circular.published_at else "",
                )
                for circular in latest
            ),
            order=30,
        ),
        PublicEntry(
            key="projects",
            title=_("Projects for the people"),
            text=_(
                "What each unit has publicly committed to do for the people this year, and "
                "how far it has got."
            ),
            url=reverse("campaign:public_project_list"),
            action=_("All projects for the people"),
            order=35,
        ),
    ]
