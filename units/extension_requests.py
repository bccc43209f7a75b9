"""延期申请: one extension request, whatever its subject (a rectification item, a complaint).

The unit asks for a later deadline with a reason; inspection staff approve (the subject's
deadline moves, the old one stays on the request) or refuse. Each app subclasses
`ExtensionRequestBase` with its subject's foreign key (named in `SUBJECT`), its "one
pending request per subject" constraint and its `ExtensionTransitionBase` record; its
services lock the subject, check who acts, then call `extension_request_open` and
`extension_decide` here, which hold the rules common to both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import TransitionRecord
from units.transitions import transition
from units.types import AnyUser


class ExtensionRequestBase(models.Model):
    """延期申请: pending until inspection staff approve or refuse it."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Pending")
        APPROVED = "approved", gettext_lazy("Approved")
        REFUSED = "refused", gettext_lazy("Refused")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }
    # The name of the concrete model's foreign key to what is extended.
    SUBJECT: ClassVar[str]

    old_deadline = models.DateField(gettext_lazy("Deadline before the extension"))
    requested_deadline = models.DateField(gettext_lazy("Requested deadline"))
    reason = models.TextField(gettext_lazy("Reason for extension"))
    status = models.CharField(
        gettext_lazy("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decision_note = models.TextField(gettext_lazy("Decision note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("Requested at"), default=timezone.now)
    decided_at = models.DateTimeField(gettext_lazy("Decided at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        verbose_name = gettext_lazy("Extension request")
        verbose_name_plural = gettext_lazy("Extension requests")


class ExtensionTransitionBase(TransitionRecord):
    """The decision on a request; the concrete model adds `request` (related_name="transitions")."""

    class Meta(TransitionRecord.Meta):
        abstract = True
        verbose_name = gettext_lazy("Extension request decision")
        verbose_name_plural = gettext_lazy("Extension request decisions")


R = TypeVar("R", bound=ExtensionRequestBase)


def extension_request_open(
    *,
    model: type[R],
    subject: models.Model,
    current_deadline: datetime.date,
    requested_deadline: datetime.date,
    reason: str,
    actor: AnyUser,
    deadline_field: str = "requested_deadline",
) -> R:
    """A new pending request; call it with `subject` locked and the actor's right checked.

    `deadline_field` names the form field an error about the date belongs to.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    if requested_deadline <= current_deadline:
        raise ValidationError(
            {deadline_field: _("The new deadline must be after the current one.")}
        )
    pending = model.Status.PENDING
    if model._default_manager.filter(**{model.SUBJECT: subject}, status=pending).exists():
        raise ValidationError(_("An extension request is already waiting for a decision."))
    return model._default_manager.create(
        **{model.SUBJECT: subject},
        old_deadline=current_deadline,
        requested_deadline=requested_deadline,
        reason=reason,
        requested_by=actor if actor.is_authenticated else None,
    )


def extension_decide(
    *,
    request: R,
    actor: AnyUser,
    approve: bool,
    note: str,
    apply: Callable[[datetime.date], Any],
    after_commit: Callable[[R], None] | None = None,
) -> R:
    """Approve (then `apply(new_deadline)` moves the subject's deadline) or refuse.

    The caller has locked the subject and checked the actor's right first (the same order
    as when the request was opened: subject, then request). Deciding twice is refused by
    the transition map.
    """
    status = type(request).Status
    with transaction.atomic():
        decided = transition(
            request,
            target=status.APPROVED if approve else status.REFUSED,
            actor=actor,
            comment=note,
            fields={"decision_note": note, "decided_by": actor, "decided_at": timezone.now()},
            after_commit=after_commit,
        )
        if approve:
            apply(decided.requested_deadline)
    return decided
