"""Inspections (明察暗访): findings fed back to units as rectification items; warning talks."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from campaign import permissions
from campaign.models import Campaign, Finding, Inspection, ProblemCategory, RectificationItem
from campaign.services._common import require_under_way, required_text, who
from campaign.services.accountability import accountability_action_record
from campaign.services.items import item_establish
from units.cadres import cadres_of_units
from units.models import Person, Unit
from units.types import AnyUser


@dataclass
class FindingInput:
    unit: Unit
    severity: str
    description: str
    deadline: datetime.date
    category: ProblemCategory | None = None
    evidence: UploadedFile | None = None
    # The cadre answerable for it (a person of the unit): the item is tied to them.
    cadre: Person | None = None


def inspection_record(
    *,
    campaign: Campaign,
    kind: str,
    date: datetime.date,
    actor: AnyUser,
    findings: Sequence[FindingInput] = (),
    team: str = "",
    summary: str = "",
    units: Iterable[Unit] = (),
) -> Inspection:
    """Record an inspection; each finding is fed back and becomes a rectification item."""
    permissions.require_manage_campaigns(actor)
    if kind not in Inspection.Kind.values:
        raise ValidationError({"kind": _("Unknown inspection type.")})
    require_under_way(campaign, _("The campaign is not under way."))
    visited = {unit.pk: unit for unit in units}
    with transaction.atomic():
        inspection = Inspection.objects.create(
            campaign=campaign,
            kind=kind,
            date=date,
            team=team.strip(),
            summary=summary.strip(),
            recorded_by=who(actor),
        )
        for finding in findings:
            visited.setdefault(finding.unit.pk, finding.unit)
        inspection.units.set(list(visited.values()))
        for finding in findings:
            finding_add(inspection=inspection, actor=actor, data=finding)
    return inspection


def finding_add(*, inspection: Inspection, actor: AnyUser, data: FindingInput) -> Finding:
    """问题反馈: the finding, its rectification item (accepted, with a deadline), a notice."""
    permissions.require_oversee(actor, data.unit)
    if data.severity not in Finding.Severity.values:
        raise ValidationError({"severity": _("Unknown severity.")})
    description = required_text(data.description, "description", _("Describe the problem."))
    if not data.deadline:
        raise ValidationError({"deadline": _("Set a deadline.")})
    tie: dict[str, Any] = {}
    if data.cadre is not None:
        units = Unit.objects.filter(pk=data.unit.pk)
        if not cadres_of_units(units=units).filter(pk=data.cadre.pk).exists():
            raise ValidationError({"cadre": _("Choose a cadre of the unit the finding concerns.")})
        # A problem laid at a named cadre's door is an individual-level item (个人层面).
        tie = {"cadre": data.cadre, "level": RectificationItem.Level.INDIVIDUAL}
    with transaction.atomic():
        finding = Finding.objects.create(
            inspection=inspection,
            unit=data.unit,
            category=data.category,
            severity=data.severity,
            description=description,
            evidence=data.evidence or "",
        )
        inspection.units.add(data.unit)
        # Found by inspection, the problem is established: the item starts accepted.
        item_establish(
            campaign=inspection.campaign,
            unit=data.unit,
            actor=actor,
            fields={
                "source": RectificationItem.Source.INSPECTION,
                "category": data.category,
                "problem": description,
                "deadline": data.deadline,
                **tie,
            },
            extra={"finding": finding},
            comment=_("Fed back from inspection of %(date)s") % {"date": inspection.date},
            notice=(
                _("Inspection feedback: %(problem)s"),
                _("Rectify by %(deadline)s and report progress.") % {"deadline": data.deadline},
            ),
            object_key=f"campaign.finding:{finding.pk}",
        )
    return finding


def warning_talk_record(*, inspection: Inspection, unit: Unit, actor: AnyUser, reason: str) -> Any:
    """效能告诫谈话 for a unit with many findings, recorded as an accountability action."""
    reason = required_text(reason, "reason", _("Give the reason."))
    return accountability_action_record(
        kind="warning_talk", unit=unit, source=inspection, reason=reason, actor=actor
    )
