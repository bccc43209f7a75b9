"""中止计时: stop the handling clock while the unit waits on the complainant, restart it.

A pause is open from `started_on` until resumed by hand or, once the case's allowance
(`conf.pause_max_working_days`, all its pauses together) runs out, by the daily
`complaint_pauses_expire`. On resume the handling deadline moves by the working days paused
(units.workdays: holidays and adjusted work days counted as the calendar says). Each pause and
resume is a ComplaintPause row and a note in the case's history.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintPause
from complaints.permissions_pause import require_pause
from complaints.selectors_pause import pause_allowance_left
from complaints.services.handling import case_queryset, history_note, lock_case
from complaints.services.notices import notify_unit
from units.models import Notification
from units.types import AnyUser
from units.workdays import add_working_days, working_days_between

# The unit is working on the case and its clock runs (a re-routing request waits on staff).
PAUSABLE = (Complaint.Status.ASSIGNED, Complaint.Status.SENT_BACK)


def complaint_pause(
    *,
    complaint: Complaint,
    actor: AnyUser,
    reason: str,
    detail: str = "",
    today: datetime.date | None = None,
) -> ComplaintPause:
    """中止计时: only while the case is handled, before its deadline, within the allowance."""
    today = today or timezone.localdate()
    detail = detail.strip()
    if reason not in ComplaintPause.Reason.values:
        raise ValidationError({"reason": _("Choose why the clock is paused.")})
    if reason == ComplaintPause.Reason.OTHER and not detail:
        raise ValidationError({"detail": _("Say what the unit is waiting for.")})
    with transaction.atomic():
        locked = lock_case(complaint)
        require_pause(actor, locked)
        if locked.status not in PAUSABLE or locked.deadline is None:
            raise ValidationError(_("Only a complaint being handled can have its clock paused."))
        if today > locked.deadline:
            raise ValidationError(
                _("The handling deadline has passed: the clock can no longer be paused.")
            )
        if ComplaintPause.objects.open().filter(complaint=locked).exists():
            raise ValidationError(_("The clock of this complaint is already paused."))
        left = pause_allowance_left(complaint=locked)
        if left <= 0:
            raise ValidationError(
                _("This complaint has used all the working days its clock may be paused.")
            )
        pause = ComplaintPause.objects.create(
            complaint=locked,
            reason=reason,
            detail=detail,
            started_on=today,
            started_by=actor if actor.is_authenticated else None,
            expires_on=add_working_days(today, left),
            deadline_before=locked.deadline,
        )
        locked.clock_paused = True
        locked.save(update_fields=["clock_paused", "updated_at"])
        history_note(
            locked,
            actor,
            _("Clock paused (中止计时): %(reason)s. Resumes by %(date)s at the latest.")
            % {"reason": pause.get_reason_display(), "date": pause.expires_on.isoformat()}
            + (f" {detail}" if detail else ""),
        )
    return pause


def complaint_resume(
    *, complaint: Complaint, actor: AnyUser, today: datetime.date | None = None
) -> ComplaintPause:
    """Restart the clock by hand; the deadline moves by the working days paused."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = lock_case(complaint)
        require_pause(actor, locked)
        pause = ComplaintPause.objects.open().select_for_update().filter(complaint=locked).first()
        if pause is None:
            raise ValidationError(_("The clock of this complaint is not paused."))
        # Never past the allowance, even when the daily expiry has not run yet.
        on = min(today, pause.expires_on)
        return _resume(locked, pause, actor=actor, on=on, automatic=on == pause.expires_on)


def complaint_pauses_expire(*, today: datetime.date | None = None) -> int:
    """Daily: pauses that reached the case's allowance end on their last day; each once.

    Each case is locked (skipping one a concurrent run holds) and its open pause read again
    under the lock, so two runs, or a run and a resume by hand, end a pause once.
    """
    today = today or timezone.localdate()
    due = list(
        ComplaintPause.objects.open()
        .filter(expires_on__lte=today)
        .order_by("expires_on", "pk")
        .values_list("complaint_id", flat=True)
    )
    resumed = 0
    for complaint_id in due:
        with transaction.atomic():
            locked = (
                case_queryset()
                .select_for_update(of=("self",), skip_locked=True)
                .filter(pk=complaint_id)
                .first()
            )
            pause = (
                ComplaintPause.objects.open()
                .select_for_update()
                .filter(complaint_id=complaint_id, expires_on__lte=today)
                .first()
            )
            if locked is None or pause is None:
                continue
            _resume(locked, pause, actor=None, on=pause.expires_on, automatic=True)
            notify_unit(
                locked,
                kind=Notification.Kind.INFO,
                title=_("Complaint %(number)s: the paused clock has restarted")
                % {"number": locked.number},
                object_suffix=f":resumed:{pause.pk}",
            )
            resumed += 1
    return resumed


def _resume(
    locked: Complaint,
    pause: ComplaintPause,
    *,
    actor: AnyUser | None,
    on: datetime.date,
    automatic: bool,
) -> ComplaintPause:
    days = max(working_days_between(pause.started_on, on), 0)
    old = locked.deadline
    if old is not None and days:
        locked.deadline = add_working_days(old, days)
    locked.clock_paused = False
    locked.save(update_fields=["deadline", "clock_paused", "updated_at"])
    pause.ended_on = on
    pause.ended_at = timezone.now()
    pause.ended_by = actor if actor is not None and actor.is_authenticated else None
    pause.automatic = automatic
    pause.working_days = days
    pause.deadline_after = locked.deadline
    pause.save(
        update_fields=[
            "ended_on",
            "ended_at",
            "ended_by",
            "automatic",
            "working_days",
            "deadline_after",
        ]
    )
    text = (
        _("Clock restarted automatically: the pause allowance is used up.")
        if automatic
        else _("Clock restarted.")
    )
    history_note(
        locked,
        actor,
        text
        + " "
        + _("%(days)s working days paused; handling deadline %(old)s → %(new)s.")
        % {
            "days": days,
            "old": old.isoformat() if old else "-",
            "new": locked.deadline.isoformat() if locked.deadline else "-",
        },
    )
    return pause
