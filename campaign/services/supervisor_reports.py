"""Supervisors' 察访 reports: filed by a supervisor in office, decided by the unit's officer.

A problem becomes an inspection finding through the inspection services (a 巡访 inspection
of the unit under the chosen campaign, with its rectification item); the report keeps the
finding. A commendation or criticism (视察点评) is confirmed or dismissed; confirmed ones
count for the adjustment rule 监督员视察点评 (assessments.facts).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import (
    Campaign,
    Inspection,
    ProblemCategory,
    SupervisorReport,
    SupervisorReportTransition,
)
from campaign.services._common import notify_on_commit, notify_overseers, required_text, who
from campaign.services.inspections import FindingInput, inspection_record
from campaign.supervisor_reports import require_decide_supervisor_report
from units.models import Notification, Unit
from units.supervisors import supervisor_serving_for
from units.transitions import InvalidTransition, check_transition, record_transition, transition
from units.types import AnyUser

Status = SupervisorReport.Status


def supervisor_report_file(
    *,
    actor: AnyUser,
    unit: Unit,
    date: datetime.date,
    place: str,
    observation: str,
    verdict: str,
) -> SupervisorReport:
    """A supervisor in office files a 察访 report on a unit they watch."""
    supervisor = supervisor_serving_for(user=actor, unit=unit)
    if verdict not in SupervisorReport.Verdict.values:
        raise ValidationError(
            {"verdict": _("Choose what the report is: a problem, a commendation or a criticism.")}
        )
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise ValidationError({"date": _("The date of the visit cannot be in the future.")})
    place = required_text(place, "place", _("Say where you went."))
    observation = required_text(observation, "observation", _("Describe what you saw."))
    with transaction.atomic():
        report = SupervisorReport.objects.create(
            supervisor=supervisor,
            unit=unit,
            date=date,
            place=place,
            observation=observation,
            verdict=verdict,
        )
        record_transition(
            record_model=SupervisorReportTransition,
            subject_field="report",
            subject=report,
            from_status="",
            to_status=Status.SUBMITTED,
            actor=actor,
        )
        # The supervisor's name stays on the report page: the notice names only the unit.
        transaction.on_commit(
            lambda: notify_overseers(
                unit=unit,
                title=_("A supervisor's report on %(unit)s waits for you") % {"unit": unit.name},
                url=report.get_absolute_url(),
                object_key=f"campaign.supervisorreport:{report.pk}:filed",
            )
        )
    return report


def _check_open(report: SupervisorReport, target: str) -> None:
    check_transition(
        transitions=SupervisorReport.TRANSITIONS,
        current=report.status,
        target=target,
        labels=Status.choices,
    )


def _tell_supervisor(report: SupervisorReport) -> None:
    notify_on_commit(
        recipients=[report.supervisor.user],
        kind=Notification.Kind.INFO,
        title=_("Your report on %(unit)s: %(outcome)s")
        % {"unit": report.unit.name, "outcome": report.get_status_display()},
        url=report.get_absolute_url(),
        object_key=f"campaign.supervisorreport:{report.pk}:{report.status}",
    )


def _decided(actor: AnyUser, note: str) -> dict[str, Any]:
    return {"decided_by": who(actor), "decided_at": timezone.now(), "outcome_note": note}


def supervisor_report_convert(
    *,
    report: SupervisorReport,
    actor: AnyUser,
    campaign: Campaign,
    severity: str,
    description: str,
    deadline: datetime.date,
    category: ProblemCategory | None = None,
) -> SupervisorReport:
    """Turn a problem report into an inspection finding (and its rectification item)."""
    require_decide_supervisor_report(actor, report)
    with transaction.atomic():
        row = (
            SupervisorReport.objects.select_for_update()
            .select_related("unit", "supervisor__user")
            .get(pk=report.pk)
        )
        _check_open(row, Status.CONVERTED)
        if row.verdict != SupervisorReport.Verdict.PROBLEM:
            raise InvalidTransition(
                _(
                    "Only a report of a problem becomes an inspection finding; confirm or dismiss a commendation or criticism."
                )
            )
        inspection = inspection_record(
            campaign=campaign,
            kind=Inspection.Kind.PATROL,
            date=row.date,
            actor=actor,
            team=_("Supervisor's visit"),
            summary=row.place,
            findings=[
                FindingInput(
                    unit=row.unit,
                    severity=severity,
                    description=description or row.observation,
                    deadline=deadline,
                    category=category,
                )
            ],
        )
        finding = inspection.findings.get()
        row = transition(
            row,
            target=Status.CONVERTED,
            actor=actor,
            locked=True,
            comment=_("Inspection finding of %(date)s") % {"date": inspection.date},
            fields={"finding": finding, **_decided(actor, "")},
        )
        _tell_supervisor(row)
    return row


def supervisor_report_confirm(
    *, report: SupervisorReport, actor: AnyUser, note: str = ""
) -> SupervisorReport:
    """Confirm a commendation or criticism (视察点评): it then counts in the assessment."""
    require_decide_supervisor_report(actor, report)

    def check(row: SupervisorReport) -> None:
        _check_open(row, Status.CONFIRMED)
        if not row.is_review:
            raise InvalidTransition(
                _("A report of a problem is turned into a finding or dismissed, not confirmed.")
            )

    with transaction.atomic():
        row = transition(
            report,
            target=Status.CONFIRMED,
            actor=actor,
            comment=note.strip(),
            check=check,
            queryset=SupervisorReport.objects.select_related("unit", "supervisor__user"),
            fields=_decided(actor, note.strip()),
        )
        _tell_supervisor(row)
    return row


def supervisor_report_dismiss(
    *, report: SupervisorReport, actor: AnyUser, reason: str
) -> SupervisorReport:
    """Dismiss a report, with the reason the supervisor will read."""
    require_decide_supervisor_report(actor, report)
    reason = required_text(reason, "reason", _("Give the reason for dismissing the report."))
    with transaction.atomic():
        row = transition(
            report,
            target=Status.DISMISSED,
            actor=actor,
            comment=reason,
            queryset=SupervisorReport.objects.select_related("unit", "supervisor__user"),
            fields=_decided(actor, reason),
        )
        _tell_supervisor(row)
    return row
