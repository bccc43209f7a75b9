"""中止计时 on the case page: the unit or staff stop and restart the handling clock."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from complaints import permissions, services, views
from complaints.forms_pause import PauseForm
from complaints.permissions_pause import can_pause_complaint
from units.actions import Action, perform

CLOCK_ACTIONS: dict[str, Action] = {
    "pause": Action(
        form=PauseForm,
        allowed=can_pause_complaint,
        call=lambda r, c, d: services.complaint_pause(
            complaint=c, actor=r.user, reason=d["reason"], detail=d["detail"]
        ),
        done=gettext_noop("Handling clock paused."),
    ),
    "resume": Action(
        form=None,
        allowed=can_pause_complaint,
        call=lambda r, c, d: services.complaint_resume(complaint=c, actor=r.user),
        done=gettext_noop("Handling clock restarted."),
    ),
}


@login_required
@require_POST
def complaint_clock(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in CLOCK_ACTIONS:
        raise Http404
    complaint = permissions.get_complaint_for_user_or_404(request.user, pk)
    return perform(
        request,
        complaint,
        name=action,
        actions=CLOCK_ACTIONS,
        success_url=complaint.get_absolute_url(),
        refused=views._refused,
    )
