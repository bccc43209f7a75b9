"""Who may do what to a complaint, and the fetch helper every complaint view uses.

Units see only the complaints assigned to them (never who complained); inspection staff
handle everything in their jurisdiction plus the unrouted intake; leaders read.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEscalation,
    ComplaintPart,
    DispatchDispute,
    DispatchRule,
    ExtensionRequest,
    IdentityRequest,
)
from complaints.selectors import (
    APPROVE_IDENTITY,
    complaint_scope_q,
    complaints_visible_to,
    identity_requests_visible_to,
    pending_extensions,
)
from complaints.selectors_dispatch import parts_visible_to, rules_visible_to
from units.models import Unit
from units.permissions import can_act_for_unit, can_oversee_all_units, can_oversee_unit
from units.types import AnyUser

HANDLE = "complaints.handle_complaint"
VIEW_IDENTITY = "complaints.view_complainant_identity"
VIEW_FIGURES = "complaints.view_complaint_figures"
# 身份信息保管人: the role group whose members approve requests to see an identity
# (created by complaints/migrations/0009_identity_custodians.py with APPROVE_IDENTITY).
CUSTODIANS = "身份信息保管人"


def is_handler(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(HANDLE))  # type: ignore[union-attr]


def within_jurisdiction(user: AnyUser, complaint: Complaint) -> bool:
    """The user oversees the case: its unit and the unit complained about, where named.

    A case naming neither unit is the county's: only staff overseeing every unit hold it.
    """
    if can_oversee_all_units(user):
        return True
    units = [unit for unit in (complaint.unit, complaint.subject_unit) if unit is not None]
    return bool(units) and all(can_oversee_unit(user, unit) for unit in units)


def can_handle_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """Intake, triage, assignment, review, return visit: staff, within their jurisdiction."""
    return is_handler(user) and within_jurisdiction(user, complaint)


def can_answer_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """The unit the case is assigned to acts on it (answer, re-routing, extension)."""
    return complaint.unit is not None and can_act_for_unit(user, complaint.unit)


def _acts_for_case_unit(user: AnyUser, complaint: Complaint) -> bool:
    """The user acts for the unit that handles the case or is complained about."""
    return any(
        unit is not None and can_act_for_unit(user, unit)
        for unit in (complaint.unit, complaint.subject_unit)
    )


def can_view_identity(user: AnyUser, complaint: Complaint) -> bool:
    """The ability, and jurisdiction over the case: never on one person's permission alone.

    With approval on (the default) this is who may *ask*; seeing also needs an approved,
    unexpired request of their own (`identity_request_valid`). An anonymous complaint has
    no identity to show (its sender's address is never revealed).
    """
    if not complaint.has_identity:
        return False
    if not (user.is_authenticated and user.has_perm(VIEW_IDENTITY)):  # type: ignore[union-attr]
        return False
    # Never to the unit that handles or is complained about, whatever else it holds.
    if _acts_for_case_unit(user, complaint):
        return False
    return within_jurisdiction(user, complaint)


def can_request_identity(user: AnyUser, complaint: Complaint) -> bool:
    """Ask a custodian to approve seeing who complained (approval mode only)."""
    return conf.identity_needs_approval() and can_view_identity(user, complaint)


def is_identity_custodian(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(APPROVE_IDENTITY))  # type: ignore[union-attr]


def can_see_identity_requests(user: AnyUser) -> bool:
    """The requests page: custodians (to decide) and officers who may ask (their own)."""
    return is_identity_custodian(user) or bool(
        user.is_authenticated and user.has_perm(VIEW_IDENTITY)  # type: ignore[union-attr]
    )


def can_decide_identity_request(user: AnyUser, request: IdentityRequest) -> bool:
    """A custodian with jurisdiction over the case, never the asker nor the case's units."""
    if not is_identity_custodian(user) or request.requested_by_id == user.pk:
        return False
    complaint = request.complaint
    return within_jurisdiction(user, complaint) and not _acts_for_case_unit(user, complaint)


def can_withdraw_identity_request(user: AnyUser, request: IdentityRequest) -> bool:
    return bool(user.is_authenticated and request.requested_by_id == user.pk)


def can_view_attachments(user: AnyUser, complaint: Complaint) -> bool:
    """Every file of the case, as the complainant sent it: staff and leaders, not the unit.

    Files may show who sent them (a receipt, a face): the handling unit sees only those an
    officer has shared with it (`can_view_attachment`).
    """
    if can_handle_complaint(user, complaint):
        return True
    return bool(
        user.is_authenticated
        and user.has_perm("complaints.view_all_complaints")  # type: ignore[union-attr]
        and not (complaint.unit is not None and can_act_for_unit(user, complaint.unit))
        # The reading ability is no jurisdiction: only cases the user sees at all.
        and _sees_case(user, complaint)
    )


def can_view_attachment(user: AnyUser, attachment: ComplaintAttachment) -> bool:
    """One file of a case the caller already sees: a shared file is case material for
    whoever sees the case (the handling unit, its leader in charge); the rest stay with staff."""
    return attachment.is_shared or can_view_attachments(user, attachment.complaint)


def can_share_attachments(user: AnyUser, complaint: Complaint) -> bool:
    """Officers who handle the case decide which files the handling unit may see."""
    return can_handle_complaint(user, complaint)


def attachments_for_user(user: AnyUser, complaint: Complaint) -> list[ComplaintAttachment]:
    """The files the case page lists for `user` (who already sees the case)."""
    files = list(complaint.attachments.select_related("shared_by"))
    for number, attachment in enumerate(files, 1):
        attachment.number = number  # type: ignore[attr-defined]  # as the history names it
    if can_view_attachments(user, complaint):
        return files
    return [attachment for attachment in files if attachment.is_shared]


def _sees_case(user: AnyUser, complaint: Complaint) -> bool:
    scope = complaint_scope_q(user=user)
    return scope == Q() or Complaint.objects.filter(scope, pk=complaint.pk).exists()


def can_view_figures(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm(VIEW_FIGURES))  # type: ignore[union-attr]


def can_export(user: AnyUser) -> bool:
    """Only staff and leaders export; the file never names the complainant."""
    return is_handler(user) or bool(
        user.is_authenticated and user.has_perm("complaints.view_all_complaints")  # type: ignore[union-attr]
    )


def can_follow_up(user: AnyUser, complaint: Complaint) -> bool:
    """Rectification and 问责 follow a substantiated complaint: staff who handle it."""
    return complaint.is_substantiated and can_handle_complaint(user, complaint)


def get_complaint_for_user_or_404(user: AnyUser, pk: int) -> Complaint:
    """Outsiders and sibling units get 404: a case they may not see does not exist for them."""
    try:
        return (
            complaints_visible_to(user=user)
            .select_related(
                "category", "unit", "subject_unit", "merged_into", "commitment", "reception_day"
            )
            .get(pk=pk)
        )
    except Complaint.DoesNotExist:
        raise Http404(_("Complaint not found.")) from None


def can_see_escalation(user: AnyUser, escalation: ComplaintEscalation) -> bool:
    """Notices and listings: whoever sees the case; a 通报批评 proposal: the staff who
    handle it (it is theirs to decide, not the unit's to read before it is decided)."""
    if escalation.kind == ComplaintEscalation.Kind.CRITICISM:
        return can_handle_complaint(user, escalation.complaint)
    return True


def get_escalation_for_user_or_404(user: AnyUser, pk: int) -> ComplaintEscalation:
    """A 督办 document of a case the user sees (outsiders and the unit, for proposals: 404)."""
    escalation = (
        ComplaintEscalation.objects.select_related(
            "complaint__unit", "complaint__subject_unit", "unit", "issued_by", "circular"
        )
        .filter(complaint__in=complaints_visible_to(user=user))
        .filter(pk=pk)
        .first()
    )
    if escalation is None or not can_see_escalation(user, escalation):
        raise Http404(_("Document not found."))
    return escalation


def get_attachment_for_user_or_404(
    user: AnyUser, complaint_pk: int, attachment_pk: int
) -> ComplaintAttachment:
    """A file of a case the user sees; 403 for a file kept from them (not shared with the
    handling unit)."""
    complaint = get_complaint_for_user_or_404(user, complaint_pk)
    try:
        attachment = complaint.attachments.get(pk=attachment_pk)
    except ComplaintAttachment.DoesNotExist:
        raise Http404(_("Attachment not found.")) from None
    attachment.complaint = complaint
    if not can_view_attachment(user, attachment):
        raise PermissionDenied(_("Attachments are kept by inspection staff."))
    return attachment


def get_identity_request_for_user_or_404(user: AnyUser, pk: int) -> IdentityRequest:
    """The asker's own requests and those the custodian may decide; 404 for anyone else."""
    try:
        return (
            identity_requests_visible_to(user=user)
            .select_related("complaint__unit", "complaint__subject_unit", "requested_by")
            .get(pk=pk)
        )
    except IdentityRequest.DoesNotExist:
        raise Http404(_("Request not found.")) from None


def get_merge_target_for_user(user: AnyUser, number: str) -> Complaint:
    """The surviving case of a merge, by its case number, among the cases the user sees."""
    into = complaints_visible_to(user=user).filter(number=number.strip()).first()
    if into is None:
        raise ValidationError({"into": _("No complaint has this case number.")})
    return into


def get_pending_extension_or_404(complaint: Complaint) -> ExtensionRequest:
    """The extension request waiting on a complaint the caller has already fetched."""
    request = pending_extensions(complaint=complaint).first()
    if request is None:
        raise Http404(_("No extension request is waiting for a decision."))
    return request


def require_handler(user: AnyUser) -> None:
    if not is_handler(user):
        raise PermissionDenied(_("Only inspection staff may do this."))


def require_intake(user: AnyUser | None) -> None:
    """Channels other than the public web form are registered by inspection staff."""
    if user is None or not is_handler(user):
        raise PermissionDenied(
            _("Only inspection staff may register complaints from this channel.")
        )


def require_assign_to(user: AnyUser, unit: Unit) -> None:
    if not can_oversee_unit(user, unit):
        raise PermissionDenied(_("You may not assign complaints to this unit."))


def require_view_identity(user: AnyUser, complaint: Complaint) -> None:
    if not can_view_identity(user, complaint):
        raise PermissionDenied(_("You may not see who made this complaint."))


def require_request_identity(user: AnyUser, complaint: Complaint) -> None:
    if not can_view_identity(user, complaint):
        raise PermissionDenied(_("You may not see who made this complaint."))


def require_decide_identity_request(user: AnyUser, request: IdentityRequest) -> None:
    if request.requested_by_id == user.pk:
        raise PermissionDenied(
            _("You cannot approve your own request: another identity custodian must decide on it.")
        )
    if not can_decide_identity_request(user, request):
        raise PermissionDenied(
            _("Only an identity custodian with jurisdiction over the case may decide on this.")
        )


def require_withdraw_identity_request(user: AnyUser, request: IdentityRequest) -> None:
    if not can_withdraw_identity_request(user, request):
        raise PermissionDenied(_("Only the officer who asked may withdraw the request."))


def require_identity_requests(user: AnyUser) -> None:
    if not can_see_identity_requests(user):
        raise PermissionDenied(_("Only inspection staff may see this."))


def require_view_attachments(user: AnyUser, complaint: Complaint) -> None:
    if not can_view_attachments(user, complaint):
        raise PermissionDenied(_("Attachments are kept by inspection staff."))


def require_view_figures(user: AnyUser) -> None:
    if not can_view_figures(user):
        raise PermissionDenied(_("You may not see complaint figures."))


def require_export(user: AnyUser) -> None:
    if not can_export(user):
        raise PermissionDenied(_("You may not export complaints."))


def require_reveal_log(user: AnyUser) -> None:
    if not (user.is_authenticated and user.has_perm("complaints.view_identityreveal")):  # type: ignore[union-attr]
        raise PermissionDenied(_("Only inspection staff may see this."))


def require_handle(user: AnyUser, complaint: Complaint) -> None:
    if not can_handle_complaint(user, complaint):
        raise PermissionDenied(_("You may not handle this complaint."))


def require_answer(user: AnyUser, complaint: Complaint) -> None:
    if not can_answer_complaint(user, complaint):
        raise PermissionDenied(_("Only the unit the complaint is assigned to may do this."))
    if complaint.pauses.filter(ended_on__isnull=True).exists():  # 中止计时 (services.pauses)
        raise ValidationError(_("The handling clock is paused: restart it first."))


# --- 协办 parts, 派单异议 and the 派单目录 (complaints.models_dispatch) -------------------------


def can_answer_part(user: AnyUser, part: ComplaintPart) -> bool:
    """The co-handling unit answers (or disputes) its own part; its leaders only read."""
    return can_act_for_unit(user, part.unit)


def can_handle_part(user: AnyUser, part: ComplaintPart) -> bool:
    """The officers who handle the case decide on its parts' disputes."""
    return can_handle_complaint(user, part.complaint)


def can_edit_rule(user: AnyUser, rule: DispatchRule) -> bool:
    """Complaint staff over the responsible unit and the area (no area: the whole county)."""
    if not is_handler(user) or not can_oversee_unit(user, rule.unit):
        return False
    return can_oversee_unit(user, rule.area) if rule.area else can_oversee_all_units(user)


def require_answer_part(user: AnyUser, part: ComplaintPart) -> None:
    if not can_answer_part(user, part):
        raise PermissionDenied(_("Only the co-handling unit may do this."))


def require_edit_rule(user: AnyUser, rule: DispatchRule) -> None:
    if not can_edit_rule(user, rule):
        raise PermissionDenied(_("You may not change this dispatch catalogue entry."))


def get_part_for_user_or_404(user: AnyUser, pk: int) -> ComplaintPart:
    """A co-handling part (and through it the case as its unit sees it); 404 for outsiders."""
    try:
        return (
            parts_visible_to(user=user)
            .select_related(
                "complaint__category", "complaint__subject_unit", "complaint__unit", "unit"
            )
            .get(pk=pk)
        )
    except ComplaintPart.DoesNotExist:
        raise Http404(_("Complaint not found.")) from None


def get_rule_for_user_or_404(user: AnyUser, pk: int) -> DispatchRule:
    try:
        return rules_visible_to(user=user).select_related("category", "unit", "area").get(pk=pk)
    except DispatchRule.DoesNotExist:
        raise Http404(_("Catalogue entry not found.")) from None


def get_dispute_for_user_or_404(user: AnyUser, complaint: Complaint, pk: int) -> DispatchDispute:
    """A pending dispute on a case the officer has already fetched."""
    dispute = (
        complaint.disputes.filter(status=DispatchDispute.Status.PENDING)
        .select_related("unit", "part__unit")
        .filter(pk=pk)
        .first()
    )
    if dispute is None:
        raise Http404(_("No dispute is waiting for a decision."))
    dispute.complaint = complaint
    return dispute
