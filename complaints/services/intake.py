"""登记: complaints come in (the public web form, staff intake from the other channels)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.identity import Identity
from complaints.identity import encrypt as identity_encrypt
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ReceptionDay,
    ServiceCommitment,
)
from complaints.permissions import require_intake
from complaints.tracking import (  # noqa: F401 (re-exported by complaints.services)
    CROCKFORD,
    TRACKING_CODE_LENGTH,
    tracking_code_new,
    tracking_code_normalise,
    tracking_hash,
)
from units.bulk import reserve_ids, uses_copy
from units.models import IntegrationClient, Unit
from units.transitions import create_recorded
from units.types import AnyUser
from units.workdays import add_working_days


@dataclass(frozen=True)
class Upload:
    """A file that passed the form's checks (type sniffed from its content)."""

    file: Any
    content_type: str
    extension: str


@dataclass(frozen=True)
class Source:
    """Where a pushed case comes from: the client, its ticket number (来源工单号) and the
    digest of what it sent (complaints.services.integration)."""

    client: IntegrationClient
    ticket: str
    digest: str


def category_days(category: ComplaintCategory | None, field: str) -> int:
    defaults = {"accept_days": 3, "handle_days": 15, "urgent_days": 3}
    return int(getattr(category, field)) if category is not None else defaults[field]


def complaint_default_deadline(
    *, category: ComplaintCategory | None, urgent: bool, start: datetime.date | None = None
) -> datetime.date:
    """限时办结: the handling deadline in working days from the category's limits."""
    days = category_days(category, "urgent_days" if urgent else "handle_days")
    return add_working_days(start or timezone.localdate(), days)


def complaint_submit(
    *,
    channel: str,
    title: str,
    content: str,
    category: ComplaintCategory | None = None,
    subject_unit: Unit | None = None,
    subject_person: str = "",
    identity: Identity | None = None,
    uploads: list[Upload] | None = None,
    urgent: bool = False,
    received_at: datetime.datetime | None = None,
    actor: AnyUser | None = None,
    source: Source | None = None,
    source_ticket: str = "",
    commitment: ServiceCommitment | None = None,
    reception_day: ReceptionDay | None = None,
    received_by_leader: str = "",
) -> Complaint:
    """登记: the public web form (actor None) or staff intake for the other channels.

    The tracking code is on the returned instance only (`complaint.tracking_code`), to be
    shown once to the complainant or to the officer who tells the caller; the table keeps
    its keyed hash."""
    if channel not in Complaint.Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    # A case pushed by an integration client (complaints.services.integration) was checked
    # against the client's scope there: no officer registers it.
    if channel != Complaint.Channel.WEB and source is None:
        require_intake(actor)
    title, content = title.strip(), content.strip()
    if not title:
        raise ValidationError({"title": _("Please give the complaint a subject.")})
    if not content:
        raise ValidationError({"content": _("Please describe what happened.")})
    if commitment is not None:
        # 违诺 counts against the unit that promised: only its own published commitments.
        if subject_unit is None or commitment.unit_id != subject_unit.pk:
            raise ValidationError(
                {
                    "commitment": _(
                        "Choose a service commitment of the unit complained about: this one "
                        "belongs to another unit."
                    )
                }
            )
        if not commitment.is_published:
            raise ValidationError(
                {"commitment": _("This service commitment is not published (any more).")}
            )
    if reception_day is not None and channel != Complaint.Channel.VISIT:
        raise ValidationError(
            {"channel": _("A visit on a leaders' reception day is registered as a visit.")}
        )
    identity = identity or Identity()
    received = received_at or timezone.now()
    code = tracking_code_new()
    year = timezone.localtime(received).year
    with transaction.atomic():
        # The number carries the key: on PostgreSQL the key is drawn first and the row is
        # written once, complete, with its first record in the same statement (a second
        # write of a new case rewrites every index of the table, its two trigram indexes
        # included); elsewhere it is numbered after the INSERT.
        pk = reserve_ids(Complaint, 1)[0] if uses_copy(Complaint) else None
        complaint = Complaint(
            pk=pk,
            number=f"TS{year}-{pk:06d}" if pk is not None else f"TMP-{secrets.token_hex(8)}",
            tracking_hash=tracking_hash(code),
            channel=channel,
            category=category,
            subject_unit=subject_unit,
            subject_person=subject_person.strip(),
            title=title,
            content=content,
            urgent=urgent,
            identity_token=identity_encrypt(identity),
            has_identity=identity.is_named,
            received_at=received,
            accept_deadline=add_working_days(
                timezone.localtime(received).date(), category_days(category, "accept_days")
            ),
            registered_by=actor if actor is not None and actor.is_authenticated else None,
            source_client=source.client if source else None,
            # `source_ticket` alone: a hotline system's ticket filed by an officer's import.
            source_ticket=source.ticket if source else source_ticket.strip(),
            source_digest=source.digest if source else "",
            commitment=commitment,
            reception_day=reception_day,
            received_by_leader=received_by_leader.strip(),
        )
        # A new case has no row to lock or move from: its first record says where it came from.
        create_recorded(
            complaint,
            to_status=Complaint.Status.REGISTERED,
            actor=actor,
            comment=str(Complaint.Channel(channel).label)
            + (f" · {source.client.name} {source.ticket}" if source else ""),
        )
        complaint.tracking_code = code  # on this instance only: shown once, never stored
        if pk is None:
            complaint.number = f"TS{year}-{complaint.pk:06d}"
            complaint.save(update_fields=["number"])
        for upload in uploads or []:
            attachment = ComplaintAttachment(
                complaint=complaint,
                original_name=str(getattr(upload.file, "name", ""))[:255] or "file",
                content_type=upload.content_type,
                size=int(upload.file.size),
            )
            attachment.file.save(
                f"{secrets.token_hex(16)}.{upload.extension}", upload.file, save=False
            )
            attachment.save()
    return complaint
