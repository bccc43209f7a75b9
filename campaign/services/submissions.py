"""Submissions (报送): a unit hands in its material for a deliverable; staff accept or return it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import permissions, selectors
from campaign.models import Deliverable, Submission
from campaign.services._common import notify_overseers, require_under_way, required_text
from units.models import Notification, Unit
from units.notifications import notification_send
from units.transitions import transition
from units.types import AnyUser


def submission_submit(
    *,
    deliverable: Deliverable,
    unit: Unit,
    actor: AnyUser,
    text: str = "",
    attachment: UploadedFile | None = None,
) -> Submission:
    """A unit hands in (or re-submits after return) its material for a deliverable."""
    permissions.require_act_for(actor, unit)
    if not text.strip() and attachment is None:
        raise ValidationError(_("Write the content or attach a file."))
    require_under_way(deliverable.campaign, _("The campaign is not under way."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission, created = Submission.objects.select_for_update().get_or_create(
                    deliverable=deliverable,
                    unit=unit,
                    defaults={"status": Submission.Status.SUBMITTED},
                )
        except IntegrityError:  # a concurrent first submission won the race
            submission = Submission.objects.select_for_update().get(
                deliverable=deliverable, unit=unit
            )
            created = False
        fields: dict[str, Any] = {
            "text": text.strip(),
            "submitted_by": actor,
            "submitted_at": timezone.now(),
            "return_reason": "",
        }
        if attachment is not None:
            fields["attachment"] = attachment
        handed_in = transition(
            submission,
            target=Submission.Status.SUBMITTED,
            actor=actor,
            fields=fields,
            locked=True,
            from_status="" if created else submission.status,
        )
        # The material waits for review: the staff who oversee the unit are told.
        notify_overseers(
            unit=unit,
            title=_("Material handed in by %(unit)s: %(title)s")
            % {"unit": unit.name, "title": deliverable.title},
            url=reverse("campaign:deliverable_detail", args=[deliverable.pk]),
            object_key=(
                f"campaign.submission:{handed_in.pk}:submitted:"
                f"{handed_in.submitted_at:%Y%m%d%H%M%S%f}"
            ),
        )
        return handed_in


def _notify_reviewed(submission: Submission) -> None:
    returned = submission.status == Submission.Status.RETURNED
    title = _("Material returned: %(title)s") if returned else _("Material accepted: %(title)s")
    notification_send(
        recipients=selectors.unit_heads(unit=submission.unit),
        kind=Notification.Kind.RETURNED if returned else Notification.Kind.INFO,
        title=title % {"title": submission.deliverable.title},
        body=submission.return_reason,
        url=reverse("campaign:deliverables"),
        object_key=(
            f"campaign.submission:{submission.pk}:{submission.status}:"
            f"{submission.reviewed_at:%Y%m%d%H%M%S%f}"
        ),
    )


def _submission_review(
    *, submission: Submission, actor: AnyUser, target: str, reason: str = ""
) -> Submission:
    permissions.require_oversee(actor, submission.unit)
    return transition(
        submission,
        target=target,
        actor=actor,
        comment=reason,
        fields={"return_reason": reason, "reviewed_at": timezone.now()},
        queryset=Submission.objects.select_related("deliverable", "unit"),
        after_commit=_notify_reviewed,
    )


def submission_accept(*, submission: Submission, actor: AnyUser) -> Submission:
    """Staff accept the material as handed in."""
    return _submission_review(submission=submission, actor=actor, target=Submission.Status.ACCEPTED)


def submission_return(*, submission: Submission, actor: AnyUser, reason: str) -> Submission:
    """Staff return the material for revision, with the reason."""
    reason = required_text(reason, "reason", _("Give the reason for returning it."))
    return _submission_review(
        submission=submission, actor=actor, target=Submission.Status.RETURNED, reason=reason
    )
