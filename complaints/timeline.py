"""The public status page's timeline: what a complainant may read about their case, nothing more.

`public_timeline(complaint)` builds the stages (受理 → 交办 → 办理 → 回复 → 回访 → 办结) and the
dated events from the database's records: the case's moves (ComplaintTransition rows whose
status changed: never their comments, never who acted), its pauses (中止计时: the reason's
label and the dates, never the unit's detail) and its approved extensions (延期: the new
deadline, never the reason). What a page may print is whitelisted here, field by field: the
review opinion, the instructions, the facts, the measures, internal notes, officers' and units'
names never leave this module because they are never read. A merged case (并单) shows the
progress of the case it was merged into, without that case's subject, content or complainant.
The queries are fixed in number whatever the case's history: the moves, the pauses, the
extensions, and one per merge hop (at most MAX_MERGE_HOPS).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from complaints.models import Complaint, ComplaintPause, ComplaintTransition, ExtensionRequest

S = Complaint.Status
MAX_MERGE_HOPS = 3
# The fields of a case the public page may read (the tracked case adds its own subject).
PUBLIC_FIELDS = (
    "number",
    "status",
    "received_at",
    "accepted_at",
    "deadline",
    "closed_at",
    "rejection_reason",
    "public_reply",
    "satisfaction",
    "merged_into",
)
# The public stages and the status at which each is the one under way.
STAGES = ("accept", "assign", "handle", "reply", "visit", "close")
CURRENT_STAGE: dict[str, str] = {
    S.REGISTERED: "accept",
    S.ACCEPTED: "assign",
    S.ASSIGNED: "handle",
    S.REROUTE_REQUESTED: "handle",
    S.SENT_BACK: "handle",
    S.ANSWERED: "reply",
    S.RETURN_VISIT: "visit",
}
SATISFIED = (Complaint.Satisfaction.SATISFIED, Complaint.Satisfaction.BASICALLY)


def _stage_labels() -> dict[str, str]:
    return {
        "accept": pgettext("public stage", "Acceptance"),
        "assign": pgettext("public stage", "Assignment"),
        "handle": pgettext("public stage", "Handling"),
        "reply": pgettext("public stage", "Reply"),
        "visit": pgettext("public stage", "Return visit"),
        "close": pgettext("public stage", "Closure"),
    }


@dataclass(frozen=True)
class Event:
    """One dated line of the timeline; `text` is public by construction (see below)."""

    when: datetime.datetime | datetime.date
    stage: str  # one of STAGES, or "pause" / "extension"
    title: str
    text: str = ""
    reply: bool = False  # the unit's reply is shown under this event
    at: datetime.datetime | None = None  # when it was recorded, for the order (else `when`)


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    state: str  # "done", "current", "todo", "stopped" (not accepted)
    when: datetime.datetime | datetime.date | None = None


# What the complainant reads for the internal steps of handling: a re-routing asked by the
# unit and an answer sent back for re-handling are the officers' business; to the public the
# case is with its handling unit (已交办), as before either.
_PUBLIC_STATUS = {S.REROUTE_REQUESTED: S.ASSIGNED, S.SENT_BACK: S.ASSIGNED}


def public_status_label(status: str) -> str:
    """A case's status as the public status page says it."""
    return str(S(_PUBLIC_STATUS.get(status, status)).label)


@dataclass
class PublicTimeline:
    case: Complaint  # the case whose progress is shown (the lead case of a merged one)
    merged: bool
    stages: list[Stage]
    events: list[Event]
    reply: str
    deadline: datetime.date | None
    status_label: str  # the shown case's, as the public reads it
    own_status_label: str = ""  # the case the code opens (merged, or as status_label)
    pause: Event | None = None  # the clock is paused now
    resumes_by: datetime.date | None = None
    merged_on: datetime.datetime | None = None


def _lead_of(complaint: Complaint) -> Complaint:
    """The case a merged case's progress is read from (following a chain of merges)."""
    case = complaint
    for _hop in range(MAX_MERGE_HOPS):
        if case.status != S.MERGED or case.merged_into_id is None:
            break
        lead = Complaint.objects.only(*PUBLIC_FIELDS).filter(pk=case.merged_into_id).first()
        if lead is None:
            break
        case = lead
    return case


def _move_event(frm: str, to: str, when: datetime.datetime, case: Complaint) -> list[Event]:
    """The public line(s) for one move; [] for moves the public page does not tell."""
    if to == S.REGISTERED:
        return [Event(when, "accept", _("Complaint received"))]
    if to == S.ACCEPTED:
        return [Event(when, "accept", _("Accepted for handling"))]
    if to == S.REJECTED:
        return [Event(when, "accept", _("Not accepted"), case.rejection_reason)]
    if to == S.ASSIGNED and frm == S.RETURN_VISIT:
        return [
            Event(when, "visit", _("Return visit: not satisfied")),
            Event(when, "handle", _("Handled again by the responsible unit")),
        ]
    if to == S.ASSIGNED and frm == S.REROUTE_REQUESTED:
        return [Event(when, "assign", _("Assigned again, to the unit responsible"))]
    if to == S.ASSIGNED:
        return [Event(when, "assign", _("Assigned to the responsible unit for handling"))]
    if to == S.ANSWERED:
        return [Event(when, "handle", _("The unit has answered; the answer is being reviewed"))]
    if to == S.SENT_BACK:
        return [Event(when, "handle", _("The answer was sent back for further handling"))]
    if to == S.RETURN_VISIT:
        return [Event(when, "reply", _("Reply given"), reply=True)]
    if to == S.CLOSED:
        events = []
        if frm == S.RETURN_VISIT and case.satisfaction in SATISFIED:
            label = Complaint.Satisfaction(case.satisfaction).label
            events.append(Event(when, "visit", _("Return visit: %(rating)s") % {"rating": label}))
        return [*events, Event(when, "close", _("Case closed"))]
    if to == S.MERGED:
        return [Event(when, "close", _("Merged with a case on the same matter"))]
    # A re-routing request (between the unit and the staff) is not a public stage.
    return []


def _pause_events(case: Complaint) -> tuple[list[Event], Event | None, datetime.date | None]:
    """The pauses as events, the one open now and the day it restarts by itself."""
    labels = dict(ComplaintPause.Reason.choices)
    events: list[Event] = []
    current, resumes_by = None, None
    rows = ComplaintPause.objects.filter(complaint=case).values_list(
        "reason",
        "started_on",
        "started_at",
        "expires_on",
        "ended_on",
        "ended_at",
        "working_days",
        "deadline_after",
    )
    for reason, started, started_at, expires, ended, ended_at, days, deadline in rows:
        paused = Event(
            started,
            "pause",
            _("Handling clock paused (中止计时)"),
            str(labels.get(reason, "")),
            at=started_at,
        )
        events.append(paused)
        if ended is None:
            current, resumes_by = paused, expires
            continue
        date = deadline.isoformat() if deadline else "-"
        if days:
            text = _("%(days)s working days paused; new handling deadline %(date)s") % {
                "days": days,
                "date": date,
            }
        else:
            text = _(
                "Paused for less than a working day; handling deadline unchanged (%(date)s)"
            ) % {"date": date}
        events.append(Event(ended, "pause", _("Handling clock restarted"), text, at=ended_at))
    return events, current, resumes_by


def _extension_events(case: Complaint) -> list[Event]:
    rows = ExtensionRequest.objects.filter(
        complaint=case, status=ExtensionRequest.Status.APPROVED
    ).values_list("decided_at", "requested_deadline")
    return [
        Event(
            decided,
            "extension",
            _("Handling deadline extended (延期)"),
            _("New handling deadline %(date)s") % {"date": deadline.isoformat()},
        )
        for decided, deadline in rows
        if decided is not None
    ]


def _sort_key(event: Event) -> datetime.datetime:
    if event.at is not None:
        return event.at
    if isinstance(event.when, datetime.datetime):
        return event.when
    return timezone.make_aware(datetime.datetime.combine(event.when, datetime.time.max))


def _stages(case: Complaint, events: list[Event]) -> list[Stage]:
    labels = _stage_labels()
    last: dict[str, datetime.datetime | datetime.date] = {}
    for event in events:
        last[event.stage] = event.when
    if case.status == S.REJECTED:
        return [
            Stage(key, labels[key], "stopped" if key == "accept" else "todo", last.get(key))
            for key in STAGES
        ]
    current = CURRENT_STAGE.get(case.status)
    # Closed (or another final status): every stage is behind it.
    position = len(STAGES) if current is None else STAGES.index(current)
    stages = []
    for index, key in enumerate(STAGES):
        state = "done" if index < position else "current" if index == position else "todo"
        stages.append(Stage(key, labels[key], state, last.get(key) if state == "done" else None))
    return stages


def public_timeline(complaint: Complaint) -> PublicTimeline:
    """What the public status page shows of `complaint` (found by its tracking code)."""
    case = _lead_of(complaint)
    moves = (
        ComplaintTransition.objects.filter(complaint=case)
        .exclude(from_status=F("to_status"))  # notes in the history are for the staff
        .order_by("created_at", "pk")
        .values_list("from_status", "to_status", "created_at")
    )
    events: list[Event] = []
    for frm, to, when in moves:
        events += _move_event(frm, to, when, case)
    pause_events, current_pause, resumes_by = _pause_events(case)
    events += pause_events + _extension_events(case)
    events.sort(key=_sort_key)
    # The reply is read once reviewed, and only under the last reply given.
    shown = case.status in (S.RETURN_VISIT, S.CLOSED) and bool(case.public_reply)
    replies = [i for i, e in enumerate(events) if e.reply]
    events = [
        e if (shown and replies and i == replies[-1]) or not e.reply else _no_reply(e)
        for i, e in enumerate(events)
    ]
    in_handling = case.status in Complaint.HANDLING_STATUSES
    pause = current_pause if in_handling else None
    return PublicTimeline(
        case=case,
        merged=case is not complaint,
        stages=_stages(case, events),
        events=events,
        reply=case.public_reply if shown else "",
        deadline=case.deadline if case.is_open else None,
        status_label=public_status_label(case.status),
        own_status_label=public_status_label(complaint.status),
        pause=pause,
        resumes_by=resumes_by if pause is not None else None,
        merged_on=complaint.closed_at if complaint.status == S.MERGED else None,
    )


def _no_reply(event: Event) -> Event:
    return Event(event.when, event.stage, event.title, event.text, reply=False, at=event.at)
