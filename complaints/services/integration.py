"""Cases pushed by an integration client (the 12345 hotline) through the API.

The client's ticket number (来源工单号) is unique per client: the same ticket pushed again
with the same content is the same case (a retry after a lost answer), with other content
it is refused (`TicketConflict`, the API's 409). Two pushes of one ticket at the same time
meet at the unique constraint: one creates, the other finds it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from complaints.identity import Identity
from complaints.models import Complaint, ComplaintCategory
from complaints.services.intake import Source, Upload, complaint_submit
from units.models import IntegrationClient, Unit


class TicketConflict(Exception):
    """The ticket is known with other content: the existing case is `complaint`."""

    def __init__(self, complaint: Complaint) -> None:
        super().__init__(complaint.number)
        self.complaint = complaint


def _upload_digest(upload: Upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.file.chunks():
        digest.update(chunk)
    upload.file.seek(0)
    return f"{getattr(upload.file, 'name', '')}:{digest.hexdigest()}"


def push_digest(
    *,
    channel: str,
    title: str,
    content: str,
    category: ComplaintCategory | None,
    subject_unit: Unit | None,
    subject_person: str,
    identity: Identity,
    uploads: list[Upload],
    urgent: bool,
    received_at: datetime.datetime | None,
) -> str:
    """What a push said, as one hash: equal for a retry, different for changed content."""
    payload: dict[str, Any] = {
        "channel": channel,
        "title": title.strip(),
        "content": content.strip(),
        "category": category.pk if category else None,
        "subject_unit": subject_unit.pk if subject_unit else None,
        "subject_person": subject_person.strip(),
        "identity": [identity.name, identity.phone, identity.id_number, identity.contact],
        "uploads": [_upload_digest(upload) for upload in uploads],
        "urgent": bool(urgent),
        "received_at": received_at.timestamp() if received_at else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _existing(client: IntegrationClient, ticket: str) -> Complaint | None:
    return Complaint.objects.filter(source_client=client, source_ticket=ticket).first()


def complaint_push(
    *,
    client: IntegrationClient,
    ticket: str,
    channel: str = Complaint.Channel.HOTLINE,
    title: str,
    content: str,
    category: ComplaintCategory | None = None,
    subject_unit: Unit | None = None,
    subject_person: str = "",
    identity: Identity | None = None,
    uploads: list[Upload] | None = None,
    urgent: bool = False,
    received_at: datetime.datetime | None = None,
) -> tuple[Complaint, bool]:
    """登记 a pushed case, once per ticket: (the case, whether this call created it)."""
    if not (client.is_active and client.has_scope(IntegrationClient.Scope.PUSH_COMPLAINTS)):
        raise PermissionDenied(_("This integration client may not push complaints."))
    ticket = ticket.strip()
    if not ticket:
        raise ValidationError({"ticket": _("Please give the source ticket number.")})
    if subject_unit is not None and client.unit_id is not None:
        unit = client.unit
        assert unit is not None
        if not subject_unit.path.startswith(unit.path):
            raise ValidationError(
                {"subject_unit": _("This unit is outside the units the client may report on.")}
            )
    identity = identity or Identity()
    uploads = uploads or []
    digest = push_digest(
        channel=channel,
        title=title,
        content=content,
        category=category,
        subject_unit=subject_unit,
        subject_person=subject_person,
        identity=identity,
        uploads=uploads,
        urgent=urgent,
        received_at=received_at,
    )
    existing = _existing(client, ticket)
    if existing is None:
        try:
            complaint = complaint_submit(
                channel=channel,
                title=title,
                content=content,
                category=category,
                subject_unit=subject_unit,
                subject_person=subject_person,
                identity=identity,
                uploads=uploads,
                urgent=urgent,
                received_at=received_at,
                source=Source(client=client, ticket=ticket, digest=digest),
            )
            return complaint, True
        except IntegrityError:
            # The same ticket committed by a concurrent push: it is the case to answer with.
            existing = _existing(client, ticket)
            if existing is None:
                raise
    if existing.source_digest != digest:
        raise TicketConflict(existing)
    return existing, False
