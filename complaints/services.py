"""Every write to complaints and accountability."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import AccountabilityAction
from units.models import Person, Unit
from units.permissions import can_oversee_unit
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
    source: models.Model | None = None,
) -> AccountabilityAction:
    """Record 问责 against a unit and/or a person; inspection staff within their jurisdiction."""
    if kind not in AccountabilityAction.Kind.values:
        raise ValidationError({"kind": _("Unknown accountability type.")})
    if unit is None and person is None:
        raise ValidationError(_("Name the unit or the person held accountable."))
    if not reason.strip():
        raise ValidationError({"reason": _("The reason is required.")})
    target_unit = unit or (person.unit if person else None)
    if not actor.has_perm("complaints.add_accountabilityaction") or (
        target_unit is not None and not can_oversee_unit(actor, target_unit)
    ):
        raise PermissionDenied(_("You may not record accountability actions for this unit."))
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
