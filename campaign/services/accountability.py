"""Accountability actions (问责), recorded from inspections, findings and complaints alike."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import permissions
from campaign.models import AccountabilityAction
from units.models import Person, Unit
from units.types import AnyUser


def accountability_action_record(
    *,
    kind: str,
    reason: str,
    actor: AnyUser,
    unit: Unit | None = None,
    person: Person | None = None,
    date: datetime.date | None = None,
    document_number: str = "",
    source: Any = None,
) -> AccountabilityAction:
    """Record 问责 against a unit and/or a person; inspection staff within their jurisdiction."""
    if kind not in AccountabilityAction.Kind.values:
        raise ValidationError({"kind": _("Unknown accountability type.")})
    if unit is None and person is None:
        raise ValidationError(_("Name the unit or the person held accountable."))
    if not reason.strip():
        raise ValidationError({"reason": _("The reason is required.")})
    permissions.require_record_accountability(actor, unit or (person.unit if person else None))
    if (
        unit is not None
        and person is not None
        and person.unit is not None
        and not person.unit.path.startswith(unit.path)
    ):
        raise ValidationError({"person": _("The person does not work in this unit.")})
    extra: dict[str, Any] = {}
    if source is not None:
        extra = {
            "source_type": ContentType.objects.get_for_model(source),
            "source_id": source.pk,
        }
    with transaction.atomic():
        return AccountabilityAction.objects.create(
            kind=kind,
            unit=unit,
            person=person,
            reason=reason.strip(),
            date=date or timezone.localdate(),
            document_number=document_number.strip(),
            recorded_by=actor if actor.is_authenticated else None,
            **extra,
        )
