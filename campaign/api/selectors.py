"""What an API caller reads of the campaign: the public circulars (the public page's
selector), campaigns and their rectification figures, a person as the campaign pages scope
them, a client within its unit subtree."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import permissions, selectors
from campaign.models import Campaign, Circular, RectificationItem
from units.models import IntegrationClient, Unit
from units.selectors import unit_scope_q
from units.types import AnyUser

BY = ("unit", "month")


def api_public_circulars() -> QuerySet[Circular]:
    """What the public circulars page lists, newest first (the id breaks ties)."""
    return selectors.public_circulars().order_by("-published_at", "-pk")


def _client_units(client: IntegrationClient) -> QuerySet[Unit]:
    return Unit.objects.filter(client.subtree_q(""))


def api_campaigns(*, client: IntegrationClient | None, user: AnyUser) -> QuerySet[Campaign]:
    """A person's campaigns as the pages list them; a client's: those under way or closed
    whose scope reaches a unit of its subtree (as `campaigns_visible_to` reads a person's)."""
    if client is None:
        qs = selectors.campaigns_visible_to(user=user)
    else:
        reaches = _client_units(client).filter(path__startswith=OuterRef("scope__path"))
        qs = (
            Campaign.objects.filter(Exists(reaches))
            .exclude(status=Campaign.Status.DRAFT)
            .select_related("scope")
        )
    return qs.order_by("-year", "-start_date", "-pk")


def api_campaign_or_404(*, client: IntegrationClient | None, user: AnyUser, pk: int) -> Campaign:
    if client is None:
        return permissions.get_campaign_for_user_or_404(user, pk)
    try:
        return api_campaigns(client=client, user=user).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404(_("Campaign not found.")) from None


def _unit_row(unit: Unit) -> dict[str, Any]:
    counts = {name: getattr(unit, name) for name in COUNTS}
    return {"label": unit.name, "unit": unit, "month": None, **counts}


COUNTS = (
    "items",
    "closed",
    "closed_on_time",
    "overdue",
    "late",
    "long_term",
    "closure_rate",
    "on_time_rate",
)


def api_rectification_figures(
    *,
    client: IntegrationClient | None,
    user: AnyUser,
    campaign: Campaign,
    by: str,
    today: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """The campaign page's figures per unit (`selectors.unit_figures`, in its order), or
    the same counts per month the items were filed in (oldest first): one GROUP BY each."""
    today = today or timezone.localdate()
    units = _client_units(client) if client is not None else None
    if by == "unit":
        rows = selectors.unit_figures(user=user, campaign=campaign, today=today, units=units)
        return [_unit_row(unit) for unit in rows]
    # The items the campaign's totals count for the reader (selectors.campaign_totals).
    within = (
        client.subtree_q("unit__")
        if client is not None
        else unit_scope_q(user=user, prefix="unit__")
    )
    # (The stubs cannot see the counts annotated from a dict: hence the ignore.)
    months = (
        RectificationItem.objects.filter(within, campaign=campaign)  # type: ignore[misc]
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(**selectors.item_counts("", today, Q()))
        .filter(items__gt=0)
        .order_by("month")
    )
    result = []
    for row in months:
        month = timezone.localtime(row.pop("month")).strftime("%Y-%m")
        rates = selectors.item_rates(
            items=row["items"],
            closed=row["closed"],
            closed_on_time=row["closed_on_time"],
            overdue=row["overdue"],
        )
        result.append({"label": month, "unit": None, "month": month, **row, **rates})
    return result
