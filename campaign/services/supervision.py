"""督办、催办、催报: an officer pushes a unit about one piece of work, on the record.

Every push is a `Reminder` row (who, when, which unit, about what, the text) and a notice to
the unit's heads, written in one transaction; a unique constraint keeps it to one of each
kind per subject, unit and day, so a second click (or a second officer) the same day is told
it has already gone out. Complaints push their cases through `reminder_send` too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import permissions, selectors
from campaign.models import Campaign, Deliverable, RectificationItem, Reminder, Submission
from campaign.services._common import item_recipients, item_url
from units.models import Notification, Unit
from units.notifications import notification_send
from units.selectors import units_overseen_by
from units.types import AnyUser

Status = RectificationItem.Status
# The unit holds the item (the officer is not the one it waits for): pushing makes sense.
ITEM_WITH_UNIT = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED})
# Handed in and not sent back: nothing left to urge.
HANDED_IN = (Submission.Status.SUBMITTED, Submission.Status.ACCEPTED)


def reminder_send(
    *,
    kind: str,
    subject: models.Model,
    unit: Unit,
    actor: AnyUser,
    recipients: Iterable[Any],
    title: str,
    url: str,
    text: str = "",
    deadline: datetime.date | None = None,
) -> Reminder:
    """Record one 督办 / 催办 / 催报 to `unit` about `subject` and notify `recipients`.

    The caller has checked who acts. At most one of each kind per subject, unit and day: a
    repeat raises ValidationError saying it was already sent today, and nothing is written.
    """
    people = [person for person in recipients if person is not None and person.is_active]
    label = Reminder.Kind(kind).label
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                kind=kind,
                subject_type=ContentType.objects.get_for_model(subject),
                subject_id=subject.pk,
                unit=unit,
                text=text.strip(),
                sent_by=actor,  # type: ignore[misc]  # an officer, checked by the caller
                sent_at=timezone.now(),
                day=timezone.localdate(),
                recipients=len(people),
            )
            body = text.strip() or _("Please handle it promptly and report back.")
            notification_send(
                recipients=people,
                kind=Notification.Kind.REMINDER,
                title=title,
                body=body,
                url=url,
                object_key=f"campaign.reminder:{reminder.pk}",
                deadline=deadline,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(kind)s was already sent to %(unit)s today; it goes out at most once a day.")
            % {"kind": label, "unit": unit.name}
        ) from None
    return reminder


# --- Rectification items ------------------------------------------------------------------


def _item_for_push(item: RectificationItem, actor: AnyUser) -> RectificationItem:
    item = RectificationItem.objects.select_related("unit", "responsible_user").get(pk=item.pk)
    permissions.require_oversee(actor, item.unit)
    if item.status not in ITEM_WITH_UNIT:
        raise ValidationError(
            _("Only items the unit is working on can be supervised or urged (status: %(status)s).")
            % {"status": item.get_status_display()}
        )
    return item


def item_supervise(*, item: RectificationItem, actor: AnyUser, text: str = "") -> Reminder:
    """督办 an item: a supervision notice to the unit; the item shows as under supervision."""
    item = _item_for_push(item, actor)
    return reminder_send(
        kind=Reminder.Kind.SUPERVISE,
        subject=item,
        unit=item.unit,
        actor=actor,
        recipients=item_recipients(item),
        title=_("Supervision notice: %(problem)s (deadline %(deadline)s)")
        % {"problem": str(item), "deadline": item.deadline},
        url=item_url(item),
        text=text,
        deadline=item.deadline,
    )


def item_urge(*, item: RectificationItem, actor: AnyUser, text: str = "") -> Reminder:
    """催办 an item: remind the unit to get on with it."""
    item = _item_for_push(item, actor)
    return reminder_send(
        kind=Reminder.Kind.URGE,
        subject=item,
        unit=item.unit,
        actor=actor,
        recipients=item_recipients(item),
        title=_("Reminder to handle: %(problem)s (deadline %(deadline)s)")
        % {"problem": str(item), "deadline": item.deadline},
        url=item_url(item),
        text=text,
        deadline=item.deadline,
    )


# --- Deliverables (催报) --------------------------------------------------------------------


def _deliverable_units(deliverable: Deliverable) -> models.QuerySet[Unit]:
    """The units that owe the deliverable: the campaign scope's direct children, active."""
    scope = deliverable.campaign.scope
    return Unit.objects.active().filter(path__startswith=scope.path, depth=scope.depth + 1)


def _missing(deliverable: Deliverable) -> models.QuerySet[Unit]:
    return _deliverable_units(deliverable).exclude(
        submissions__deliverable=deliverable, submissions__status__in=HANDED_IN
    )


def _urge_report(
    deliverable: Deliverable, unit: Unit, actor: AnyUser, text: str, heads: list[Any]
) -> Reminder:
    return reminder_send(
        kind=Reminder.Kind.URGE_REPORT,
        subject=deliverable,
        unit=unit,
        actor=actor,
        recipients=heads,
        title=_("Reminder to hand in: %(title)s (due %(deadline)s)")
        % {"title": deliverable.title, "deadline": deliverable.due_date},
        url=reverse("campaign:deliverables"),
        text=text,
        deadline=deliverable.due_date,
    )


def _require_open_deliverable(deliverable: Deliverable) -> None:
    if not Campaign.objects.filter(
        pk=deliverable.campaign_id, status=Campaign.Status.ACTIVE
    ).exists():
        raise ValidationError(_("The campaign is not under way."))


def deliverable_urge(
    *, deliverable: Deliverable, unit: Unit, actor: AnyUser, text: str = ""
) -> Reminder:
    """催报: remind one unit that has not handed in (or must hand in again) its material."""
    permissions.require_oversee(actor, unit)
    _require_open_deliverable(deliverable)
    if not _deliverable_units(deliverable).filter(pk=unit.pk).exists():
        raise ValidationError(_("This unit does not owe this material."))
    if not _missing(deliverable).filter(pk=unit.pk).exists():
        raise ValidationError(
            _("%(unit)s has already handed in this material.") % {"unit": unit.name}
        )
    return _urge_report(deliverable, unit, actor, text, selectors.unit_heads(unit=unit))


@dataclass(frozen=True)
class UrgeResult:
    sent: int
    already: int


def deliverable_urge_missing(
    *, deliverable: Deliverable, actor: AnyUser, text: str = ""
) -> UrgeResult:
    """催报 every unit in the officer's jurisdiction that still owes the material."""
    permissions.require_manage_campaigns(actor)
    _require_open_deliverable(deliverable)
    overseen = units_overseen_by(user=actor)
    units = list(_missing(deliverable).filter(pk__in=overseen.values("pk")).order_by("path"))
    if not units:
        raise ValidationError(_("Every unit in your jurisdiction has handed in this material."))
    heads = selectors.unit_heads_lookup()
    sent = already = 0
    for unit in units:
        try:
            _urge_report(deliverable, unit, actor, text, heads(unit))
        except ValidationError:
            already += 1
        else:
            sent += 1
    return UrgeResult(sent=sent, already=already)
