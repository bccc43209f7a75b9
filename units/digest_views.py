"""The digest pages: the list of a reader's digests, one digest, and its two actions
(inspection staff save the comment, or send the digest to the leaders)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from units import digests
from units.actions import Action, perform
from units.forms import DigestCommentForm
from units.models import Digest, DigestTransition


@login_required
@require_GET
def digest_list(request: HttpRequest) -> HttpResponse:
    """周检查、月点评、季小结 within the reader's jurisdiction, newest first."""
    if not digests.reads_digests(request.user):
        raise Http404
    rows = (
        Digest.objects.visible_to(request.user)
        .select_related("scope")
        .only(
            "pk",
            "kind",
            "title",
            "status",
            "period_start",
            "period_end",
            "created_at",
            "sent_at",
            "send_by",
            "scope__name",
            "scope__path",
        )
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "units/digest_list.html",
        {
            "page": page,
            "edits": digests.edits_digests(request.user),
            "auto_days": settings.ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS,
        },
    )


def _may_edit(user: Any, digest: Digest) -> bool:
    """Inspection staff of the jurisdiction (a sent digest then refuses the move: 400)."""
    return Digest.objects.editable_by(user).filter(pk=digest.pk).exists()


def _context(request: HttpRequest, digest: Digest, **extra: Any) -> dict[str, Any]:
    can_edit = digests.can_edit_digest(request.user, digest)
    sent = None
    if not digest.is_draft:
        sent = (
            DigestTransition.objects.filter(digest=digest, to_status=Digest.Status.SENT)
            .select_related("actor")
            .first()
        )
    context: dict[str, Any] = {
        "digest": digest,
        "can_edit": can_edit,
        "sent": sent,
        "auto_days": settings.ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS,
    }
    if can_edit:
        context["comment_form"] = DigestCommentForm(
            initial={"comment": digest.comment}, auto_id="digest_%s"
        )
    # After a refused save or send, the form with what was typed and its error.
    for name in ("comment", "send"):
        if f"{name}_form" in extra:
            context["comment_form"] = extra.pop(f"{name}_form")
    context.update(extra)
    return context


@login_required
@require_GET
def digest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    digest = digests.get_digest_for_user_or_404(request.user, pk)
    return render(request, "units/digest_detail.html", _context(request, digest))


ACTIONS: dict[str, Action] = {
    "comment": Action(
        form=DigestCommentForm,
        allowed=_may_edit,
        call=lambda r, d, data: digests.digest_comment_update(
            digest=d, comment=data["comment"], actor=r.user
        ),
        done=gettext_noop("Comment saved; the digest has not been sent yet."),
    ),
    "send": Action(
        form=DigestCommentForm,
        allowed=_may_edit,
        call=lambda r, d, data: digests.digest_send(
            digest=d, actor=r.user, comment=data["comment"]
        ),
        done=gettext_noop("Digest sent to the leaders and officers of its jurisdiction."),
    ),
}


def _refused(request: HttpRequest, digest: Digest, extra: dict[str, Any]) -> HttpResponse:
    return render(request, "units/digest_detail.html", _context(request, digest, **extra))


@login_required
@require_POST
def digest_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Save the comment, or send the digest (with the comment as it stands in the form)."""
    digest = digests.get_digest_for_user_or_404(request.user, pk)
    return perform(
        request,
        digest,
        name=action,
        actions=ACTIONS,
        success_url=reverse("units:digest_detail", args=[digest.pk]),
        refused=_refused,
    )
