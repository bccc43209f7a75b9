"""服务承诺 and 领导接待日: a unit publishes its commitments; officers publish reception days
and register the visits received as complaints of the channel 来访."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.identity import Identity
from complaints.models import (
    Complaint,
    ComplaintCategory,
    ReceptionDay,
    ServiceCommitment,
    ServiceCommitmentTransition,
)
from complaints.permissions import require_intake
from complaints.permissions_service import (
    require_manage_commitments_of,
    require_manage_reception_day,
)
from complaints.services.intake import Upload, complaint_submit
from units.models import Unit
from units.transitions import InvalidTransition, record_transition, transition
from units.types import AnyUser

MAX_TIME_LIMIT = 365


def _commitment_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Checked and trimmed; every error at once, in Chinese."""
    unknown = set(fields) - set(ServiceCommitment.EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    clean = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    errors: dict[str, str] = {}
    required = {
        "service": _("Name the service or matter."),
        "promise": _("Say what the unit promises."),
        "first_responsible": _("Name the first-responsible post or person."),
        "contact": _("Give a contact (phone or counter)."),
    }
    for name, message in required.items():
        if name in clean and not clean[name]:
            errors[name] = message
    if "time_limit_days" in clean:
        days = clean["time_limit_days"]
        if not isinstance(days, int) or not 1 <= days <= MAX_TIME_LIMIT:
            errors["time_limit_days"] = _(
                "The time limit is a number of working days from 1 to %(max)d."
            ) % {"max": MAX_TIME_LIMIT}
    if errors:
        raise ValidationError(errors)
    return clean


def commitment_create(*, unit: Unit, actor: AnyUser, **fields: Any) -> ServiceCommitment:
    """A draft commitment of `unit` (its own staff only); published separately."""
    require_manage_commitments_of(actor, unit)
    missing = {"service", "promise", "time_limit_days", "first_responsible", "contact"} - set(
        fields
    )
    clean = _commitment_fields({**dict.fromkeys(missing, ""), **fields})
    with transaction.atomic():
        commitment = ServiceCommitment.objects.create(
            unit=unit, created_by=actor if actor.is_authenticated else None, **clean
        )
        record_transition(
            record_model=ServiceCommitmentTransition,
            subject_field="commitment",
            subject=commitment,
            from_status="",
            to_status=ServiceCommitment.Status.DRAFT,
            actor=actor,
        )
    return commitment


def commitment_update(
    *, commitment: ServiceCommitment, actor: AnyUser, **fields: Any
) -> ServiceCommitment:
    """Change a draft or withdrawn commitment: what is published is withdrawn first, so the
    public never reads a promise that changed under it."""
    require_manage_commitments_of(actor, commitment.unit)
    clean = _commitment_fields(fields)
    with transaction.atomic():
        row = ServiceCommitment.objects.select_for_update().get(pk=commitment.pk)
        if row.is_published:
            raise InvalidTransition(
                _("A published commitment cannot be changed: withdraw it first.")
            )
        for name, value in clean.items():
            setattr(row, name, value)
        row.save(update_fields=[*clean, "updated_at"])
    return row


def commitment_publish(*, commitment: ServiceCommitment, actor: AnyUser) -> ServiceCommitment:
    """公开承诺: shown on the public page from now on."""
    require_manage_commitments_of(actor, commitment.unit)
    return transition(
        commitment,
        target=ServiceCommitment.Status.PUBLISHED,
        actor=actor,
        fields={"published_at": timezone.now(), "withdrawn_at": None},
    )


def commitment_withdraw(
    *, commitment: ServiceCommitment, actor: AnyUser, comment: str = ""
) -> ServiceCommitment:
    """Taken off the public page; complaints already naming it keep it."""
    require_manage_commitments_of(actor, commitment.unit)
    return transition(
        commitment,
        target=ServiceCommitment.Status.WITHDRAWN,
        actor=actor,
        comment=comment.strip(),
        fields={"withdrawn_at": timezone.now()},
    )


# --- 领导接待日 ------------------------------------------------------------------------------

RECEPTION_FIELDS = (
    "leader",
    "leader_name",
    "leader_post",
    "unit",
    "place",
    "date",
    "starts_at",
    "ends_at",
    "topic",
)


def _reception_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(RECEPTION_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    clean = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    leader: Any = clean.get("leader")
    if leader is not None and not clean.get("leader_name"):
        # A leader with an account: the name as the organisation has it.
        person = getattr(leader, "person", None)
        clean["leader_name"] = getattr(person, "name", "") or leader.get_full_name()
    errors: dict[str, str] = {}
    if not clean.get("leader_name"):
        errors["leader_name"] = _("Name the leader who receives the public.")
    if not clean.get("leader_post"):
        errors["leader_post"] = _("Give the leader's post.")
    if not clean.get("place"):
        errors["place"] = _("Say where the public is received.")
    if not isinstance(clean.get("date"), datetime.date):
        errors["date"] = _("Give the date of the reception day.")
    starts, ends = clean.get("starts_at"), clean.get("ends_at")
    if not isinstance(starts, datetime.time) or not isinstance(ends, datetime.time):
        errors["starts_at"] = _("Give the time slot (from and until).")
    elif ends <= starts:
        errors["ends_at"] = _("The time slot must end after it starts.")
    if errors:
        raise ValidationError(errors)
    return clean


def reception_day_create(*, actor: AnyUser, **fields: Any) -> ReceptionDay:
    """Publish a leaders' reception day (shown on the public page until it has passed)."""
    clean = _reception_fields(fields)
    require_manage_reception_day(actor, clean.get("unit"))
    return ReceptionDay.objects.create(
        created_by=actor if actor.is_authenticated else None, **clean
    )


def reception_day_update(*, day: ReceptionDay, actor: AnyUser, **fields: Any) -> ReceptionDay:
    require_manage_reception_day(actor, day.unit)
    clean = _reception_fields(fields)
    require_manage_reception_day(actor, clean.get("unit"))
    with transaction.atomic():
        row = ReceptionDay.objects.select_for_update().get(pk=day.pk)
        for name, value in clean.items():
            setattr(row, name, value)
        row.save(update_fields=list(clean))
    return row


def reception_visit_record(
    *,
    day: ReceptionDay,
    actor: AnyUser,
    title: str,
    content: str,
    category: ComplaintCategory | None = None,
    subject_unit: Unit | None = None,
    subject_person: str = "",
    identity: Identity | None = None,
    uploads: list[Upload] | None = None,
    commitment: ServiceCommitment | None = None,
    received_by_leader: str = "",
    received_at: datetime.datetime | None = None,
) -> Complaint:
    """A visit received on `day`: registered as a complaint of the channel 来访, with the
    leader who received it; it then follows the ordinary handling."""
    require_intake(actor)
    require_manage_reception_day(actor, day.unit)
    return complaint_submit(
        channel=Complaint.Channel.VISIT,
        title=title,
        content=content,
        category=category,
        subject_unit=subject_unit,
        subject_person=subject_person,
        identity=identity,
        uploads=uploads,
        received_at=received_at,
        actor=actor,
        commitment=commitment,
        reception_day=day,
        received_by_leader=received_by_leader.strip() or day.leader_display,
    )
