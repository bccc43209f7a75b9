"""Who may do what to campaigns, rectification items, inspections and circulars.

Unit heads and liaisons act for their unit (ACT); inspection staff oversee their
jurisdiction (OVERSEE); leaders and leaders in charge read (VIEW). Individual-level items
are visible only to those who act for or oversee the unit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from campaign import recheck_selectors, selectors
from campaign.models import (
    AccountabilityAction,
    Campaign,
    Circular,
    Deliverable,
    ExtensionRequest,
    Finding,
    Inspection,
    ProgressUpdate,
    Recheck,
    RecheckEntry,
    RectificationItem,
    Submission,
)
from units.models import Unit
from units.permissions import can_act_for_unit, can_oversee_unit
from units.selectors import ACT, unit_scope_q
from units.types import AnyUser


def can_manage_campaigns(user: AnyUser) -> bool:
    """Set up campaigns, inspections and circulars: inspection staff."""
    return bool(user.is_authenticated and user.has_perm("campaign.change_campaign"))  # type: ignore[union-attr]


def can_edit_item(user: AnyUser, item: RectificationItem) -> bool:
    return can_act_for_unit(user, item.unit)


def can_review_item(user: AnyUser, item: RectificationItem) -> bool:
    return can_oversee_unit(user, item.unit)


def can_review_submission(user: AnyUser, submission: Submission) -> bool:
    return can_oversee_unit(user, submission.unit)


def can_act_for(user: AnyUser, unit: Unit) -> bool:
    return can_act_for_unit(user, unit)


def can_record_accountability(user: AnyUser, unit: Unit | None) -> bool:
    """问责 is recorded by inspection staff within their jurisdiction."""
    return bool(
        user.is_authenticated
        and user.has_perm("campaign.add_accountabilityaction")  # type: ignore[union-attr]
        and (unit is None or can_oversee_unit(user, unit))
    )


def can_close_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return can_manage_campaigns(user) and campaign.status == Campaign.Status.ACTIVE


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
            .select_related(
                "campaign", "unit", "category", "responsible_user", "finding", "carried_from"
            )
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


def get_deliverable_for_user_or_404(user: AnyUser, pk: int) -> Deliverable:
    try:
        return (
            Deliverable.objects.filter(campaign__in=selectors.campaigns_visible_to(user=user))
            .select_related("campaign", "campaign__scope")
            .get(pk=pk)
        )
    except Deliverable.DoesNotExist:
        raise Http404(_("Deliverable not found.")) from None


def get_extension_for_user_or_404(user: AnyUser, pk: int) -> ExtensionRequest:
    try:
        return (
            ExtensionRequest.objects.filter(item__in=selectors.items_visible_to(user=user))
            .select_related("item", "item__unit")
            .get(pk=pk)
        )
    except ExtensionRequest.DoesNotExist:
        raise Http404(_("Extension request not found.")) from None


def get_progress_for_user_or_404(user: AnyUser, pk: int) -> ProgressUpdate:
    try:
        return ProgressUpdate.objects.filter(item__in=selectors.items_visible_to(user=user)).get(
            pk=pk
        )
    except ProgressUpdate.DoesNotExist:
        raise Http404(_("Progress update not found.")) from None


def get_finding_for_user_or_404(user: AnyUser, pk: int) -> Finding:
    try:
        return selectors.findings_visible_to(user=user).select_related("unit").get(pk=pk)
    except Finding.DoesNotExist:
        raise Http404(_("Finding not found.")) from None


def get_public_circular_or_404(pk: int) -> Circular:
    try:
        return selectors.public_circulars().get(pk=pk)
    except Circular.DoesNotExist:
        raise Http404(_("Circular not found.")) from None


def get_accountability_for_user_or_404(user: AnyUser, pk: int) -> AccountabilityAction:
    """问责 within the viewer's reach of its unit (or its person's unit); others 404."""
    try:
        return (
            selectors.accountability_visible_to(user=user)
            .select_related("unit", "person", "person__unit", "recorded_by", "source_type")
            .get(pk=pk)
        )
    except AccountabilityAction.DoesNotExist:
        raise Http404(_("Accountability action not found.")) from None


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


def require_act_for_units(user: AnyUser, units: Iterable[Unit]) -> None:
    """One query for one unit or many (a ledger import names thousands)."""
    unit_ids = {unit.pk for unit in units}
    acted_for = Unit.objects.filter(unit_scope_q(user=user, codename=ACT), pk__in=unit_ids)
    if acted_for.count() != len(unit_ids):
        raise PermissionDenied(_("You may not act for this unit."))


def require_record_accountability(user: AnyUser, unit: Unit | None) -> None:
    if not can_record_accountability(user, unit):
        raise PermissionDenied(_("You may not record accountability actions for this unit."))


# --- Re-checks (整改回头看) ---------------------------------------------------------------


def can_open_recheck(user: AnyUser) -> bool:
    """Inspection staff open re-checks (over the closed items in their jurisdiction)."""
    return can_manage_campaigns(user)


def can_decide_recheck_entry(user: AnyUser, entry: RecheckEntry) -> bool:
    return can_oversee_unit(user, entry.item.unit)


def get_recheck_for_user_or_404(user: AnyUser, pk: int) -> Recheck:
    """A re-check with none of the user's visible items does not exist for them."""
    try:
        return (
            recheck_selectors.rechecks_visible_to(user=user)
            .select_related("campaign", "campaign__scope", "opened_by")
            .get(pk=pk)
        )
    except Recheck.DoesNotExist:
        raise Http404(_("Re-check not found.")) from None


def get_recheck_entry_for_user_or_404(user: AnyUser, pk: int) -> RecheckEntry:
    try:
        return (
            recheck_selectors.recheck_entries_visible_to(user=user)
            .select_related("recheck", "recheck__campaign", "item", "item__unit")
            .get(pk=pk)
        )
    except RecheckEntry.DoesNotExist:
        raise Http404(_("Re-checked item not found.")) from None
