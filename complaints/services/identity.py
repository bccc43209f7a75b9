"""查看投诉人身份: asked with a reason, approved by a second officer, seen for a limited time.

With ZUOFENG_IDENTITY_NEEDS_APPROVAL on (the default) an officer who may see identities
asks (`identity_request_create`); an identity custodian with jurisdiction over the case,
never the asker, approves or refuses (`identity_request_decide`); only then, and until the
approval expires (ZUOFENG_IDENTITY_REVEAL_HOURS), does `complaint_identity_reveal` decrypt
it for the asker, logging every view. With the setting off it is the one-step reveal of a
small office: a reason, a logged view. Nothing else in the code decrypts an identity.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints import identity as vault
from complaints.models import Complaint, IdentityRequest, IdentityRequestTransition, IdentityReveal
from complaints.permissions import (
    can_decide_identity_request,
    can_view_identity,
    require_decide_identity_request,
    require_request_identity,
    require_view_identity,
    require_withdraw_identity_request,
)
from complaints.services.handling import lock_case
from units.models import Notification, SecurityEvent
from units.notifications import notification_send
from units.security_log import security_event
from units.transitions import record_transition, transition
from units.types import AnyUser

logger = logging.getLogger(__name__)

REASON_MAX = 1000


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("State why you need to see the complainant's identity.")}
        )
    return reason[:REASON_MAX]


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def identity_custodians_for(*, complaint: Complaint, exclude: AnyUser | None = None) -> list[Any]:
    """The custodians who may decide on a request about this case (to notify them)."""
    perm = Permission.objects.get(
        content_type__app_label="complaints", codename="approve_identity_request"
    )
    candidates = (
        get_user_model()
        .objects.filter(Q(groups__permissions=perm) | Q(user_permissions=perm), is_active=True)
        .distinct()
    )
    probe = IdentityRequest(complaint=complaint)
    if exclude is not None:
        candidates = candidates.exclude(pk=cast(int, exclude.pk))
        probe.requested_by_id = cast(int, exclude.pk)
    # A handful of custodians per county: each is checked with the one rule that decides.
    return [user for user in candidates if can_decide_identity_request(user, probe)]


def identity_request_create(
    *, complaint: Complaint, actor: AnyUser, reason: str
) -> IdentityRequest:
    """申请查看投诉人身份: one open request (pending or still valid) per officer and case."""
    reason = _reason(reason)
    if not conf.identity_needs_approval():
        raise ValidationError(_("Identities are shown without approval here: no request needed."))
    with transaction.atomic():
        locked = lock_case(complaint)
        require_request_identity(actor, locked)
        mine = IdentityRequest.objects.filter(complaint=locked, requested_by=cast(Any, actor))
        if mine.filter(status=IdentityRequest.Status.PENDING).exists():
            raise ValidationError(_("Your request on this case is already waiting for approval."))
        if mine.valid().exists():
            raise ValidationError(
                _("Your approved request on this case is still valid: no new request needed.")
            )
        try:
            with transaction.atomic():
                request = IdentityRequest.objects.create(
                    complaint=locked, requested_by=cast(Any, actor), reason=reason
                )
        except IntegrityError:  # a second tab, at the same moment
            raise ValidationError(
                _("Your request on this case is already waiting for approval.")
            ) from None
        record_transition(
            record_model=IdentityRequestTransition,
            subject_field="request",
            subject=request,
            from_status="",
            to_status=IdentityRequest.Status.PENDING,
            actor=actor,
            comment=reason,
        )
        security_event(
            kind=SecurityEvent.Kind.IDENTITY_REQUEST,
            user=actor,
            detail=_("Case %(number)s, request %(pk)s: %(reason)s")
            % {"number": locked.number, "pk": request.pk, "reason": reason},
        )
        # Written with the request (e-mails go after commit): case number and asker only.
        notification_send(
            recipients=identity_custodians_for(complaint=locked, exclude=actor),
            kind=Notification.Kind.INFO,
            title=_("Request to see the complainant's identity in %(number)s awaits your approval")
            % {"number": locked.number},
            body=_("%(asker)s asked on %(time)s. Reason: %(reason)s")
            % {
                "asker": _person(actor),
                "time": _when(request.requested_at),
                "reason": reason,
            },
            url=reverse("complaints:identity_requests"),
            object_key=f"identity-request:{request.pk}",
        )
    logger.info("identity request %s on complaint %s by user %s", request.pk, locked.pk, actor.pk)
    return request


def _person(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "-"


def identity_request_decide(
    *, request: IdentityRequest, actor: AnyUser, approve: bool, comment: str = ""
) -> IdentityRequest:
    """A custodian (never the asker) approves, for ZUOFENG_IDENTITY_REVEAL_HOURS, or refuses."""
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the request is not approved.")})
    now = timezone.now()
    fields: dict[str, Any] = {
        "decided_by": actor,
        "decided_at": now,
        "decision_comment": comment,
    }
    if approve:
        fields["expires_at"] = now + datetime.timedelta(hours=conf.identity_reveal_hours())

    def check(row: IdentityRequest) -> None:
        require_decide_identity_request(actor, row)
        if approve and not can_view_identity(row.requested_by, row.complaint):
            raise ValidationError(_("The officer who asked may no longer see this identity."))

    target = IdentityRequest.Status.APPROVED if approve else IdentityRequest.Status.REFUSED
    with transaction.atomic():
        decided = transition(
            request,
            target=target,
            actor=actor,
            comment=comment,
            fields=fields,
            queryset=IdentityRequest.objects.select_related(
                "complaint__unit", "complaint__subject_unit", "requested_by"
            ),
            check=check,
        )
        number = decided.complaint.number
        security_event(
            kind=SecurityEvent.Kind.IDENTITY_DECISION,
            user=actor,
            detail=_("Case %(number)s, request %(pk)s by %(asker)s: %(decision)s")
            % {
                "number": number,
                "pk": decided.pk,
                "asker": _person(decided.requested_by),
                "decision": decided.get_status_display(),
            }
            + (f" {comment}" if comment else ""),
        )
        notification_send(
            recipients=[decided.requested_by],
            kind=Notification.Kind.INFO,
            title=(
                _(
                    "Your request to see the complainant's identity in %(number)s was approved "
                    "(until %(until)s)"
                )
                % {"number": number, "until": _when(decided.expires_at)}
                if approve
                else _(
                    "Your request to see the complainant's identity in %(number)s was not approved"
                )
                % {"number": number}
            ),
            body=_("Decided by %(custodian)s.") % {"custodian": _person(actor)}
            + (f" {comment}" if comment else ""),
            url=decided.complaint.get_absolute_url(),
            object_key=f"identity-request:{decided.pk}:{target}",
        )
    logger.info(
        "identity request %s %s by user %s",
        decided.pk,
        "approved" if approve else "refused",
        actor.pk,
    )
    return decided


def identity_request_withdraw(*, request: IdentityRequest, actor: AnyUser) -> IdentityRequest:
    """The asker withdraws a request still waiting for a decision."""
    return transition(
        request,
        target=IdentityRequest.Status.WITHDRAWN,
        actor=actor,
        check=lambda row: require_withdraw_identity_request(actor, row),
    )


def complaint_identity_reveal(
    *, complaint: Complaint, actor: AnyUser, reason: str = ""
) -> vault.Identity:
    """Decrypt who complained for an officer entitled to it now, and log that they looked.

    With approval on: only the asker of an approved, unexpired request (its reason is the
    view's); the token is not read otherwise. With it off: a reason, given here.
    """
    require_view_identity(actor, complaint)
    approved: IdentityRequest | None = None
    if conf.identity_needs_approval():
        approved = (
            IdentityRequest.objects.valid()
            .filter(complaint=complaint, requested_by=cast(Any, actor))
            .order_by("-expires_at")
            .first()
        )
        if approved is None:
            raise PermissionDenied(
                _(
                    "The identity is shown only on an approved request of yours that has not "
                    "expired. Ask for it with a reason; an identity custodian decides."
                )
            )
        reason = approved.reason
    else:
        reason = _reason(reason)
    with transaction.atomic():
        IdentityReveal.objects.create(
            complaint=complaint, user=cast(Any, actor), reason=reason[:255], request=approved
        )
    logger.info("complainant identity of complaint %s viewed by user %s", complaint.pk, actor.pk)
    token = Complaint.objects.values_list("identity_token", flat=True).get(pk=complaint.pk)
    return vault.decrypt(token)
