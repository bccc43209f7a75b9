"""Extension requests (延期申请) on rectification items, decided by inspection staff."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaign import permissions
from campaign.models import ExtensionRequest, RectificationItem
from campaign.services._common import item_recipients, item_url, required_text
from units.extension_requests import extension_decide, extension_request_open
from units.models import Notification
from units.notifications import notification_send
from units.types import AnyUser

Status = RectificationItem.Status


def extension_request(
    *,
    item: RectificationItem,
    actor: AnyUser,
    requested_deadline: datetime.date,
    reason: str,
) -> ExtensionRequest:
    """延期申请: kept pending until inspection staff decide."""
    with transaction.atomic():
        locked = (
            RectificationItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
        )
        permissions.require_act_for(actor, locked.unit)
        if locked.status in (Status.DRAFT, Status.RETURNED, Status.CLOSED):
            raise ValidationError(
                _("An extension can be requested only for accepted items not yet closed.")
            )
        return extension_request_open(
            model=ExtensionRequest,
            subject=locked,
            current_deadline=locked.deadline,
            requested_deadline=requested_deadline,
            reason=reason,
            actor=actor,
        )


def _notify_decided(request: ExtensionRequest, item: RectificationItem) -> None:
    approved = request.status == ExtensionRequest.Status.APPROVED
    title = (
        _("Extension approved: %(problem)s") if approved else _("Extension refused: %(problem)s")
    )
    notification_send(
        recipients=item_recipients(item),
        kind=Notification.Kind.INFO if approved else Notification.Kind.RETURNED,
        title=title % {"problem": str(item)},
        body=request.decision_note,
        url=item_url(item),
        object_key=f"campaign.extension:{request.pk}",
    )


def _extension_decide(
    *, request: ExtensionRequest, actor: AnyUser, approve: bool, note: str
) -> ExtensionRequest:
    with transaction.atomic():
        # The item first, as when the request was made; its deadline moves on approval.
        item = (
            RectificationItem.objects.select_for_update(of=("self",))
            .select_related("unit")
            .get(pk=request.item_id)
        )
        permissions.require_oversee(actor, item.unit)

        def move_deadline(deadline: datetime.date) -> None:
            item.deadline = deadline
            item.save(update_fields=["deadline", "updated_at"])

        return extension_decide(
            request=request,
            actor=actor,
            approve=approve,
            note=note,
            apply=move_deadline,
            after_commit=lambda decided: _notify_decided(decided, item),
        )


def extension_approve(
    *, request: ExtensionRequest, actor: AnyUser, note: str = ""
) -> ExtensionRequest:
    """The new deadline replaces the old one (which stays on the request)."""
    return _extension_decide(request=request, actor=actor, approve=True, note=note.strip())


def extension_refuse(*, request: ExtensionRequest, actor: AnyUser, note: str) -> ExtensionRequest:
    """The deadline stands; the unit is told why."""
    note = required_text(note, "note", _("Give the reason for refusing."))
    return _extension_decide(request=request, actor=actor, approve=False, note=note)
