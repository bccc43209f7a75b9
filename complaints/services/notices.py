"""What the handling unit is told: the case number and subject only, never who complained."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.permissions import HANDLE
from complaints.selectors import UnitRecipients, unit_recipients
from units.models import Notification, Unit
from units.selectors import Overseers, overseers_of
from units.services import NoticeBatch, notification_send


def notify_unit(
    complaint: Complaint,
    *,
    kind: str,
    title: str,
    include_in_charge: bool = False,
    object_suffix: str = "",
    recipients_of: UnitRecipients | None = None,
    notices: NoticeBatch | None = None,
) -> None:
    """Tell the handling unit (and maybe its leaders in charge); e-mails go after commit.

    A sweep passes `recipients_of` to look its units' recipients up once per batch, and
    `notices` to write the notices in batches.
    """
    if complaint.unit is None:
        return
    if recipients_of is None:
        people = unit_recipients(unit=complaint.unit)
    else:
        people = recipients_of.of(complaint.unit)
    recipients = people["heads"] + (people["in_charge"] if include_in_charge else [])
    body = _("Case %(number)s: %(title)s. Handling deadline: %(deadline)s.") % {
        "number": complaint.number,
        "title": complaint.title,
        "deadline": complaint.deadline or "-",
    }
    # The notice is written in the caller's transaction, with the move it reports: deferred
    # to after commit, a process dying in between (a worker killed mid-sweep) would leave a
    # claimed case whose notice is never sent. notification_send e-mails after commit.
    (notices.add if notices is not None else notification_send)(
        recipients=recipients,
        kind=kind,
        title=title,
        body=body,
        url=complaint.get_absolute_url(),
        object_key=f"complaint:{complaint.pk}{object_suffix}",
        deadline=complaint.deadline,
    )


def staff_recipients(complaint: Complaint, *, overseers: Overseers | None = None) -> list[Any]:
    """The inspection staff who hold the case: jurisdiction over both of its units (over
    the whole county for a case naming neither), with the ability to handle cases. A sweep
    passes one `overseers` lookup (Overseers(permission=HANDLE)) for all its cases."""
    units = [unit for unit in (complaint.unit, complaint.subject_unit) if unit is not None]
    if not units:
        units = list(Unit.get_root_nodes()[:1])
    if overseers is None:  # one case: one query
        staff: Any = None
        for unit in units:
            holders = overseers_of(unit=unit, permission=HANDLE)
            staff = holders if staff is None else staff & holders
        return list(staff)
    people = overseers.of(units[0])
    for unit in units[1:]:
        held = {person.pk for person in overseers.of(unit)}
        people = [person for person in people if person.pk in held]
    return list(people)


def notify_staff(
    complaint: Complaint,
    *,
    title: str,
    object_suffix: str,
    kind: str = Notification.Kind.INFO,
    deadline: Any = None,
    overseers: Overseers | None = None,
    notices: NoticeBatch | None = None,
) -> None:
    """Tell the inspection staff who hold the case (jurisdiction over its units) that it
    waits for them; the notice carries the case number and subject, never who complained."""
    staff = staff_recipients(complaint, overseers=overseers)
    if not staff:
        return
    (notices.add if notices is not None else notification_send)(
        recipients=staff,
        kind=kind,
        title=title,
        body=_("Case %(number)s: %(title)s. Handling unit: %(unit)s.")
        % {"number": complaint.number, "title": complaint.title, "unit": complaint.unit or "-"},
        url=complaint.get_absolute_url(),
        object_key=f"complaint:{complaint.pk}{object_suffix}",
        deadline=deadline,
    )
