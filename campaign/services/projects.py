"""Every write to 为民办实事项目: filing, review, progress by milestone, the daily sweep.

The unit files a project as a draft and submits it; inspection staff publish it (a public
commitment, checked first: seed 001 二(六) 督查考评, 003 二4 公开服务承诺) or send it back.
Progress is reported per milestone with evidence; the report that marks the last milestone
done completes the project. Every move goes through units.transitions.transition.

The daily sweep treats an open milestone like a rectification item: a reminder before its
due date, an overdue notice from the day after, and 挂牌督办 (escalation to the inspection
staff) once it is still open a set number of working days later; each exactly once.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import selectors as campaign_selectors
from campaign.models import (
    MilestoneProgress,
    MilestoneTransition,
    PeopleProject,
    ProjectMilestone,
    ProjectTransition,
    Reminder,
)
from campaign.project_permissions import require_manage_project, require_review_project
from campaign.services._common import notify_on_commit, who
from campaign.services.supervision import reminder_send
from units.cadres import cadres_of_units
from units.models import Notification, Person, Unit
from units.notifications import NoticeBatch
from units.permissions import can_act_for_unit
from units.selectors import Overseers, overseers_of
from units.transitions import record_transitions, transition
from units.types import AnyUser
from units.workdays import add_working_days, due_soon_cutoff

Project = PeopleProject
Status = PeopleProject.Status
Milestone = ProjectMilestone
MStatus = ProjectMilestone.Status
MAX_MILESTONES = 20


def escalate_after_working_days() -> int:
    """挂牌督办 an open milestone this many working days after its due date."""
    return int(getattr(settings, "ZUOFENG_PROJECT_ESCALATE_WORKING_DAYS", 5))


@dataclass(frozen=True)
class MilestoneEntry:
    description: str
    due_date: datetime.date


# --- Filing -------------------------------------------------------------------------------


def _clean(
    *,
    unit: Unit,
    year: int,
    title: str,
    content: str,
    beneficiaries: str,
    cadre: Person | None,
    responsible_name: str,
    responsible_post: str,
    milestones: Sequence[MilestoneEntry],
) -> dict[str, Any]:
    """The project's fields checked together; every problem reported at once, in Chinese."""
    errors: dict[str, list[str]] = {}

    def need(field: str, value: str, message: str) -> str:
        value = (value or "").strip()
        if not value:
            errors.setdefault(field, []).append(message)
        return value

    this_year = timezone.localdate().year
    if not year or year < 2000 or year > this_year + 1:
        errors.setdefault("year", []).append(
            _("The year must be between 2000 and %(last)s.") % {"last": this_year + 1}
        )
    title = need("title", title, _("Give the project a title."))
    content = need("content", content, _("Say what the project delivers."))
    beneficiaries = need("beneficiaries", beneficiaries, _("Say whom the project is for."))
    if cadre is not None:
        if not cadres_of_units(units=Unit.objects.filter(pk=unit.pk)).filter(pk=cadre.pk).exists():
            errors.setdefault("cadre", []).append(
                _("The responsible cadre must be a serving cadre of this unit.")
            )
        responsible_name = (responsible_name or "").strip() or cadre.name
        responsible_post = (responsible_post or "").strip() or cadre.title
    responsible_name = need("responsible_name", responsible_name, _("Name the person responsible."))
    responsible_post = need(
        "responsible_post", responsible_post, _("Give the responsible person's post.")
    )
    entries = [m for m in milestones if (m.description or "").strip() or m.due_date]
    if not entries:
        errors.setdefault("milestones", []).append(
            _("List at least one milestone with a due date.")
        )
    if len(entries) > MAX_MILESTONES:
        errors.setdefault("milestones", []).append(
            _("A project has at most %(n)s milestones.") % {"n": MAX_MILESTONES}
        )
    for number, entry in enumerate(entries, start=1):
        if not (entry.description or "").strip():
            errors.setdefault("milestones", []).append(
                _("Milestone %(n)s: describe it.") % {"n": number}
            )
        if entry.due_date is None:
            errors.setdefault("milestones", []).append(
                _("Milestone %(n)s: give its due date.") % {"n": number}
            )
        elif year and entry.due_date.year != year:
            errors.setdefault("milestones", []).append(
                _("Milestone %(n)s: its due date must fall within %(year)s.")
                % {"n": number, "year": year}
            )
    if errors:
        raise ValidationError(errors)
    return {
        "year": year,
        "title": title,
        "content": content,
        "beneficiaries": beneficiaries,
        "cadre": cadre,
        "responsible_name": responsible_name,
        "responsible_post": responsible_post,
        "milestones": [
            MilestoneEntry(description=m.description.strip(), due_date=m.due_date) for m in entries
        ],
    }


def _write_milestones(project: PeopleProject, entries: Sequence[MilestoneEntry]) -> None:
    Milestone.objects.bulk_create(
        [
            Milestone(project=project, position=n, description=e.description, due_date=e.due_date)
            for n, e in enumerate(entries, start=1)
        ]
    )


def project_create(
    *,
    unit: Unit,
    actor: AnyUser,
    year: int,
    title: str,
    content: str,
    beneficiaries: str,
    milestones: Sequence[MilestoneEntry],
    cadre: Person | None = None,
    responsible_name: str = "",
    responsible_post: str = "",
    is_public: bool = True,
    internal_note: str = "",
) -> PeopleProject:
    """A unit files a project for the people as a draft, with its milestones."""
    if not can_act_for_unit(actor, unit):
        raise PermissionDenied(_("You may not act for this unit."))
    data = _clean(
        unit=unit,
        year=year,
        title=title,
        content=content,
        beneficiaries=beneficiaries,
        cadre=cadre,
        responsible_name=responsible_name,
        responsible_post=responsible_post,
        milestones=milestones,
    )
    entries = data.pop("milestones")
    with transaction.atomic():
        project = Project.objects.create(
            unit=unit,
            is_public=is_public,
            internal_note=(internal_note or "").strip(),
            created_by=who(actor),
            **data,
        )
        _write_milestones(project, entries)
        record_transitions(
            record_model=ProjectTransition,
            subject_field="project",
            subjects=[project],
            from_status="",
            to_status=Status.DRAFT,
            actor=actor,
        )
    return project


def project_update(
    *,
    project: PeopleProject,
    actor: AnyUser,
    year: int,
    title: str,
    content: str,
    beneficiaries: str,
    milestones: Sequence[MilestoneEntry],
    cadre: Person | None = None,
    responsible_name: str = "",
    responsible_post: str = "",
    is_public: bool = True,
    internal_note: str = "",
) -> PeopleProject:
    """The unit edits its draft (a returned project comes back as a draft)."""
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("unit").get(pk=project.pk)
        require_manage_project(actor, locked)
        if not locked.is_editable:
            raise ValidationError(_("Only a draft project can be edited."))
        data = _clean(
            unit=locked.unit,
            year=year,
            title=title,
            content=content,
            beneficiaries=beneficiaries,
            cadre=cadre,
            responsible_name=responsible_name,
            responsible_post=responsible_post,
            milestones=milestones,
        )
        entries = data.pop("milestones")
        for name, value in data.items():
            setattr(locked, name, value)
        locked.is_public = is_public
        locked.internal_note = (internal_note or "").strip()
        locked.save()
        # A draft's milestones have no history yet (nothing reported): written afresh.
        locked.milestones.all().delete()
        _write_milestones(locked, entries)
    return locked


# --- Review -------------------------------------------------------------------------------


def _detail_url(project: PeopleProject) -> str:
    return project.get_absolute_url()


def project_submit(*, project: PeopleProject, actor: AnyUser) -> PeopleProject:
    """The unit hands its draft to inspection staff for review before publication."""
    require_manage_project(actor, project)
    moved = transition(
        project,
        target=Status.SUBMITTED,
        actor=actor,
        queryset=Project.objects.select_related("unit"),
    )
    notify_on_commit(
        recipients=list(overseers_of(unit=moved.unit)),
        kind=Notification.Kind.INFO,
        title=_("Project for the people submitted for review: %(title)s") % {"title": moved},
        url=_detail_url(moved),
        object_key=f"campaign.project:{moved.pk}:submitted:{moved.transitions.count()}",
    )
    return moved


def project_return(*, project: PeopleProject, actor: AnyUser, reason: str) -> PeopleProject:
    """Inspection staff send a submitted project back to the unit as a draft, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State the reason for returning it.")})
    require_review_project(actor, project)
    moved = transition(
        project,
        target=Status.DRAFT,
        actor=actor,
        comment=reason,
        fields={"return_reason": reason},
        queryset=Project.objects.select_related("unit"),
    )
    notify_on_commit(
        recipients=campaign_selectors.unit_heads(unit=moved.unit),
        kind=Notification.Kind.INFO,
        title=_("Project for the people returned for revision: %(title)s") % {"title": moved},
        body=reason,
        url=_detail_url(moved),
        object_key=f"campaign.project:{moved.pk}:returned:{moved.transitions.count()}",
    )
    return moved


def project_publish(*, project: PeopleProject, actor: AnyUser, comment: str = "") -> PeopleProject:
    """Inspection staff publish a submitted project: the unit's commitment, under way."""
    require_review_project(actor, project)
    moved = transition(
        project,
        target=Status.PUBLISHED,
        actor=actor,
        comment=(comment or "").strip(),
        fields={"published_at": timezone.now(), "return_reason": ""},
        queryset=Project.objects.select_related("unit"),
    )
    notify_on_commit(
        recipients=campaign_selectors.unit_heads(unit=moved.unit),
        kind=Notification.Kind.INFO,
        title=_("Project for the people published: %(title)s") % {"title": moved},
        url=_detail_url(moved),
        object_key=f"campaign.project:{moved.pk}:published",
    )
    return moved


# --- Progress -----------------------------------------------------------------------------


def milestone_report(
    *,
    milestone: ProjectMilestone,
    actor: AnyUser,
    text: str,
    attachment: UploadedFile | None = None,
    done: bool = False,
    today: datetime.date | None = None,
) -> MilestoneProgress:
    """Report progress on a milestone with evidence; `done` dates it done, and the last
    milestone done completes the project (both moves recorded)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the progress.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        # The project first, then the milestone: two reports at once complete it once.
        project = (
            Project.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=milestone.project_id)
        )
        require_manage_project(actor, project)
        if not project.is_under_way:
            raise ValidationError(
                _("Progress can be reported only on a published project under way.")
            )
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.is_done:
            raise ValidationError(_("This milestone is already done."))
        update = MilestoneProgress.objects.create(
            milestone=locked,
            text=text,
            attachment=attachment or "",
            marks_done=done,
            author=who(actor),
        )
        if done:
            transition(
                locked,
                target=MStatus.DONE,
                actor=actor,
                comment=text,
                fields={"done_on": today},
                locked=True,
            )
            if not project.milestones.filter(status=MStatus.OPEN).exists():
                transition(
                    project,
                    target=Status.COMPLETED,
                    actor=actor,
                    comment=_("Every milestone is done."),
                    fields={"completed_on": today},
                    locked=True,
                )
                notify_on_commit(
                    recipients=list(overseers_of(unit=project.unit)),
                    kind=Notification.Kind.INFO,
                    title=_("Project for the people completed: %(title)s") % {"title": project},
                    url=_detail_url(project),
                    object_key=f"campaign.project:{project.pk}:completed",
                )
    return update


# --- 督办 / 催办 from the board --------------------------------------------------------------


def _milestone_for_push(milestone: ProjectMilestone, actor: AnyUser) -> ProjectMilestone:
    milestone = Milestone.objects.select_related("project", "project__unit").get(pk=milestone.pk)
    require_review_project(actor, milestone.project)
    if milestone.is_done or not milestone.project.is_under_way:
        raise ValidationError(
            _("Only open milestones of projects under way can be supervised or urged.")
        )
    return milestone


def _recipients(project: PeopleProject) -> list[Any]:
    people = list(campaign_selectors.unit_heads(unit=project.unit))
    cadre_user = project.cadre.user if project.cadre_id and project.cadre else None
    if cadre_user is not None and cadre_user not in people:
        people.append(cadre_user)
    return people


def milestone_push(
    *, milestone: ProjectMilestone, actor: AnyUser, kind: str, text: str = ""
) -> Reminder:
    """督办 ("supervise") or 催办 ("urge") one milestone: recorded, the unit notified."""
    milestone = _milestone_for_push(milestone, actor)
    project = milestone.project
    if kind == Reminder.Kind.SUPERVISE:
        title = _("Supervision notice: %(title)s — %(milestone)s (due %(deadline)s)")
    else:
        title = _("Reminder to handle: %(title)s — %(milestone)s (due %(deadline)s)")
    return reminder_send(
        kind=kind,
        subject=milestone,
        unit=project.unit,
        actor=actor,
        recipients=_recipients(project),
        title=title
        % {"title": project.title, "milestone": milestone, "deadline": milestone.due_date},
        url=_detail_url(project),
        text=text,
        deadline=milestone.due_date,
    )


# --- The daily sweep ----------------------------------------------------------------------


def _open_milestones() -> Any:
    return Milestone.objects.filter(
        status=MStatus.OPEN, project__status__in=list(Project.UNDER_WAY)
    ).select_related("project__unit", "project__cadre__user")


def project_milestones_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: due-soon reminders, overdue notices and 挂牌督办 of open milestones.

    Safe to run any number of times: the notices dedupe on (milestone, due date, kind,
    recipient) and an escalation is claimed by setting `escalated_at` on rows locked with
    SKIP LOCKED, so each milestone is reminded, noticed and escalated once.
    """
    today = today or timezone.localdate()
    heads = campaign_selectors.unit_heads_lookup()

    def people(project: PeopleProject) -> list[Any]:
        found = list(heads(project.unit))
        user = project.cadre.user if project.cadre_id and project.cadre else None
        if user is not None and user not in found:
            found.append(user)
        return found

    notices = NoticeBatch()
    counts = {"reminded": 0, "overdue": 0, "escalated": 0}
    windows = (
        ("soon", Notification.Kind.DUE_SOON, today, due_soon_cutoff(today)),
        ("overdue", Notification.Kind.OVERDUE, datetime.date.min, today - datetime.timedelta(1)),
    )
    for key, kind, first, last in windows:
        rows = _open_milestones().filter(due_date__range=(first, last)).order_by("pk")
        for milestone in rows.iterator(chunk_size=2000):
            project = milestone.project
            if key == "soon":
                title = _("Milestone due soon: %(title)s — %(milestone)s (due %(deadline)s)")
            else:
                title = _("Milestone overdue: %(title)s — %(milestone)s (due %(deadline)s)")
            sent = notices.add(
                recipients=people(project),
                kind=kind,
                title=title
                % {"title": project.title, "milestone": milestone, "deadline": milestone.due_date},
                url=_detail_url(project),
                object_key=f"campaign.milestone:{milestone.pk}:{key}",
                deadline=milestone.due_date,
            )
            counts["reminded" if key == "soon" else "overdue"] += bool(sent)
    notices.flush()
    counts["escalated"] = _escalate(today, people)
    return counts


def _escalate(today: datetime.date, people: Any, chunk: int = 1000) -> int:
    """挂牌督办 the milestones still open N working days after their due date."""
    days = escalate_after_working_days()
    waiting = _open_milestones().filter(due_date__lt=today, escalated_at__isnull=True)
    due_dates = waiting.order_by().values_list("due_date", flat=True).distinct()
    due = [day for day in due_dates if add_working_days(day, days) < today]
    if not due:
        return 0
    waiting = waiting.filter(due_date__in=due)
    overseers = Overseers()
    moved = 0
    now = timezone.now()
    while True:
        with transaction.atomic():
            batch = list(
                waiting.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:chunk]
            )
            if not batch:
                return moved
            Milestone.objects.filter(pk__in=[m.pk for m in batch]).update(escalated_at=now)
            record_transitions(
                record_model=MilestoneTransition,
                subject_field="milestone",
                subjects=batch,
                from_status=MStatus.OPEN,
                to_status=MStatus.OPEN,
                actor=None,
                comment=_("Still overdue: listed for supervision (挂牌督办)."),
            )
            notices = NoticeBatch()
            for milestone in batch:
                project = milestone.project
                recipients = people(project) + [
                    u for u in overseers.of(project.unit) if u not in people(project)
                ]
                notices.add(
                    recipients=recipients,
                    kind=Notification.Kind.REMINDER,
                    title=_(
                        "Listed for supervision: %(unit)s, %(title)s — %(milestone)s "
                        "(due %(deadline)s)"
                    )
                    % {
                        "unit": project.unit.name,
                        "title": project.title,
                        "milestone": milestone,
                        "deadline": milestone.due_date,
                    },
                    url=_detail_url(project),
                    object_key=f"campaign.milestone:{milestone.pk}:escalated",
                    deadline=milestone.due_date,
                )
            notices.flush()
            moved += len(batch)
