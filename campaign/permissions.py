"""Who may do what to campaigns, rectification items, inspections and circulars.

Unit heads and liaisons act for their unit (ACT); inspection staff oversee their
jurisdiction (OVERSEE); leaders and leaders in charge read (VIEW). Individual-level items
are visible only to those who act for or oversee the unit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from campaign import selectors
from campaign.models import Campaign, Circular, Inspection, RectificationItem, Submission
from units.models import Unit
from units.permissions import can_act_for_unit, can_oversee_unit
from units.types import AnyUser


def can_manage_campaigns(user: AnyUser) -> bool:
    """Set up campaigns, inspections and circulars: inspection staff."""
    return bool(user.is_authenticated and user.has_perm("campaign.change_campaign"))  # type: ignore[union-attr]


def can_edit_item(user: AnyUser, item: RectificationItem) -> bool:
    return can_act_for_unit(user, item.unit)


def can_review_item(user: AnyUser, item: RectificationItem) -> bool:
    return can_oversee_unit(user, item.unit)


def can_act_for(user: AnyUser, unit: Unit) -> bool:
    return can_act_for_unit(user, unit)


def get_campaign_for_user_or_404(user: AnyUser, pk: int) -> Campaign:
    try:
        return selectors.campaigns_visible_to(user=user).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404(_("Campaign not found.")) from None


def get_item_for_user_or_404(user: AnyUser, pk: int) -> RectificationItem:
    """Outsiders, sibling units and other people's individual items: 404."""
    try:
        return (
            selectors.items_visible_to(user=user)
            .select_related("campaign", "unit", "category", "responsible_user", "finding")
            .get(pk=pk)
        )
    except RectificationItem.DoesNotExist:
        raise Http404(_("Rectification item not found.")) from None


def get_submission_for_user_or_404(user: AnyUser, pk: int) -> Submission:
    try:
        return (
            selectors.submissions_visible_to(user=user)
            .select_related("deliverable", "deliverable__campaign", "unit", "submitted_by")
            .get(pk=pk)
        )
    except Submission.DoesNotExist:
        raise Http404(_("Submission not found.")) from None


def get_inspection_for_user_or_404(user: AnyUser, pk: int) -> Inspection:
    try:
        return selectors.inspections_visible_to(user=user).get(pk=pk)
    except Inspection.DoesNotExist:
        raise Http404(_("Inspection not found.")) from None


def get_circular_for_user_or_404(user: AnyUser, pk: int) -> Circular:
    try:
        return selectors.circulars_visible_to(user=user).select_related("campaign").get(pk=pk)
    except Circular.DoesNotExist:
        raise Http404(_("Circular not found.")) from None


def require_act_for(user: AnyUser, unit: Unit) -> None:
    """Read-only users (leaders, leaders in charge) get 403 on writes."""
    if not can_act_for_unit(user, unit):
        raise PermissionDenied(_("You may not act for this unit."))


def require_oversee(user: AnyUser, unit: Unit) -> None:
    if not can_oversee_unit(user, unit):
        raise PermissionDenied(
            _("Only inspection staff with jurisdiction over this unit may do this.")
        )


def require_manage_campaigns(user: AnyUser) -> None:
    if not can_manage_campaigns(user):
        raise PermissionDenied(_("Only inspection staff may do this."))
