"""Results act on their own (seed 002, 考核结果运用): 通报表扬 drafted, 约谈提醒 opened.

Seed 002: "对综合考评结果小组前三或总排名前十的单位，发文进行通报表扬，对排名靠后的单位由其
分管市领导进行谈话提醒，督促整改". Scoring marks the units each recognition rule picks
(assessments.scoring.recognise: RANK() windows over the results, `commended` / `talk`);
this module acts on those marks:

- the 通报表扬: one draft circular per scheme (campaign.services.circular_create), naming the
  commended units with their rank and score, the officer edits and publishes it. A recompute
  refreshes the draft only while it is a draft and only when the commended units, ranks or
  totals changed (so the officer's edits survive the nightly recompute); a published one is
  never touched and never followed by a second one.
- the 约谈提醒: one talk per scheme and bottom unit (a unique constraint), held by the unit's
  leader in charge. A recompute opens talks for units newly at the bottom, reopens cancelled
  ones whose unit is back, and cancels, with a record, open talks whose unit left the bottom.
  A held talk (with its record) is never cancelled or deleted.

When: only on final results. While the year runs results are provisional (deadlines still to
come are not counted, and the nightly recompute moves them every day): a circular or a talk
drawn from them would be wrong by the next morning. So a scoring run acts once its facts
cover the whole year (AssessmentScheme.is_provisional is false), and publishing acts in any
case (published results are final by definition). Talks reach the leader in charge when the
results are published (the results themselves are read by units only then): publishing sets
their deadline in working days and tells each leader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.models import (
    AssessmentResult,
    AssessmentScheme,
    CommendationDraft,
    ReminderTalk,
    TalkTransition,
)
from campaign.models import Campaign, Circular, CircularMention
from campaign.services import circular_create, circular_update
from units.models import Notification, Responsibility
from units.notifications import NoticeBatch
from units.transitions import check_transition, record_transitions, transition
from units.types import AnyUser
from units.workdays import add_working_days

Talk = ReminderTalk.Status
# How long a leader in charge has to hold the talk once the results are published.
TALK_WORKING_DAYS = 15


@dataclass
class ActOutcome:
    """What one pass did: the circular (None: no campaign of the year, or nothing to
    commend) and how many talks were opened, reopened and cancelled."""

    circular: Circular | None = None
    circular_refreshed: bool = False
    opened: int = 0
    reopened: int = 0
    cancelled: int = 0


def scheme_act_on_results(*, scheme: AssessmentScheme, actor: AnyUser | None) -> ActOutcome:
    """Draft or refresh the 通报表扬 and bring the 约谈提醒 in line with the results.

    Called by scoring (inside its transaction, holding the scheme row) and by publishing;
    safe any number of times. Does nothing on provisional results of a scheme not published.
    """
    outcome = ActOutcome()
    if scheme.is_provisional and scheme.status != AssessmentScheme.Status.PUBLISHED:
        return outcome
    with transaction.atomic():
        outcome.circular, outcome.circular_refreshed = _commendation(scheme)
        outcome.opened, outcome.reopened, outcome.cancelled = _sync_talks(scheme, actor)
        if scheme.status == AssessmentScheme.Status.PUBLISHED:
            _hand_over_talks(scheme)
    return outcome


# --- 通报表扬 ----------------------------------------------------------------------------


def commendation_campaign(scheme: AssessmentScheme) -> Campaign | None:
    """The campaign the circular is issued in: the scheme's year's, the broadest scope."""
    return (
        Campaign.objects.filter(year=scheme.year)
        .exclude(status=Campaign.Status.DRAFT)
        .order_by("scope__depth", "-pk")
        .first()
    )


def _commended(scheme: AssessmentScheme) -> list[AssessmentResult]:
    # The commended places are a handful per group (the rules' counts), never the table.
    return list(
        AssessmentResult.objects.filter(scheme=scheme, commended=True)
        .select_related("unit", "group")
        .order_by("group__sort_order", "group__name", "rank_in_group", "unit__path")
    )


def _basis(results: list[AssessmentResult]) -> list[list[Any]]:
    return [[r.unit_id, r.rank_in_group, r.rank_overall, str(r.total), r.group_id] for r in results]


def _title(scheme: AssessmentScheme) -> str:
    return _("Circular commending the units with the best results in the %(year)s assessment") % {
        "year": scheme.year
    }


def _body(scheme: AssessmentScheme, results: list[AssessmentResult]) -> str:
    lines = [
        _(
            "Under the %(scheme)s, the following units did best in the %(year)s work-style "
            "assessment (the top places of their assessment group or overall) and are hereby "
            "commended:"
        )
        % {"scheme": scheme.name, "year": scheme.year},
        "",
    ]
    group = object()
    for result in results:
        if result.group_id != getattr(group, "pk", None):
            group = result.group
            lines.append(
                _("%(group)s:") % {"group": result.group.name if result.group else _("No group")}
            )
        lines.append(
            _(
                "%(unit)s (rank %(rank)s in its group, rank %(overall)s overall, "
                "total %(total)s points)"
            )
            % {
                "unit": result.unit.name,
                "rank": result.rank_in_group,
                "overall": result.rank_overall,
                "total": f"{result.total:.2f}",
            }
        )
    lines += [
        "",
        _(
            "The units commended are to cherish the honour and keep improving; every unit is "
            "to learn from them and keep the work style improving all year round."
        ),
    ]
    return "\n".join(lines)


def _commendation(scheme: AssessmentScheme) -> tuple[Circular | None, bool]:
    """The scheme's draft: made once, refreshed while a draft and when the results moved."""
    results = _commended(scheme)
    basis = _basis(results)
    mentions = [(r.unit, CircularMention.Tone.POSITIVE) for r in results]
    draft = (
        CommendationDraft.objects.select_for_update()
        .select_related("circular")
        .filter(scheme=scheme)
        .first()
    )
    if draft is not None:
        circular = draft.circular
        if circular.status != Circular.Status.DRAFT or draft.basis == basis:
            return circular, False
        # The system refreshes its own draft (actor None): publishing results must not
        # depend on the publisher also managing campaigns.
        circular = circular_update(
            circular=circular,
            actor=None,
            title=_title(scheme),
            body=_body(scheme, results),
            mentions=mentions,
        )
        draft.basis = basis
        draft.save(update_fields=["basis", "updated_at"])
        return circular, True
    campaign = commendation_campaign(scheme)
    if campaign is None or not results:
        return None, False
    circular = circular_create(
        campaign=campaign,
        kind=Circular.Kind.COMMENDATION,
        title=_title(scheme),
        body=_body(scheme, results),
        actor=None,
        mentions=mentions,
    )
    CommendationDraft.objects.create(scheme=scheme, circular=circular, basis=basis)
    return circular, True


# --- 约谈提醒 ----------------------------------------------------------------------------


def _leader_in_charge() -> Subquery:
    """The unit's current leader in charge (the longest serving, if several)."""
    return Subquery(
        Responsibility.objects.current()
        .filter(unit_id=OuterRef("unit_id"), role=Responsibility.Role.LEADER_IN_CHARGE)
        .order_by("start_date", "pk")
        .values("person_id")[:1]
    )


def _move(
    talks: QuerySet[ReminderTalk], *, source: str, target: str, actor: Any, comment: str
) -> int:
    """The same move of several talks: checked once, saved in one UPDATE, each recorded."""
    check_transition(
        transitions=ReminderTalk.TRANSITIONS,
        current=source,
        target=target,
        labels=ReminderTalk.Status.choices,
    )
    rows = list(talks.filter(status=source).select_for_update())
    if rows:
        ReminderTalk.objects.filter(pk__in=[t.pk for t in rows]).update(status=target)
        record_transitions(
            record_model=TalkTransition,
            subject_field="talk",
            subjects=rows,
            from_status=source,
            to_status=target,
            actor=actor,
            comment=comment,
        )
    return len(rows)


def _sync_talks(scheme: AssessmentScheme, actor: AnyUser | None) -> tuple[int, int, int]:
    talks = ReminderTalk.objects.filter(scheme=scheme)
    bottom = AssessmentResult.objects.filter(scheme=scheme, talk=True).values("unit_id")
    # New talks: one INSERT for the bottom units that have none (the constraint backs it).
    fresh = list(
        AssessmentResult.objects.filter(scheme=scheme, talk=True)
        .exclude(unit_id__in=talks.values("unit_id"))
        .annotate(leader_id=_leader_in_charge())
        .values_list("unit_id", "leader_id")
    )
    created = ReminderTalk.objects.bulk_create(
        [ReminderTalk(scheme=scheme, unit_id=unit, leader_id=leader) for unit, leader in fresh]
    )
    if created:
        record_transitions(
            record_model=TalkTransition,
            subject_field="talk",
            subjects=created,
            from_status="",
            to_status=Talk.OPEN,
            actor=actor,
            comment=_("Ranked in the bottom places of the %(year)s assessment.")
            % {"year": scheme.year},
        )
    reopened = _move(
        talks.filter(unit_id__in=bottom),
        source=Talk.CANCELLED,
        target=Talk.OPEN,
        actor=actor,
        comment=_("Back in the bottom places after the results were computed again."),
    )
    # Only a talk not yet held: one with its record stays whatever the ranking says.
    cancelled = _move(
        talks.exclude(unit_id__in=bottom),
        source=Talk.OPEN,
        target=Talk.CANCELLED,
        actor=actor,
        comment=_("No longer in the bottom places after the results were computed again."),
    )
    # A leader in charge named since the talk was opened takes it over.
    talks.filter(status=Talk.OPEN, leader__isnull=True).update(leader_id=_leader_in_charge())
    return len(created), reopened, cancelled


def _hand_over_talks(scheme: AssessmentScheme) -> None:
    """Published: each open talk gets its deadline and its leader in charge a notice."""
    start = timezone.localdate(scheme.published_at) if scheme.published_at else None
    deadline = add_working_days(start or timezone.localdate(), TALK_WORKING_DAYS)
    waiting = ReminderTalk.objects.filter(scheme=scheme, status=Talk.OPEN, deadline__isnull=True)
    handed = list(waiting.select_related("unit", "leader__user"))
    waiting.update(deadline=deadline)
    notices = NoticeBatch()
    for talk in handed:  # the bottom places: a handful
        user = talk.leader.user if talk.leader else None
        notices.add(
            recipients=[user] if user is not None else [],
            kind=Notification.Kind.REMINDER,
            title=_("Reminder talk with %(unit)s by %(deadline)s")
            % {"unit": talk.unit.name, "deadline": deadline.isoformat()},
            url=reverse("assessments:talk_detail", args=[talk.pk]),
            object_key=f"assessments.talk:{talk.pk}",
            deadline=deadline,
        )
    notices.flush()


def talk_record(
    *,
    talk: ReminderTalk,
    actor: AnyUser,
    talk_date: Any,
    place: str,
    attendees: str,
    content: str,
    commitments: str,
) -> ReminderTalk:
    """The talk was held: its record (date, place, who attended, what was said, commitments)."""
    if not permissions.can_record_talk(actor, talk):
        raise PermissionDenied(_("You may not record this talk."))
    values = {
        "place": place,
        "attendees": attendees,
        "content": content,
        "commitments": commitments,
    }
    errors = {
        name: _("This field is required.") for name, value in values.items() if not value.strip()
    }
    today = timezone.localdate()
    if talk_date is None:
        errors["talk_date"] = _("This field is required.")
    elif talk_date > today:
        errors["talk_date"] = _("The talk cannot be recorded before the day it is held.")
    if errors:
        raise ValidationError(errors)

    def published(row: ReminderTalk) -> None:
        if row.scheme.status != AssessmentScheme.Status.PUBLISHED:
            raise ValidationError(
                _("The results are not published yet: the talk is held once they are.")
            )
        published_on = row.scheme.published_at
        if published_on is not None and talk_date < timezone.localdate(published_on):
            raise ValidationError(
                {"talk_date": _("The talk cannot be dated before the results were published.")}
            )

    return transition(
        talk,
        target=Talk.DONE,
        actor=actor,
        queryset=ReminderTalk.objects.select_related("scheme"),
        check=published,
        comment=_("Talk held on %(date)s.") % {"date": talk_date.isoformat()},
        fields={
            "talk_date": talk_date,
            **{name: value.strip() for name, value in values.items()},
            "recorded_by": actor if actor.is_authenticated else None,
            "recorded_at": timezone.now(),
        },
    )
