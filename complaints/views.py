"""Complaint pages: thin views that fetch through permissions, validate, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from campaign import selectors as campaign_selectors
from campaign.forms import ReminderForm
from campaign.models import Campaign
from complaints import conf, forms, permissions, selectors, services, views_dispatch, views_public
from complaints.filters import ComplaintFilter
from complaints.models import Complaint, IdentityRequest
from complaints.services.handling import rated_once_message
from complaints.services.supervision import PUSHABLE
from complaints.views_escalation import escalation_context
from units.actions import Action, attach_errors, perform
from units.page_cookies import PageCookie
from units.paging import IdsFirstPaginator
from units.selectors import units_actable_by, units_overseen_by
from units.transitions import InvalidTransition

# --- Public pages (no login) --------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


# Error reports (mail to ADMINS, the debug page) must not carry who complained.
IDENTITY_FIELDS = ("name", "phone", "id_number", "contact")


def _limited(request: HttpRequest, group: str, rate: str) -> bool:
    return is_ratelimited(
        request, group=f"complaints:{group}", key="ip", rate=rate, method="POST", increment=True
    )


@sensitive_post_parameters(*IDENTITY_FIELDS)
@require_http_methods(["GET", "POST"])
def public_submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.PublicComplaintForm(request.POST, request.FILES)
        if _limited(request, "submit", conf.submit_rate()):
            form.is_valid()
            return render(
                request,
                "complaints/public_submit.html",
                {
                    "form": forms.PublicComplaintForm(initial={"token": forms.form_token()}),
                    "error": _(
                        "Too many complaints have been sent from your network. "
                        "Please try again in an hour, or call the complaint hotline."
                    ),
                },
                status=429,
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_submit(
                    channel=Complaint.Channel.WEB,
                    title=data["title"],
                    content=data["content"],
                    category=data["category"],
                    subject_unit=data["subject_unit"],
                    subject_person=data["subject_person"],
                    identity=form.identity(ip=_client_ip(request)),
                    uploads=data["attachments"],
                    commitment=data["commitment"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                response = redirect("complaints:public_submitted")
                _new_code_keep(response, complaint.tracking_code_display)
                return response
        return render(request, "complaints/public_submit.html", {"form": form}, status=400)
    # From the public commitments page: the unit and the commitment said to be broken.
    initial = {"token": forms.form_token()}
    for name, param in (("subject_unit", "unit"), ("commitment", "commitment")):
        if request.GET.get(param, "").isdigit():
            initial[name] = int(request.GET[param])
    form = forms.PublicComplaintForm(initial=initial)
    return render(request, "complaints/public_submit.html", {"form": form})


# Shown once: the new code goes to the next page in a signed cookie sent only to that page,
# which reads and deletes it. A session would cost a row written per complaint, and the
# database would then hold in clear the code the complaints table keeps only hashed.
NEW_CODE = PageCookie(name="zf_new_code", salt="complaints.new-code", seconds=600)


def _new_code_keep(response: HttpResponse, code: str) -> None:
    NEW_CODE.keep(response, code, path=reverse("complaints:public_submitted"))


@require_GET
def public_submitted(request: HttpRequest) -> HttpResponse:
    code = NEW_CODE.read(request)
    if not code:
        response = redirect("complaints:public_track")
    else:
        response = render(request, "complaints/public_submitted.html", {"code": code})
        response["Cache-Control"] = "no-store"
    NEW_CODE.forget(request, response, path=reverse("complaints:public_submitted"))
    return response


def _public_case(code: str) -> Complaint | None:
    """Found by the code's keyed hash: the table holds no code to read back."""
    return selectors.public_case(tracking_code=code)


def _status_page(
    request: HttpRequest, complaint: Complaint, code: str, **extra: Any
) -> HttpResponse:
    """`code` is what the complainant typed (carried in the rating form), never read back."""
    context = {
        "complaint": complaint,
        **views_public.status_context(complaint, code),  # the timeline, the typed code
        "rate_form": forms.PublicRateForm(initial={"code": services.tracking_code_normalise(code)}),
        **extra,
    }
    response = render(
        request, "complaints/public_status.html", context, status=extra.pop("status", 200)
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def public_track(request: HttpRequest) -> HttpResponse:
    """Look a case up by its tracking code (POST, so the code stays out of URLs and logs)."""
    if request.method == "POST":
        form = forms.TrackForm(request.POST)
        if _limited(request, "track", conf.track_rate()):
            return render(
                request,
                "complaints/public_track.html",
                {"form": form, "error": _("Too many look-ups. Please try again later.")},
                status=429,
            )
        if form.is_valid():
            code = form.cleaned_data["code"]
            complaint = _public_case(code)
            if complaint is not None:
                return _status_page(request, complaint, code)
            form.add_error(
                "code", _("No complaint has this tracking code. Check it and try again.")
            )
        return render(request, "complaints/public_track.html", {"form": form}, status=400)
    return render(request, "complaints/public_track.html", {"form": forms.TrackForm()})


@require_POST
def public_rate(request: HttpRequest) -> HttpResponse:
    form = forms.PublicRateForm(request.POST)
    if _limited(request, "track", conf.track_rate()):
        return render(
            request,
            "complaints/public_track.html",
            {"form": forms.TrackForm(), "error": _("Too many look-ups. Please try again later.")},
            status=429,
        )
    code = request.POST.get("code", "")
    complaint = _public_case(code)
    if complaint is None:
        raise Http404(_("Complaint not found."))
    if form.is_valid():
        try:
            services.complaint_rate(
                complaint=complaint,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, InvalidTransition):
            refused = _("This complaint is not waiting for your rating.")
            if services.already_rated(complaint):
                refused = rated_once_message()  # 一事一评: said plainly
            return _status_page(request, complaint, code, rate_error=refused, status=409)
        complaint = _public_case(code)  # type: ignore[assignment]
        return _status_page(request, complaint, code, rated=True)  # type: ignore[arg-type]
    return _status_page(request, complaint, code, rate_form=form, status=400)


# --- Staff and unit pages -----------------------------------------------------------------


def _filtered_page(
    request: HttpRequest,
    cases: Any,
    *,
    default_status: str = "",
    units: Any = None,
    **options: Any,
) -> tuple[Any, ComplaintFilter]:
    """The list's filters (kept in the query string across pages) and its page of 30."""
    data = request.GET.copy()
    if default_status and "status" not in data:
        data["status"] = default_status
    filterset = ComplaintFilter(
        data, cases, user=request.user, units=units, today=timezone.localdate(), **options
    )
    return IdsFirstPaginator(filterset.qs, 30).get_page(request.GET.get("page")), filterset


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    page, filterset = _filtered_page(
        request, selectors.complaint_list(user=request.user), default_status="open"
    )
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "page": page,
            "filter": filterset,
            "today": timezone.localdate(),
            "is_handler": permissions.is_handler(request.user),
        },
    )


@login_required
@require_GET
def triage_queue(request: HttpRequest) -> HttpResponse:
    """New intake first (a complaint that came in this morning is on the first page)."""
    permissions.require_handler(request.user)
    labels = dict(Complaint.Status.choices)
    page, filterset = _filtered_page(
        request,
        selectors.triage_queue(user=request.user),
        statuses=[(status, labels[status]) for status in selectors.TRIAGE_STATUSES],
    )
    return render(
        request,
        "complaints/queue.html",
        {"page": page, "filter": filterset, "today": timezone.localdate()},
    )


@sensitive_post_parameters(*IDENTITY_FIELDS)
@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """Staff register complaints from the hotline, letters, visits, the box, media, inspection."""
    permissions.require_handler(request.user)
    form = forms.IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_submit(
                    channel=data["channel"],
                    title=data["title"],
                    content=data["content"],
                    category=data["category"],
                    subject_unit=data["subject_unit"],
                    subject_person=data["subject_person"],
                    identity=form.identity(),
                    uploads=data["attachments"],
                    urgent=data["urgent"],
                    received_at=data["received_at"],
                    actor=request.user,
                    commitment=data["commitment"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Complaint %(number)s registered. Tell the complainant the tracking code: %(code)s"
                    )
                    % {"number": complaint.number, "code": complaint.tracking_code_display},
                )
                return redirect("complaints:detail", pk=complaint.pk)
        return render(request, "complaints/intake.html", {"form": form}, status=400)
    return render(request, "complaints/intake.html", {"form": form})


@login_required
@require_GET
def unit_workspace(request: HttpRequest) -> HttpResponse:
    """The unit's cases, open ones first by deadline; filters reach the closed ones too."""
    page, filterset = _filtered_page(
        request,
        selectors.unit_cases(user=request.user),
        default_status="open",
        default_sort="deadline",
        units=units_actable_by(user=request.user),
        hide=("subject_unit",),
    )
    return render(
        request,
        "complaints/mine.html",
        {"page": page, "filter": filterset, "today": timezone.localdate()},
    )


def _identity_context(user: Any, complaint: Complaint) -> dict[str, Any]:
    """The case page's identity box: ask, wait, see (until the approval expires), or the
    one-step reveal when approval is off. Nothing for an anonymous case or the case's units."""
    if not permissions.can_view_identity(user, complaint):
        return {"can_view_identity": False}
    context: dict[str, Any] = {
        "can_view_identity": True,
        "identity_needs_approval": conf.identity_needs_approval(),
        "identity_reveal_hours": conf.identity_reveal_hours(),
    }
    if not context["identity_needs_approval"]:
        context["reveal_form"] = forms.RevealForm(auto_id="reveal_%s")
        return context
    latest = selectors.identity_request_latest(complaint=complaint, user=user)
    context["identity_request"] = latest
    if latest is None or not (latest.status == IdentityRequest.Status.PENDING or latest.is_valid()):
        context["identity_request_form"] = forms.IdentityRequestForm(auto_id="identity_request_%s")
    return context


def _detail_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    user = request.user
    can_handle = permissions.can_handle_complaint(user, complaint)
    can_answer = permissions.can_answer_complaint(user, complaint)
    labels = dict(Complaint.Status.choices)
    context: dict[str, Any] = {
        "complaint": complaint,
        "today": timezone.localdate(),
        "transitions": [
            (t, labels.get(t.to_status, t.to_status))
            for t in complaint.transitions.select_related("actor")
        ],
        "attachments": permissions.attachments_for_user(user, complaint),
        "attachments_all": permissions.can_view_attachments(user, complaint),
        "can_share_attachments": can_handle,
        "reminders": list(campaign_selectors.reminders_for(subject=complaint)),
        "can_push": can_handle and complaint.status in PUSHABLE,
        "reminder_form": ReminderForm(auto_id="supervise_%s"),
        "extensions": list(complaint.extension_requests.select_related("requested_by")),
        "raised_items": list(selectors.items_raised_from(complaint=complaint, user=user)),
        "accountability": list(selectors.accountability_from(complaint=complaint, user=user)),
        "can_handle": can_handle,
        "can_answer": can_answer,
        "S": Complaint.Status,
        **_identity_context(user, complaint),
        **escalation_context(user, complaint, can_handle=can_handle),
    }
    status = complaint.status
    if can_handle:
        if status == Complaint.Status.REGISTERED:
            context["accept_form"] = forms.CommentForm(auto_id="accept_%s")
            context["reject_form"] = forms.RejectForm(auto_id="reject_%s")
        if status in (Complaint.Status.REGISTERED, Complaint.Status.ACCEPTED):
            context["merge_form"] = forms.MergeForm(auto_id="merge_%s")
        if status in (Complaint.Status.ACCEPTED, Complaint.Status.REROUTE_REQUESTED):
            suggested = selectors.suggested_unit(
                category=complaint.category, subject_unit=complaint.subject_unit
            )
            context["suggested_unit"] = suggested
            context["suggested_deadline"] = services.complaint_default_deadline(
                category=complaint.category, urgent=complaint.urgent
            )
            context["assign_form"] = views_dispatch.forms_dispatch.DispatchForm(
                units=units_overseen_by(user=user).active(),
                initial={"unit": suggested.pk if suggested else None},
                auto_id="assign_%s",
            )
        if status == Complaint.Status.ANSWERED:
            context["review_form"] = forms.ReviewForm(auto_id="review_%s")
        if status == Complaint.Status.RETURN_VISIT and not complaint.rating_review:
            context["rate_form"] = forms.RateForm(auto_id="rate_%s")
            context["close_form"] = forms.RequiredCommentForm(auto_id="close_%s")
        if complaint.is_substantiated:
            context["follow_up_form"] = forms.FollowUpForm(
                # Prefilled from the subject, never from who complained.
                initial={"raise_item": not context["raised_items"], "problem": complaint.title},
                auto_id="follow_up_%s",
                **_follow_up_kwargs(request, complaint),
            )
        context["pending_extension"] = selectors.pending_extensions(complaint=complaint).first()
    if can_answer and complaint.is_in_handling and status != Complaint.Status.REROUTE_REQUESTED:
        context["answer_form"] = forms.AnswerForm(
            initial={
                "facts": complaint.facts,
                "verdict": complaint.verdict,
                "measures": complaint.measures,
                "public_reply": complaint.public_reply,
            },
            auto_id="answer_%s",
        )
        context["reroute_form"] = forms.RequiredCommentForm(auto_id="reroute_%s")
        if complaint.deadline and context["today"] <= complaint.deadline:
            context["extension_form"] = forms.ExtensionForm(auto_id="extension_%s")
    context |= views_dispatch.detail_context(
        request, complaint, can_handle=can_handle, can_answer=can_answer
    )
    return context


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = permissions.get_complaint_for_user_or_404(request.user, pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


def _merge(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Any:
    into = permissions.get_merge_target_for_user(request.user, data["into"])
    return services.complaint_merge(complaint=complaint, into=into, actor=request.user)


def _follow_up(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Any:
    """One submission: an item (with 问责 if a kind is chosen), or 问责 alone."""
    if not data.get("raise_item"):
        return services.complaint_follow_up(
            complaint=complaint,
            actor=request.user,
            kind=data["kind"],
            reason=data["reason"],
            document_number=data["document_number"],
            date=data["date"],
        )
    accountability = None
    if data["kind"]:
        accountability = services.Accountability(
            kind=data["kind"],
            reason=data["reason"],
            document_number=data["document_number"],
            date=data["date"],
        )
    return services.complaint_raise_item(
        complaint=complaint,
        actor=request.user,
        campaign=data["campaign"],
        problem=data["problem"],
        working_days=data["working_days"],
        accountability=accountability,
    )


def _follow_up_kwargs(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    unit = complaint.subject_unit or complaint.unit
    if unit is None:
        return {"campaigns": Campaign.objects.none()}
    return {"campaigns": selectors.campaigns_for_item(user=request.user, unit=unit)}


ACTIONS: dict[str, Action] = {
    "accept": Action(
        form=forms.CommentForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_accept(
            complaint=c, actor=r.user, comment=d["comment"]
        ),
        done=gettext_noop("Complaint accepted."),
    ),
    "reject": Action(
        form=forms.RejectForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_reject(
            complaint=c, actor=r.user, reason=d["reason"]
        ),
        done=gettext_noop("Complaint not accepted; the reason is shown to the complainant."),
    ),
    "review": Action(
        form=forms.ReviewForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_review(
            complaint=c, actor=r.user, approve=d["decision"] == "approve", note=d["note"]
        ),
        done=gettext_noop("Review recorded."),
    ),
    "rate": Action(
        form=forms.RateForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_rate(
            complaint=c, satisfaction=d["satisfaction"], comment=d["comment"], actor=r.user
        ),
        done=gettext_noop("Return visit recorded."),
    ),
    "close": Action(
        form=forms.RequiredCommentForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_close(
            complaint=c, actor=r.user, comment=d["comment"]
        ),
        done=gettext_noop("Complaint closed."),
    ),
    "merge": Action(
        form=forms.MergeForm,
        allowed=permissions.can_handle_complaint,
        call=_merge,
        done=gettext_noop("Complaint merged as a duplicate."),
    ),
    "follow_up": Action(
        form=forms.FollowUpForm,
        allowed=permissions.can_handle_complaint,
        call=_follow_up,
        done=gettext_noop("Follow-up recorded."),
        form_kwargs=_follow_up_kwargs,
    ),
    "answer": Action(
        form=forms.AnswerForm,
        allowed=permissions.can_answer_complaint,
        call=lambda r, c, d: services.complaint_answer(complaint=c, actor=r.user, **d),
        done=gettext_noop("Answer submitted for review."),
    ),
    "reroute": Action(
        form=forms.RequiredCommentForm,
        allowed=permissions.can_answer_complaint,
        call=lambda r, c, d: services.complaint_request_reroute(
            complaint=c, actor=r.user, reason=d["comment"]
        ),
        done=gettext_noop("Re-routing requested."),
    ),
    "extension": Action(
        form=forms.ExtensionForm,
        allowed=permissions.can_answer_complaint,
        call=lambda r, c, d: services.extension_request_create(
            complaint=c, actor=r.user, new_deadline=d["new_deadline"], reason=d["reason"]
        ),
        done=gettext_noop("Extension requested."),
    ),
    "identity_request": Action(
        form=forms.IdentityRequestForm,
        allowed=permissions.can_request_identity,
        call=lambda r, c, d: services.identity_request_create(
            complaint=c, actor=r.user, reason=d["reason"]
        ),
        done=gettext_noop(
            "Your request has been sent to the identity custodians; you will be notified of "
            "their decision."
        ),
    ),
    "supervise": Action(
        form=ReminderForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_supervise(
            complaint=c, actor=r.user, text=d["text"]
        ),
        done=gettext_noop("Supervision notice sent to the unit."),
    ),
    "urge": Action(
        form=ReminderForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.complaint_urge(complaint=c, actor=r.user, text=d["text"]),
        done=gettext_noop("Reminder sent to the unit."),
    ),
    "extension_decide": Action(
        form=forms.ExtensionDecideForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: services.extension_request_decide(
            request=permissions.get_pending_extension_or_404(c),
            actor=r.user,
            approve=d["decision"] == "approve",
            note=d["note"],
        ),
        done=gettext_noop("Extension request decided."),
    ),
}
ACTIONS |= views_dispatch.CASE_ACTIONS  # assign (交办 with 协办 units), parts, 派单异议


def _refused(request: HttpRequest, complaint: Complaint, extra: dict[str, Any]) -> HttpResponse:
    context = {**_detail_context(request, complaint), **extra}
    # 督办 and 催办 share one form on the page: a refused one comes back with its errors.
    for name in ("supervise_form", "urge_form"):
        if name in extra:
            context["reminder_form"] = extra[name]
    return render(request, "complaints/detail.html", context)


@login_required
@require_POST
def complaint_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    complaint = permissions.get_complaint_for_user_or_404(request.user, pk)
    return perform(
        request,
        complaint,
        name=action,
        actions=ACTIONS,
        success_url=complaint.get_absolute_url(),
        refused=_refused,
    )


@login_required
@require_POST
def identity_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Shown in this response only (never stored in a page cache), and logged.

    With approval on, only on the asker's approved request that has not expired (the
    service refuses otherwise, before reading the token); off, with a reason given here.
    """
    complaint = permissions.get_complaint_for_user_or_404(request.user, pk)
    permissions.require_view_identity(request.user, complaint)
    context = _detail_context(request, complaint)
    if conf.identity_needs_approval():
        context["identity"] = services.complaint_identity_reveal(
            complaint=complaint, actor=request.user
        )
        response = render(request, "complaints/detail.html", context)
        response["Cache-Control"] = "no-store"
        return response
    form = forms.RevealForm(request.POST, auto_id="reveal_%s")
    if form.is_valid():
        context["identity"] = services.complaint_identity_reveal(
            complaint=complaint, actor=request.user, reason=form.cleaned_data["reason"]
        )
        response = render(request, "complaints/detail.html", context)
    else:
        context["reveal_form"] = form
        response = render(request, "complaints/detail.html", context, status=400)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """The file, as a download; ?preview=1 shows a picture inline (the page's thumbnail).

    Named by case number, never by the name it was sent under (which may name the sender).
    """
    attachment = permissions.get_attachment_for_user_or_404(request.user, pk, attachment_id)
    complaint = attachment.complaint
    inline = request.GET.get("preview") == "1" and attachment.has_preview
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=f"{complaint.number}-{attachment.pk}.{attachment.extension}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


ATTACHMENT_ACTIONS: dict[str, Action] = {
    "share": Action(
        form=None,
        allowed=lambda user, a: permissions.can_share_attachments(user, a.complaint),
        call=lambda r, a, d: services.attachment_share(attachment=a, actor=r.user, shared=True),
        done=gettext_noop("The file is now shown to the handling unit."),
    ),
    "unshare": Action(
        form=None,
        allowed=lambda user, a: permissions.can_share_attachments(user, a.complaint),
        call=lambda r, a, d: services.attachment_share(attachment=a, actor=r.user, shared=False),
        done=gettext_noop("The file is no longer shown to the handling unit."),
    ),
}


@login_required
@require_POST
def attachment_share(
    request: HttpRequest, pk: int, attachment_id: int, action: str
) -> HttpResponse:
    """An officer shows a file of the case to the handling unit, or takes it back."""
    if action not in ATTACHMENT_ACTIONS:
        raise Http404
    attachment = permissions.get_attachment_for_user_or_404(request.user, pk, attachment_id)
    return perform(
        request,
        attachment,
        name=action,
        actions=ATTACHMENT_ACTIONS,
        success_url=attachment.complaint.get_absolute_url(),
        refused=lambda request, a, extra: _refused(request, a.complaint, extra),
    )


@login_required
@require_GET
def identity_reveal_log(request: HttpRequest) -> HttpResponse:
    """Every request (asker, reason, approver, times, expiry) and every view of an identity."""
    permissions.require_reveal_log(request.user)
    page = Paginator(selectors.identity_reveals(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    requests = Paginator(selectors.identity_requests_logged(user=request.user), 50).get_page(
        request.GET.get("rpage")
    )
    return render(
        request,
        "complaints/reveal_log.html",
        {"page": page, "requests": requests, "now": timezone.now()},
    )


# --- Requests to see a complainant's identity ----------------------------------------------


@login_required
@require_GET
def identity_requests(request: HttpRequest) -> HttpResponse:
    """The custodian's pending requests (approve or refuse), and the officer's own requests."""
    permissions.require_identity_requests(request.user)
    return render(request, "complaints/identity_requests.html", _requests_context(request))


def _requests_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_custodian": permissions.is_identity_custodian(user),
        "to_decide": list(selectors.identity_requests_to_decide(user=user)[:200]),
        "mine": Paginator(selectors.identity_requests_of(user=user), 30).get_page(
            request.GET.get("page")
        ),
        "hours": conf.identity_reveal_hours(),
        "now": timezone.now(),
    }


IDENTITY_REQUEST_ACTIONS: dict[str, Action] = {
    "approve": Action(
        form=forms.IdentityDecisionForm,
        allowed=permissions.can_decide_identity_request,
        call=lambda r, req, d: services.identity_request_decide(
            request=req, actor=r.user, approve=True, comment=d["comment"]
        ),
        done=gettext_noop("Request approved: the officer may see the identity for a limited time."),
    ),
    "refuse": Action(
        form=forms.IdentityDecisionForm,
        allowed=permissions.can_decide_identity_request,
        call=lambda r, req, d: services.identity_request_decide(
            request=req, actor=r.user, approve=False, comment=d["comment"]
        ),
        done=gettext_noop("Request not approved; the officer has been told."),
    ),
    "withdraw": Action(
        form=None,
        allowed=permissions.can_withdraw_identity_request,
        call=lambda r, req, d: services.identity_request_withdraw(request=req, actor=r.user),
        done=gettext_noop("Request withdrawn."),
    ),
}


def _request_refused(request: HttpRequest, obj: Any, extra: dict[str, Any]) -> HttpResponse:
    return render(
        request,
        "complaints/identity_requests.html",
        {**_requests_context(request), **extra, "failed_request": obj.pk},
    )


@login_required
@require_POST
def identity_request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in IDENTITY_REQUEST_ACTIONS:
        raise Http404
    identity_request = permissions.get_identity_request_for_user_or_404(request.user, pk)
    if action in ("approve", "refuse"):
        # Says why (one's own request, or no jurisdiction) rather than a bare refusal.
        permissions.require_decide_identity_request(request.user, identity_request)
    success = (
        identity_request.complaint.get_absolute_url()
        if action == "withdraw"
        else reverse("complaints:identity_requests")
    )
    return perform(
        request,
        identity_request,
        name=action,
        actions=IDENTITY_REQUEST_ACTIONS,
        success_url=success,
        refused=_request_refused,
    )
