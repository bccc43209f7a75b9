"""督办 on a case: its documents (催办通知书, 挂牌督办, 通报批评 proposals) to read and print,
挂牌督办 by hand, the review of a second 不满意 and the decision on a proposal.

Thin views over complaints.services.supervision / handling; the case page shows the
documents and forms through `escalation_context` (complaints.views._detail_context).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from campaign.models import Campaign
from complaints import forms_escalation as forms
from complaints import permissions, selectors, services
from complaints.models import Complaint, ComplaintEscalation
from complaints.services.supervision import LISTABLE
from units.actions import Action, perform
from units.types import AnyUser


def escalation_context(user: AnyUser, complaint: Complaint, *, can_handle: bool) -> dict[str, Any]:
    """The case page's 督办 part: the documents the user may open, the listing's reason,
    and the officers' forms (list by hand, review a second 不满意)."""
    documents = complaint.escalations.select_related("issued_by").order_by("issued_at", "pk")
    if not can_handle:
        documents = documents.exclude(kind=ComplaintEscalation.Kind.CRITICISM)
    documents = list(documents)
    listings = [d for d in documents if d.kind == ComplaintEscalation.Kind.LISTING]
    context: dict[str, Any] = {
        "escalations": documents,
        "listing": (
            listings[-1]
            if listings and complaint.supervision == Complaint.Supervision.LISTED
            else None
        ),
    }
    if can_handle:
        if complaint.status in LISTABLE and complaint.supervision != Complaint.Supervision.LISTED:
            context["listing_form"] = forms.ListingForm(auto_id="listing_%s")
        if complaint.rating_review and complaint.status == Complaint.Status.RETURN_VISIT:
            context["rating_review_form"] = forms.RatingReviewForm(auto_id="rating_review_%s")
    return context


def _refused(request: HttpRequest, obj: Any, extra: dict[str, Any]) -> HttpResponse:
    """A refused 督办 action: its form again, with the errors and the way back to the case."""
    complaint = obj.complaint if isinstance(obj, ComplaintEscalation) else obj
    form = next((value for key, value in extra.items() if key.endswith("_form")), None)
    return render(
        request,
        "complaints/escalation_form.html",
        {"complaint": complaint, "form": form, "action": extra.get("failed_action"), **extra},
    )


def _campaigns(request: HttpRequest, proposal: ComplaintEscalation) -> dict[str, Any]:
    unit = proposal.unit or proposal.complaint.unit
    if unit is None:
        return {"campaigns": Campaign.objects.none()}
    return {"campaigns": selectors.campaigns_for_item(user=request.user, unit=unit)}


SUPERVISION_ACTIONS: dict[str, Action] = {
    "list": Action(
        form=forms.ListingForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_list_supervision(
            complaint=c, actor=r.user, reason=d["reason"]
        ),
        done=gettext_noop("The case is listed for supervision."),
    ),
    "rating_review": Action(
        form=forms.RatingReviewForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_rating_review_decide(
            complaint=c,
            actor=r.user,
            rehandle=d["decision"] == "rehandle",
            note=d["note"],
            deadline=d["deadline"],
        ),
        done=gettext_noop("Review of the rating recorded."),
    ),
}

PROPOSAL_ACTIONS: dict[str, Action] = {
    "draft": Action(
        form=forms.ProposalDraftForm,
        allowed=lambda user, p: permissions.can_handle_complaint(user, p.complaint),
        call=lambda r, p, d: services.criticism_proposal_decide(
            proposal=p, actor=r.user, draft=True, campaign=d["campaign"], note=d["note"]
        ),
        done=gettext_noop("A draft criticism circular was written; review and publish it."),
        form_kwargs=_campaigns,
    ),
    "dismiss": Action(
        form=forms.ProposalDismissForm,
        allowed=lambda user, p: permissions.can_handle_complaint(user, p.complaint),
        call=lambda r, p, d: services.criticism_proposal_decide(
            proposal=p, actor=r.user, draft=False, note=d["note"]
        ),
        done=gettext_noop("Proposal dismissed."),
    ),
}


@login_required
@require_POST
def supervision_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """挂牌督办 by hand, or the review of a second 不满意, on one case."""
    complaint = permissions.get_complaint_for_user_or_404(request.user, pk)
    return perform(
        request,
        complaint,
        name=action,
        actions=SUPERVISION_ACTIONS,
        success_url=complaint.get_absolute_url(),
        refused=_refused,
    )


@login_required
@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 督办 document, to read and print; a pending proposal with the officers' forms."""
    document = permissions.get_escalation_for_user_or_404(request.user, pk)
    context: dict[str, Any] = {"document": document, "complaint": document.complaint}
    pending = (
        document.kind == ComplaintEscalation.Kind.CRITICISM
        and document.decision == ComplaintEscalation.Decision.PENDING
    )
    if pending and permissions.can_handle_complaint(request.user, document.complaint):
        context["draft_form"] = forms.ProposalDraftForm(
            auto_id="draft_%s", **_campaigns(request, document)
        )
        context["dismiss_form"] = forms.ProposalDismissForm(auto_id="dismiss_%s")
    return render(request, "complaints/escalation_detail.html", context)


@login_required
@require_POST
def escalation_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A 通报批评 proposal: a draft circular, or dismissed with a note."""
    document = permissions.get_escalation_for_user_or_404(request.user, pk)
    return perform(
        request,
        document,
        name=action,
        actions=PROPOSAL_ACTIONS,
        success_url=reverse("complaints:escalation", args=[document.pk]),
        refused=_refused,
    )
