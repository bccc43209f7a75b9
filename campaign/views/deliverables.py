"""Deliverables (规定动作) and the units' submissions (报送)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from campaign import permissions, selectors, services
from campaign.forms import DueDateForm, ReasonForm, SubmissionForm
from campaign.models import Deliverable
from units.actions import Action, error_text, form_error_text, perform
from units.models import Unit
from units.selectors import ACT, unit_scope_q
from units.transitions import InvalidTransition


def _deliverables_page(request: HttpRequest) -> HttpResponse:
    campaign = selectors.current_campaign(user=request.user)
    if campaign is None:
        if not Unit.objects.visible_to(request.user).exists():
            raise Http404
        return render(request, "campaign/deliverables.html", {"campaign": None})
    my_units = list(
        Unit.objects.filter(
            unit_scope_q(user=request.user, codename=ACT),
            path__startswith=campaign.scope.path,
            depth=campaign.scope.depth + 1,
        ).order_by("path")
    )
    rows = [
        (unit, selectors.deliverables_for_unit(campaign=campaign, unit=unit)) for unit in my_units
    ]
    return render(
        request,
        "campaign/deliverables.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": list(selectors.deliverable_counts(campaign=campaign)),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def deliverables(request: HttpRequest) -> HttpResponse:
    """My deliverables (unit heads) or the submission status per deliverable (staff)."""
    return _deliverables_page(request)


def _deliverable_page(
    request: HttpRequest, deliverable: Deliverable, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        "campaign/deliverable_detail.html",
        {
            "deliverable": deliverable,
            "units": list(selectors.deliverable_status(user=request.user, deliverable=deliverable)),
            "reason_form": ReasonForm(),
            "can_manage": permissions.can_manage_campaigns(request.user),
            **(extra or {}),
        },
    )


@login_required
@require_GET
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _deliverable_page(request, permissions.get_deliverable_for_user_or_404(request.user, pk))


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Material handed in from the deliverables list, and back to it (refusals as messages)."""
    deliverable = permissions.get_deliverable_for_user_or_404(request.user, pk)
    units = Unit.objects.filter(unit_scope_q(user=request.user, codename=ACT))
    if not units.exists():
        raise PermissionDenied(_("You may not act for this unit."))
    form = SubmissionForm(request.POST, request.FILES, units=units)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("campaign:deliverables")
    try:
        services.submission_submit(
            deliverable=deliverable,
            unit=form.cleaned_data["unit"],
            actor=request.user,
            text=form.cleaned_data["text"],
            attachment=form.cleaned_data["attachment"],
        )
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Material submitted."))
    return redirect("campaign:deliverables")


@login_required
@require_POST
def deliverable_due_date(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer adjusts a deliverable's due date (an edit, not a move: back to the page)."""
    deliverable = permissions.get_deliverable_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
    else:
        services.deliverable_update(
            deliverable=deliverable, actor=request.user, due_date=form.cleaned_data["due_date"]
        )
        messages.success(request, _("Due date changed."))
    return redirect("campaign:deliverable_detail", pk)


SUBMISSION_ACTIONS = {
    "accept": Action(
        form=None,
        allowed=lambda user, submission: permissions.can_review_submission(user, submission),
        call=lambda request, submission, data: services.submission_accept(
            submission=submission, actor=request.user
        ),
        done=gettext_noop("Material accepted."),
    ),
    "return": Action(
        form=ReasonForm,
        allowed=lambda user, submission: permissions.can_review_submission(user, submission),
        call=lambda request, submission, data: services.submission_return(
            submission=submission, actor=request.user, reason=data["reason"]
        ),
        done=gettext_noop("Material returned."),
    ),
}


@login_required
@require_POST
def submission_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    submission = permissions.get_submission_for_user_or_404(request.user, pk)
    return perform(
        request,
        submission,
        name=decision,
        actions=SUBMISSION_ACTIONS,
        success_url=reverse("campaign:deliverable_detail", args=[submission.deliverable_id]),
        refused=lambda request, submission, extra: _deliverable_page(
            request, submission.deliverable, extra
        ),
    )
