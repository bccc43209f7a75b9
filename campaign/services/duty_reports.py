"""述职: each leadership member hands in their own report (campaign.models.DutyReport).

`duty_reports_due` is the one rule of who owes what: a person owes a report for each
annual-report deliverable of a campaign (under way or closed) whose scope covers a unit on
which they hold a leadership post (第一责任人 or 主要负责人) on the due date (or today, if
that is earlier). `duty_report_submit` records one, by the person themself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, Deliverable, DutyReport
from campaign.services._common import require_under_way
from units.models import Person, Responsibility, Unit
from units.types import AnyUser

LEADERSHIP: dict[str, str] = {
    Responsibility.Role.FIRST_RESPONSIBLE: DutyReport.Role.FIRST_RESPONSIBLE,
    Responsibility.Role.PRINCIPAL: DutyReport.Role.PRINCIPAL,
}


@dataclass
class DutyReportDue:
    """One report a person owes: the deliverable, the unit and post, and what was handed in."""

    deliverable: Deliverable
    unit: Unit
    role: str
    report: DutyReport | None

    @property
    def year(self) -> int:
        return self.deliverable.campaign.year

    @property
    def state(self) -> str:
        """submitted, late, missing (past the due date) or pending (not yet due)."""
        if self.report is not None:
            return "late" if self.report.is_late else "submitted"
        return "missing" if timezone.localdate() > self.deliverable.due_date else "pending"

    def get_role_display(self) -> str:
        return str(DutyReport.Role(self.role).label)


def _holds_post(post: Responsibility, day: datetime.date) -> bool:
    return post.start_date <= day and (post.end_date is None or post.end_date > day)


def duty_reports_due(*, person: Person) -> list[DutyReportDue]:
    """Every 述职 the person owes or owed, newest year first; three queries whatever the years.

    A person's posts and the annual-report deliverables of campaigns over their units are
    few (one a year per campaign), so matching them is done here rather than in SQL.
    """
    posts = list(
        Responsibility.objects.filter(person=person, role__in=list(LEADERSHIP)).select_related(
            "unit"
        )
    )
    if not posts:
        return []
    paths = {p.unit.path for p in posts}
    # Campaign scopes are ancestors of (or equal to) the units: their paths are prefixes.
    step = Unit.steplen
    prefixes = {path[:n] for path in paths for n in range(step, len(path) + 1, step)}
    deliverables = list(
        Deliverable.objects.filter(
            kind=Deliverable.Kind.ANNUAL_REPORT,
            campaign__status__in=[Campaign.Status.ACTIVE, Campaign.Status.CLOSED],
            campaign__scope__path__in=prefixes,
        ).select_related("campaign", "campaign__scope")
    )
    reports = {
        (r.deliverable_id, r.unit_id): r
        for r in DutyReport.objects.filter(person=person).select_related("deliverable")
    }
    today = timezone.localdate()
    due: list[DutyReportDue] = []
    for deliverable in deliverables:
        day = min(deliverable.due_date, today)
        for post in posts:
            if post.unit.path.startswith(deliverable.campaign.scope.path) and _holds_post(
                post, day
            ):
                report = reports.get((deliverable.pk, post.unit_id))
                due.append(DutyReportDue(deliverable, post.unit, LEADERSHIP[post.role], report))
    # Reports already handed in stay on the record even if the post has ended since.
    listed = {(d.deliverable.pk, d.unit.pk) for d in due}
    for (deliverable_id, unit_id), report in reports.items():
        if (deliverable_id, unit_id) not in listed:
            full = next((d for d in deliverables if d.pk == deliverable_id), None)
            if full is not None:
                unit = next(p.unit for p in posts if p.unit_id == unit_id)
                due.append(DutyReportDue(full, unit, report.role, report))
    due.sort(key=lambda d: (-d.year, d.deliverable.due_date, d.unit.path))
    return due


def duty_report_submit(
    *,
    deliverable: Deliverable,
    unit: Unit,
    person: Person,
    actor: AnyUser,
    text: str = "",
    attachment: UploadedFile | None = None,
) -> DutyReport:
    """A leadership member hands in their own 述职 for the deliverable, once."""
    if person.user_id is None or person.user_id != actor.pk:
        raise PermissionDenied(_("Each leadership member hands in their own report."))
    if not (text or "").strip() and attachment is None:
        raise ValidationError({"text": _("Write the content or attach a file.")})
    owed = next(
        (
            d
            for d in duty_reports_due(person=person)
            if d.deliverable.pk == deliverable.pk and d.unit.pk == unit.pk
        ),
        None,
    )
    if owed is None:
        raise ValidationError(
            _("This report is not owed: you hold no leadership post on this unit for it.")
        )
    if owed.report is not None:
        raise ValidationError(_("Your report for this deliverable was already handed in."))
    require_under_way(deliverable.campaign, _("The campaign is not under way."))
    report = DutyReport(
        deliverable=deliverable,
        unit=unit,
        person=person,
        role=owed.role,
        text=(text or "").strip(),
        attachment=attachment or "",
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    # The history row is the audit record of who handed it in and when.
    report._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same report handed in twice at once
        raise ValidationError(
            _("Your report for this deliverable was already handed in.")
        ) from None
    return report
