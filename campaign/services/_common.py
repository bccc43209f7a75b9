"""What the campaign services share: the recorded author, required text, notices on commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from campaign import selectors
from campaign.models import Campaign, RectificationItem
from units.models import Notification, Unit
from units.selectors import overseers_of
from units.services import notification_send
from units.types import AnyUser


def require_under_way(campaign: Campaign, message: str) -> None:
    """The campaign is under way now (read from the database: it may have closed since)."""
    if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.ACTIVE).exists():
        raise ValidationError(message)


def who(actor: AnyUser | None) -> Any:
    """The account to record as author (None for the system or an anonymous caller)."""
    return actor if actor is not None and actor.is_authenticated else None


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def notify_on_commit(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: str,
    url: str,
    object_key: str,
    body: str = "",
    deadline: datetime.date | None = None,
) -> None:
    people = [r for r in recipients if r is not None]
    transaction.on_commit(
        lambda: notification_send(
            recipients=people,
            kind=kind,
            title=title,
            body=body,
            url=url,
            object_key=object_key,
            deadline=deadline,
        )
    )


def item_url(item: RectificationItem) -> str:
    return reverse("campaign:item_detail", args=[item.pk])


def item_recipients(item: RectificationItem) -> list[Any]:
    recipients = list(selectors.unit_heads(unit=item.unit))
    if item.responsible_user_id and item.responsible_user not in recipients:
        recipients.append(item.responsible_user)
    return recipients


def notify_overseers(*, unit: Unit, title: str, url: str, object_key: str, body: str = "") -> None:
    """Tell the inspection staff with jurisdiction over `unit` that something waits for them
    (a closure request, material handed in); written now, e-mailed after commit."""
    notification_send(
        recipients=list(overseers_of(unit=unit)),
        kind=Notification.Kind.INFO,
        title=title,
        body=body,
        url=url,
        object_key=object_key,
    )
