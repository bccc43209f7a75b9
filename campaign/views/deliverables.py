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
from campaign.forms import DueDateForm, ReasonForm, ReminderForm, SubmissionForm
from campaign.models import Campaign, Deliverable
from campaign.services.supervision import HANDED_IN
from units.actions import Action, error_text, form_error_text, perform
from units.models import Unit
from units.permissions import can_oversee_unit, get_unit_for_user_or_404
from units.selectors import ACT, unit_scope_q, units_overseen_by
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
    rows = selectors.deliverables_for_units(campaign=campaign, units=my_units)
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
    units = list(selectors.deliverable_status(user=request.user, deliverable=deliverable))
    can_manage = permissions.can_manage_campaigns(request.user)
    # 催报: the latest reminder per unit, and the units the officer may remind (2 queries).
    reminders = list(selectors.reminders_for(subject=deliverable))
    latest: dict[int, Any] = {}
    for reminder in reminders:
        latest.setdefault(reminder.unit_id, reminder)
    overseen = set(
        units_overseen_by(user=request.user)
        .filter(pk__in=[unit.pk for unit in units])
        .values_list("pk", flat=True)
        if can_manage
        else ()
    )
    under_way = deliverable.campaign.status == Campaign.Status.ACTIVE
    for unit in units:
        unit.last_urge = latest.get(unit.pk)  # type: ignore[attr-defined]
        unit.can_urge = (  # type: ignore[attr-defined]
            under_way and unit.pk in overseen and unit.submission_status not in HANDED_IN
        )
    return render(
        request,
        "campaign/deliverable_detail.html",
        {
            "deliverable": deliverable,
            "units": units,
            "reason_form": ReasonForm(),
            "reminders": reminders,
            "can_urge": any(unit.can_urge for unit in units),  # type: ignore[attr-defined]
            "can_manage": can_manage,
            **(extra or {}),
        },
    )


@login_required
@require_POST
def deliverable_urge(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """催报 one unit that has not handed in the material."""
    deliverable = permissions.get_deliverable_for_user_or_404(request.user, pk)
    unit = get_unit_for_user_or_404(request.user, unit_pk)
    return perform(
        request,
        (deliverable, unit),
        name="urge",
        actions=URGE_ACTIONS,
        success_url=reverse("campaign:deliverable_detail", args=[pk]),
        refused=lambda request, target, extra: _deliverable_page(request, target[0], extra),
    )


@login_required
@require_POST
def deliverable_urge_missing(request: HttpRequest, pk: int) -> HttpResponse:
    """催报 every unit in the officer's jurisdiction that still owes the material."""
    deliverable = permissions.get_deliverable_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("campaign:deliverable_detail", pk)
    try:
        result = services.deliverable_urge_missing(
            deliverable=deliverable, actor=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        text = _("Reminders to hand in sent to %(sent)d units.") % {"sent": result.sent}
        if result.already:
            text += " " + _("%(already)d units had already been reminded today.") % {
                "already": result.already
            }
        messages.success(request, text)
    return redirect("campaign:deliverable_detail", pk)


URGE_ACTIONS = {
    "urge": Action(
        form=ReminderForm,
        allowed=lambda user, target: can_oversee_unit(user, target[1]),
        call=lambda request, target, data: services.deliverable_urge(
            deliverable=target[0], unit=target[1], actor=request.user, text=data["text"]
        ),
        done=gettext_noop("Reminder to hand in sent to the unit."),
    )
}


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
