"""What an API caller sees of complaints: a person exactly what the pages show
(`complaints_visible_to`), a client the cases it pushed, within its unit subtree."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintTransition
from complaints.permissions import get_complaint_for_user_or_404
from complaints.selectors import complaints_visible_to
from units.models import IntegrationClient
from units.types import AnyUser


def complaints_of_client(*, client: IntegrationClient) -> QuerySet[Complaint]:
    """The client's own cases; for a client limited to a subtree, while the case's handling
    unit (or, before routing, the unit complained about) lies in it."""
    qs = Complaint.objects.filter(source_client=client)
    if client.unit_id is None:
        return qs
    return qs.filter(
        Q(unit__isnull=False, **_under(client, "unit__"))
        | Q(unit__isnull=True, **_under(client, "subject_unit__"))
    )


def _under(client: IntegrationClient, prefix: str) -> dict[str, str]:
    unit = client.unit
    assert unit is not None
    return {f"{prefix}path__startswith": unit.path}


def complaints_by_ticket(*, client: IntegrationClient, ticket: str) -> QuerySet[Complaint]:
    """The client's own cases (within its subtree) pushed under `ticket`: at most one."""
    return (
        complaints_of_client(client=client)
        .filter(source_ticket=ticket.strip())
        .select_related("category", "unit", "subject_unit", "merged_into")
        .order_by("pk")
    )


def api_complaints(*, client: IntegrationClient | None, user: AnyUser) -> QuerySet[Complaint]:
    return (
        complaints_of_client(client=client)
        if client is not None
        else complaints_visible_to(user=user)
    )


def api_complaint_or_404(*, client: IntegrationClient | None, user: AnyUser, pk: int) -> Complaint:
    """The one fetch of the complaint endpoints: outside the caller's scope, 404."""
    if client is None:
        return get_complaint_for_user_or_404(user, pk)
    try:
        return (
            complaints_of_client(client=client)
            .select_related("category", "unit", "subject_unit", "merged_into")
            .get(pk=pk)
        )
    except Complaint.DoesNotExist:
        raise Http404(_("Complaint not found.")) from None


def settle_seconds() -> int:
    return int(settings.ZUOFENG_API_CHANGES_SETTLE_SECONDS)


def complaint_changes(
    *,
    client: IntegrationClient | None,
    user: AnyUser,
    after: int,
    limit: int,
    now: datetime.datetime | None = None,
) -> list[ComplaintTransition]:
    """The state changes of the caller's cases after transition `after`, oldest first.

    Ordered by the transition's id, which only grows; a change younger than the settle
    window is held back, so that one committed a moment after a later-numbered one is not
    skipped by a poller that already moved past its number."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settle_seconds())
    cases = api_complaints(client=client, user=user)
    return list(
        ComplaintTransition.objects.filter(
            pk__gt=after, created_at__lte=cutoff, complaint__in=cases.values("pk")
        )
        .select_related("complaint", "complaint__merged_into")
        .order_by("pk")[:limit]
    )
