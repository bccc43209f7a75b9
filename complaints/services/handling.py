"""受理 → 交办 → 办理 → 审核 → 回访 → 办结: every move of a case, one service each.

Every move goes through units.transitions.transition (lock, the model's transition map,
save, the ComplaintTransition record); who may act is complaints.permissions' to say.
Notifications carry the case number and subject only: never who complained.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import Complaint, ComplaintTransition
from complaints.permissions import require_answer, require_assign_to, require_handle
from complaints.selectors_dispatch import outstanding_parts
from complaints.services.disputes import dispute_open, dispute_settle, dispute_window_check
from complaints.services.intake import complaint_default_deadline
from complaints.services.notices import notify_staff, notify_unit
from units.models import Notification, Unit
from units.transitions import check_transition, record_transition, transition
from units.types import AnyUser
from units.workdays import add_working_days

logger = logging.getLogger(__name__)

ASSIGNABLE_FROM = (Complaint.Status.ACCEPTED, Complaint.Status.REROUTE_REQUESTED)


def case_queryset() -> Any:
    """What a move locks and loads with the case."""
    return Complaint.objects.select_related("unit", "subject_unit", "category")


def lock_case(complaint: Complaint) -> Complaint:
    """The case, locked for a service that checks more than the move before making it."""
    return case_queryset().select_for_update(of=("self",)).get(pk=complaint.pk)


def history_note(complaint: Complaint, actor: AnyUser | None, comment: str) -> None:
    """An entry in the case's history that is not a move (a deadline, a follow-up)."""
    record_transition(
        record_model=ComplaintTransition,
        subject_field="complaint",
        subject=complaint,
        from_status=complaint.status,
        to_status=complaint.status,
        actor=actor,
        comment=comment,
    )


def _move(
    complaint: Complaint,
    *,
    target: str,
    actor: AnyUser | None,
    require: Callable[[AnyUser, Complaint], None] | None = None,
    comment: str = "",
    fields: dict[str, Any] | None = None,
) -> Complaint:
    """A plain move: lock, `require(actor, case)`, then transition's map, save and record."""
    return transition(
        complaint,
        target=target,
        actor=actor,
        comment=comment,
        fields=fields,
        queryset=case_queryset(),
        check=(lambda row: require(actor, row)) if require is not None else None,  # type: ignore[arg-type]
    )


def _only_from(statuses: tuple[str, ...] | str, target: str, current: str) -> None:
    """Narrow the map where two services share a target (交办 vs. a reopening)."""
    sources = (statuses,) if isinstance(statuses, str) else statuses
    check_transition(
        transitions={s: {target} for s in sources},
        current=current,
        target=target,
        labels=Complaint.Status.choices,
    )


def complaint_accept(*, complaint: Complaint, actor: AnyUser, comment: str = "") -> Complaint:
    """受理."""
    return _move(
        complaint,
        target=Complaint.Status.ACCEPTED,
        actor=actor,
        require=require_handle,
        comment=comment,
        fields={"accepted_at": timezone.now()},
    )


def complaint_reject(*, complaint: Complaint, actor: AnyUser, reason: str) -> Complaint:
    """不予受理: the reason is shown to the complainant."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the complainant why it is not accepted.")})
    return _move(
        complaint,
        target=Complaint.Status.REJECTED,
        actor=actor,
        require=require_handle,
        comment=reason,
        fields={"rejection_reason": reason, "closed_at": timezone.now()},
    )


def complaint_assign(
    *,
    complaint: Complaint,
    unit: Unit,
    actor: AnyUser,
    deadline: datetime.date | None = None,
    instructions: str = "",
) -> Complaint:
    """交办 (or re-route) to a unit with a handling deadline in working days."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = lock_case(complaint)
        require_handle(actor, locked)
        require_assign_to(actor, unit)
        if not unit.is_active:
            raise ValidationError({"unit": _("The unit is archived.")})
        deadline = deadline or complaint_default_deadline(
            category=locked.category, urgent=locked.urgent, start=today
        )
        if deadline <= today:
            raise ValidationError({"deadline": _("The deadline must be after today.")})
        # Return visit → assigned is the complainant's reopening (complaint_rate), not 交办.
        _only_from(ASSIGNABLE_FROM, Complaint.Status.ASSIGNED, locked.status)
        rerouted = locked.status == Complaint.Status.REROUTE_REQUESTED
        comment = instructions.strip() or (_("Re-routed") if rerouted else "")
        moved = transition(
            locked,
            locked=True,
            target=Complaint.Status.ASSIGNED,
            actor=actor,
            comment=f"{unit.name} · {deadline.isoformat()}" + (f" · {comment}" if comment else ""),
            fields={
                "unit": unit,
                "deadline": deadline,
                "assigned_at": timezone.now(),
                "instructions": instructions.strip(),
                "supervision": Complaint.Supervision.NONE,
                "supervised_at": None,
                "listed_at": None,
                "reminded_for": None,
            },
        )
        notify_unit(
            moved,
            kind=Notification.Kind.ASSIGNED,
            title=_("Complaint %(number)s has been assigned to your unit")
            % {"number": moved.number},
            object_suffix=f":assigned:{moved.transitions.count()}",
        )
        if rerouted:  # the unit's 派单异议 is settled by this dispatch (upheld or moved)
            dispute_settle(complaint=moved, part=None, actor=actor, new_unit=unit, note=comment)
    return moved


def complaint_request_reroute(*, complaint: Complaint, actor: AnyUser, reason: str) -> Complaint:
    """派单异议 of the lead unit: within the set working days of the dispatch, with a reason;
    the case waits for the officer's decision (complaints.services.dispatch)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Explain why this is not your unit's responsibility.")})
    today = timezone.localdate()

    def allowed(user: AnyUser, row: Complaint) -> None:
        require_answer(user, row)
        dispute_window_check(row.assigned_at, today)

    with transaction.atomic():
        moved = _move(
            complaint,
            target=Complaint.Status.REROUTE_REQUESTED,
            actor=actor,
            require=allowed,
            comment=reason,
        )
        assert moved.unit is not None  # only an assigned case can be disputed (TRANSITIONS)
        dispute_open(
            complaint=moved, part=None, unit=moved.unit, actor=actor, reason=reason, today=today
        )
    return moved


def complaint_answer(
    *,
    complaint: Complaint,
    actor: AnyUser,
    facts: str,
    verdict: str,
    measures: str,
    public_reply: str,
) -> Complaint:
    """办理: the unit reports the facts, the verdict, its measures and the public reply."""
    errors = {}
    if not facts.strip():
        errors["facts"] = _("Describe the facts found.")
    if verdict not in Complaint.Verdict.values:
        errors["verdict"] = _("Choose a verdict.")
    if not public_reply.strip():
        errors["public_reply"] = _("Write the reply the complainant will read.")
    if errors:
        raise ValidationError(errors)

    def allowed(user: AnyUser, row: Complaint) -> None:
        require_answer(user, row)
        # 主办 answers for the whole case: refused (not held) while a 协办 part is owed.
        owed = list(outstanding_parts(complaint=row).select_related("unit"))
        if owed:
            raise ValidationError(
                _("The co-handling units have not all answered their parts: %(parts)s.")
                % {"parts": "、".join(f"{p.unit.name}（{p.deadline:%Y-%m-%d}）" for p in owed)}
            )

    with transaction.atomic():
        moved = _move(
            complaint,
            target=Complaint.Status.ANSWERED,
            actor=actor,
            require=allowed,
            fields={
                "facts": facts.strip(),
                "verdict": verdict,
                "measures": measures.strip(),
                "public_reply": public_reply.strip(),
                "answered_at": timezone.now(),
            },
        )
        # The answer waits for review: the staff who hold the case are told.
        notify_staff(
            moved,
            title=_("Complaint %(number)s answered by %(unit)s: to review")
            % {"number": moved.number, "unit": moved.unit},
            object_suffix=f":answered:{moved.answered_at:%Y%m%d%H%M%S%f}",
        )
    return moved


def complaint_review(
    *, complaint: Complaint, actor: AnyUser, approve: bool, note: str = ""
) -> Complaint:
    """审核: accept the unit's answer (on to the return visit) or send it back (退回重办)."""
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say what the unit must redo.")})
    target = Complaint.Status.RETURN_VISIT if approve else Complaint.Status.SENT_BACK
    fields: dict[str, Any] = {"review_note": note}
    if approve:
        # 回访 the working day after: the daily sweep reminds and escalates it.
        fields |= {
            "visit_due": add_working_days(timezone.localdate(), conf.visit_due_working_days()),
            "visit_escalation": "",
        }
    with transaction.atomic():
        moved = _move(
            complaint,
            target=target,
            actor=actor,
            require=require_handle,
            comment=note,
            fields=fields,
        )
        if not approve:
            notify_unit(
                moved,
                kind=Notification.Kind.RETURNED,
                title=_("Complaint %(number)s was sent back for re-handling")
                % {"number": moved.number},
                object_suffix=f":returned:{moved.transitions.count()}",
            )
    return moved


def complaint_rate(
    *,
    complaint: Complaint,
    satisfaction: str,
    comment: str = "",
    actor: AnyUser | None = None,
) -> Complaint:
    """回访 (一事一评): the complainant (actor None, by tracking code) or staff rate a round of
    handling once.

    Satisfied or basically satisfied closes the case; the first 不满意 reopens it with the
    unit; a 不满意 after a reopening goes to the officers' review (complaint_rating_review_decide)
    instead of looping.
    """
    if satisfaction not in Complaint.Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied you are.")})
    unsatisfied = satisfaction == Complaint.Satisfaction.UNSATISFIED
    target = Complaint.Status.ASSIGNED if unsatisfied else Complaint.Status.CLOSED
    with transaction.atomic():
        locked = lock_case(complaint)
        if actor is not None:
            require_handle(actor, locked)
        # Only a case at the return visit can be rated, whatever the rating leads to.
        _only_from(Complaint.Status.RETURN_VISIT, target, locked.status)
        if already_rated(locked):
            raise ValidationError({"satisfaction": rated_once_message()})
        fields: dict[str, Any] = {
            "satisfaction": satisfaction,
            "satisfaction_comment": comment.strip(),
            "rating_round": locked.reopen_count,
        }
        said = f" {comment.strip()}" if comment.strip() else ""
        if not unsatisfied:
            fields["closed_at"] = timezone.now()
            return transition(
                locked,
                locked=True,
                target=target,
                actor=actor,
                comment=str(Complaint.Satisfaction(satisfaction).label),
                fields=fields,
            )
        if locked.reopen_count >= 1:
            # Reopened once already: the officers decide (close with a note, or re-handle).
            for name, value in (fields | {"rating_review": True}).items():
                setattr(locked, name, value)
            locked.save(update_fields=[*fields, "rating_review", "updated_at"])
            history_note(
                locked,
                actor,
                _("Still not satisfied after re-handling: referred to the officers for review.")
                + said,
            )
            notify_staff(
                locked,
                kind=Notification.Kind.REMINDER,
                title=_("Complaint %(number)s: the complainant is still not satisfied, to review")
                % {"number": locked.number},
                object_suffix=f":rating_review:{locked.reopen_count}",
            )
            return locked
        moved = _reopen(
            locked,
            actor=actor,
            fields=fields,
            comment=_("Reopened: the complainant is not satisfied.") + said,
        )
        notify_unit(
            moved,
            kind=Notification.Kind.RETURNED,
            title=_("Complaint %(number)s was reopened: the complainant is not satisfied")
            % {"number": moved.number},
            object_suffix=f":reopened:{moved.reopen_count}",
        )
    return moved


def rated_once_message() -> str:
    """一事一评: the refusal of a second rating, in the active language."""
    return _(
        "This round of handling has already been rated; a rating is given once and cannot be "
        "changed."
    )


def already_rated(complaint: Complaint) -> bool:
    """The complainant has rated this round of handling (一事一评): no second rating."""
    if not complaint.satisfaction:
        return False
    if complaint.status == Complaint.Status.CLOSED or complaint.rating_review:
        return True
    return complaint.rating_round is not None and complaint.rating_round == complaint.reopen_count


def _reopen(
    locked: Complaint,
    *,
    actor: AnyUser | None,
    comment: str,
    fields: dict[str, Any],
    deadline: datetime.date | None = None,
) -> Complaint:
    """Return visit → the unit again, with the reopening deadline; supervision starts over."""
    fields = fields | {
        "deadline": deadline or add_working_days(timezone.localdate(), conf.reopen_handle_days()),
        "reopen_count": locked.reopen_count + 1,
        "supervision": Complaint.Supervision.NONE,
        "supervised_at": None,
        "listed_at": None,
        "reminded_for": None,
        "rating_review": False,
    }
    return transition(
        locked,
        locked=True,
        target=Complaint.Status.ASSIGNED,
        actor=actor,
        comment=comment,
        fields=fields,
    )


def complaint_rating_review_decide(
    *,
    complaint: Complaint,
    actor: AnyUser,
    rehandle: bool,
    note: str,
    deadline: datetime.date | None = None,
) -> Complaint:
    """The officers' review of a second 不满意: close the case with a note, or order the unit
    to handle it again (by a deadline, else the reopening's working days)."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Give the review's conclusion.")})
    today = timezone.localdate()
    if rehandle and deadline is not None and deadline <= today:
        raise ValidationError({"deadline": _("The deadline must be after today.")})
    with transaction.atomic():
        locked = lock_case(complaint)
        require_handle(actor, locked)
        if not locked.rating_review or locked.status != Complaint.Status.RETURN_VISIT:
            raise ValidationError(_("This complaint is not waiting for a review of its rating."))
        if not rehandle:
            return transition(
                locked,
                locked=True,
                target=Complaint.Status.CLOSED,
                actor=actor,
                comment=_("Closed on review of the dissatisfaction: %(note)s") % {"note": note},
                fields={"closed_at": timezone.now(), "rating_review": False},
            )
        moved = _reopen(
            locked,
            actor=actor,
            fields={},
            deadline=deadline,
            comment=_("Re-handling ordered on review of the dissatisfaction: %(note)s")
            % {"note": note},
        )
        notify_unit(
            moved,
            kind=Notification.Kind.RETURNED,
            title=_("Complaint %(number)s must be handled again (ordered on review)")
            % {"number": moved.number},
            object_suffix=f":reopened:{moved.reopen_count}",
        )
    return moved


def complaint_close(*, complaint: Complaint, actor: AnyUser, comment: str) -> Complaint:
    """办结 without a rating, e.g. an anonymous complainant who never came back."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the case is closed without a rating.")})
    return _move(
        complaint,
        target=Complaint.Status.CLOSED,
        actor=actor,
        require=require_handle,
        comment=comment.strip(),
        fields={"closed_at": timezone.now()},
    )


def complaint_merge(*, complaint: Complaint, into: Complaint, actor: AnyUser) -> Complaint:
    """Merge a duplicate into the case that carries on."""
    if into.pk == complaint.pk:
        raise ValidationError({"into": _("A complaint cannot be merged into itself.")})
    with transaction.atomic():
        locked = lock_case(complaint)
        target = Complaint.objects.select_for_update(of=("self",)).get(pk=into.pk)
        require_handle(actor, locked)
        if target.status == Complaint.Status.MERGED:
            raise ValidationError(
                {"into": _("That complaint was itself merged; merge into the surviving case.")}
            )
        return transition(
            locked,
            locked=True,
            target=Complaint.Status.MERGED,
            actor=actor,
            comment=target.number,
            fields={"merged_into": target, "closed_at": timezone.now()},
        )
