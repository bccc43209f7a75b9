"""The 中止计时 panel of the case page, drawn from the case and the viewer alone, so the
case page's view needs no change to carry it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from complaints import conf
from complaints.forms_pause import PauseForm
from complaints.permissions_pause import can_pause_complaint
from complaints.selectors_pause import pauses_of
from complaints.services.pauses import PAUSABLE

register = template.Library()


@register.inclusion_tag("complaints/_pause_panel.html", takes_context=True)
def pause_panel(context: template.Context) -> dict[str, Any]:
    complaint = context["complaint"]
    user = context["request"].user
    pauses = pauses_of(complaint=complaint)
    current = next((p for p in pauses if p.is_open), None)
    used = sum(p.working_days or 0 for p in pauses if not p.is_open)
    left = max(conf.pause_max_working_days() - used, 0)
    may = can_pause_complaint(user, complaint)
    today = timezone.localdate()
    can_start = (
        may
        and current is None
        and left > 0
        and complaint.status in PAUSABLE
        and complaint.deadline is not None
        and today <= complaint.deadline
    )
    return {
        "complaint": complaint,
        "pauses": pauses,
        "current": current,
        "used": used,
        "left": left,
        "limit": conf.pause_max_working_days(),
        "pause_form": (context.get("pause_form") or PauseForm(auto_id="pause_%s"))
        if can_start
        else None,
        "can_resume": may and current is not None,
        "csrf_token": context.get("csrf_token"),
    }
