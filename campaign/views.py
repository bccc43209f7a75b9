"""Thin views: fetch through the permission helpers, validate a form, call one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign import permissions, selectors, services
from campaign.forms import (
    CampaignForm,
    CircularForm,
    ClosureForm,
    CommentForm,
    DueDateForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FindingForm,
    InspectionForm,
    ItemForm,
    LedgerFilterForm,
    NewItemForm,
    ProgressForm,
    PublishForm,
    ReasonForm,
    SubmissionForm,
    VerifyForm,
    WarningTalkForm,
)
from campaign.models import (
    Campaign,
    Deliverable,
    ExtensionRequest,
    ProgressUpdate,
    RectificationItem,
)
from units.models import Unit
from units.selectors import ACT, OVERSEE, unit_scope_q
from units.transitions import InvalidTransition


def _errors(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; a refused move or bad input becomes a Chinese message, not a 500."""
    try:
        action()
    except (ValidationError, InvalidTransition) as exc:
        text = _errors(exc) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        request._campaign_refused = True  # type: ignore[attr-defined]
        return False
    messages.success(request, success)
    return True


def _form_error(request: HttpRequest, form: Any) -> None:
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    messages.error(request, " ".join(parts))
    request._campaign_refused = True  # type: ignore[attr-defined]


# --- Campaigns ----------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    campaign = selectors.current_campaign(user=request.user)
    if campaign is not None:
        return redirect("campaign:campaign_detail", campaign.pk)
    return redirect("campaign:campaign_list")


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    can_manage = permissions.can_manage_campaigns(request.user)
    campaigns = selectors.campaigns_visible_to(user=request.user)
    if (
        not campaigns.exists()
        and not can_manage
        and not Unit.objects.visible_to(request.user).exists()
    ):
        raise Http404(_("Campaign not found."))
    form = None
    if can_manage:
        form = CampaignForm(request.POST or None, units=Unit.objects.visible_to(request.user))
    if request.method == "POST":
        permissions.require_manage_campaigns(request.user)
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(actor=request.user, **data)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Campaign created."))
                return redirect("campaign:campaign_detail", campaign.pk)
    return render(
        request,
        "campaign/campaign_list.html",
        {"campaigns": campaigns, "form": form, "can_manage": can_manage},
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign overview: phases, deliverables, figures per unit computed in SQL."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "campaign/campaign_detail.html",
        {
            "campaign": campaign,
            "phases": list(campaign.phases.all()),
            "deliverables": list(selectors.deliverable_counts(campaign=campaign)),
            "totals": selectors.campaign_totals(user=request.user, campaign=campaign, today=today),
            "figures": list(
                selectors.unit_figures(user=request.user, campaign=campaign, today=today)
            ),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "today": today,
        },
    )


@login_required
@require_POST
def campaign_activate(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    _attempt(
        request,
        lambda: services.campaign_activate(campaign=campaign, actor=request.user),
        _("The campaign is under way."),
    )
    return redirect("campaign:campaign_detail", pk)


# --- Ledger and items ---------------------------------------------------------------------


def _ledger_context(request: HttpRequest, campaign: Campaign) -> dict[str, Any]:
    units = Unit.objects.visible_to(request.user).filter(path__startswith=campaign.scope.path)
    form = LedgerFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.ledger(user=request.user, campaign=campaign, filters=filters)
    return {"form": form, "items": items, "filters": filters}


@login_required
@require_GET
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """整改台账 with filters and traffic lights; ?print=1 for the print layout."""
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    context = _ledger_context(request, campaign)
    printing = request.GET.get("print") == "1"
    page = Paginator(context["items"], 1000 if printing else 50).get_page(request.GET.get("page"))
    actable = Unit.objects.filter(
        pk__in=selectors.items_actable_by(user=request.user).values("unit")
    ) | Unit.objects.filter(unit_scope_q(user=request.user, codename=ACT))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "campaign/ledger_print.html" if printing else "campaign/ledger.html",
        {
            "campaign": campaign,
            "page": page,
            "form": context["form"],
            "query": query.urlencode(),
            "actable_units": list(actable.distinct().order_by("path")[:50]),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    units = Unit.objects.filter(
        unit_scope_q(user=request.user, codename=ACT),
        path__startswith=campaign.scope.path,
    ).order_by("path")
    if not units.exists():
        raise PermissionDenied(_("You may not act for any unit in this campaign."))
    form = NewItemForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            item = services.item_create(campaign=campaign, unit=unit, actor=request.user, **data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Item added to the list as a draft."))
            if "add_another" in request.POST:
                return redirect("campaign:item_create", pk)
            return redirect("campaign:item_detail", item.pk)
    return render(
        request, "campaign/item_form.html", {"campaign": campaign, "form": form, "item": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.get_item_for_user_or_404(request.user, pk)
    permissions.require_act_for(request.user, item.unit)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in ItemForm.Meta.fields}
        if _attempt(
            request,
            lambda: services.item_update(item=item, actor=request.user, **changes),
            _("Item saved."),
        ):
            return redirect("campaign:item_detail", pk)
        item.refresh_from_db()
    return render(
        request, "campaign/item_form.html", {"campaign": item.campaign, "form": form, "item": item}
    )


@login_required
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, permissions.get_item_for_user_or_404(request.user, pk))


def _item_page(request: HttpRequest, item: RectificationItem, status: int = 200) -> HttpResponse:
    can_act = permissions.can_edit_item(request.user, item)
    can_review = permissions.can_review_item(request.user, item)
    pending = item.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()
    return render(
        request,
        "campaign/item_detail.html",
        {
            "item": item,
            "light": selectors.with_light(
                RectificationItem.objects.filter(pk=item.pk), timezone.localdate()
            )
            .values_list("light", flat=True)
            .first(),
            "transitions": _labelled(item.transitions.select_related("actor")),
            "progress": item.progress_updates.select_related("author").all(),
            "extensions": item.extension_requests.select_related("requested_by", "decided_by"),
            "pending_extension": pending,
            "can_act": can_act,
            "can_review": can_review,
            "S": RectificationItem.Status,
            "progress_form": ProgressForm(),
            "closure_form": ClosureForm(),
            "extension_form": ExtensionForm(),
            "reason_form": ReasonForm(),
            "verify_form": VerifyForm(),
            "comment_form": CommentForm(),
            "decision_form": ExtensionDecisionForm(),
        },
        status=status,
    )


def _labelled(transitions: Any) -> list[Any]:
    labels = dict(RectificationItem.Status.choices)
    rows = list(transitions)
    for row in rows:
        row.from_label = labels.get(row.from_status, "—")
        row.to_label = labels.get(row.to_status, row.to_status)
    return rows


ACT_ACTIONS = {"submit", "progress", "request_closure", "extension"}
REVIEW_ACTIONS = {"accept", "return", "close", "reject_closure"}


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST endpoint per transition; each calls exactly one service."""
    item = permissions.get_item_for_user_or_404(request.user, pk)
    if action in ACT_ACTIONS:
        permissions.require_act_for(request.user, item.unit)
    elif action in REVIEW_ACTIONS:
        permissions.require_oversee(request.user, item.unit)
    else:
        raise Http404
    user = request.user
    post, files = request.POST, request.FILES
    if action == "submit":
        _attempt(request, lambda: services.item_submit(item=item, actor=user), _("Item submitted."))
    elif action == "accept":
        form = CommentForm(post)
        form.is_valid()
        _attempt(
            request,
            lambda: services.item_accept(
                item=item, actor=user, comment=form.cleaned_data.get("comment", "")
            ),
            _("Item accepted."),
        )
    elif action in ("return", "reject_closure"):
        form = ReasonForm(post)
        if not form.is_valid():
            _form_error(request, form)
        else:
            service = services.item_return if action == "return" else services.item_reject_closure
            _attempt(
                request,
                lambda: service(item=item, actor=user, reason=form.cleaned_data["reason"]),
                _("Item returned."),
            )
    elif action == "close":
        form = VerifyForm(post)
        if not form.is_valid():
            _form_error(request, form)
        else:
            _attempt(
                request,
                lambda: services.item_close(
                    item=item, actor=user, verification_note=form.cleaned_data["verification_note"]
                ),
                _("Verified and closed."),
            )
    elif action == "progress":
        form = ProgressForm(post, files)
        if not form.is_valid():
            _form_error(request, form)
        else:
            _attempt(
                request,
                lambda: services.progress_post(
                    item=item,
                    actor=user,
                    text=form.cleaned_data["text"],
                    attachment=form.cleaned_data["attachment"],
                ),
                _("Progress reported."),
            )
    elif action == "request_closure":
        form = ClosureForm(post, files)
        if not form.is_valid():
            _form_error(request, form)
        else:
            _attempt(
                request,
                lambda: services.item_request_closure(
                    item=item,
                    actor=user,
                    evidence=form.cleaned_data["evidence"],
                    attachment=form.cleaned_data["attachment"],
                ),
                _("Closure requested."),
            )
    elif action == "extension":
        form = ExtensionForm(post)
        if not form.is_valid():
            _form_error(request, form)
        else:
            _attempt(
                request,
                lambda: services.extension_request(
                    item=item,
                    actor=user,
                    requested_deadline=form.cleaned_data["requested_deadline"],
                    reason=form.cleaned_data["reason"],
                ),
                _("Extension requested."),
            )
    if getattr(request, "_campaign_refused", False):
        # Refused input or move: the page again with the Chinese reason, as a 400.
        item.refresh_from_db()
        return _item_page(request, item, status=400)
    return redirect("campaign:item_detail", pk)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    visible = ExtensionRequest.objects.filter(
        item__in=selectors.items_visible_to(user=request.user)
    )
    extension = get_object_or_404(visible.select_related("item__unit"), pk=pk)
    permissions.require_oversee(request.user, extension.item.unit)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    elif form.cleaned_data["decision"] == "approve":
        _attempt(
            request,
            lambda: services.extension_approve(
                request=extension, actor=request.user, note=form.cleaned_data["note"]
            ),
            _("Extension approved."),
        )
    else:
        _attempt(
            request,
            lambda: services.extension_refuse(
                request=extension, actor=request.user, note=form.cleaned_data["note"]
            ),
            _("Extension refused."),
        )
    return redirect("campaign:item_detail", extension.item_id)


@login_required
@require_POST
def items_submit_list(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk)
    permissions.require_act_for(request.user, unit)
    try:
        count = services.items_submit_list(campaign=campaign, unit=unit, actor=request.user)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("%(count)s items submitted for review.") % {"count": count})
    return redirect("campaign:ledger", pk)


# --- Officer pages ------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if Unit.objects.filter(unit_scope_q(user=request.user, codename=OVERSEE)).exists():
        return
    if Unit.objects.visible_to(request.user).exists():
        raise PermissionDenied(_("Only inspection staff may do this."))
    raise Http404


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted lists, closure requests and extension requests awaiting staff."""
    _require_staff(request)
    return render(request, "campaign/review_queue.html", selectors.review_queue(user=request.user))


@login_required
@require_GET
def overdue_board(request: HttpRequest) -> HttpResponse:
    """督办: every overdue item the user may see, most overdue first."""
    if not Unit.objects.visible_to(request.user).exists():
        raise Http404
    items = selectors.overdue_board(user=request.user)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(
        request, "campaign/overdue_board.html", {"page": page, "today": timezone.localdate()}
    )


# --- Deliverables and submissions ---------------------------------------------------------


@login_required
@require_GET
def deliverables(request: HttpRequest) -> HttpResponse:
    """My deliverables (unit heads) or the submission status per deliverable (staff)."""
    campaign = selectors.current_campaign(user=request.user)
    if campaign is None:
        if not Unit.objects.visible_to(request.user).exists():
            raise Http404
        return render(request, "campaign/deliverables.html", {"campaign": None})
    my_units = list(
        Unit.objects.filter(
            unit_scope_q(user=request.user, codename=ACT),
            path__startswith=campaign.scope.path,
            depth=campaign.scope.depth + 1,
        ).order_by("path")
    )
    rows = [
        (unit, selectors.deliverables_for_unit(campaign=campaign, unit=unit)) for unit in my_units
    ]
    return render(
        request,
        "campaign/deliverables.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": list(selectors.deliverable_counts(campaign=campaign)),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def deliverable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(
        Deliverable.objects.filter(campaign__in=selectors.campaigns_visible_to(user=request.user)),
        pk=pk,
    )
    return render(
        request,
        "campaign/deliverable_detail.html",
        {
            "deliverable": deliverable,
            "units": list(selectors.deliverable_status(user=request.user, deliverable=deliverable)),
            "reason_form": ReasonForm(),
            "can_manage": permissions.can_manage_campaigns(request.user),
        },
    )


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    deliverable = get_object_or_404(
        Deliverable.objects.filter(campaign__in=selectors.campaigns_visible_to(user=request.user)),
        pk=pk,
    )
    units = Unit.objects.filter(unit_scope_q(user=request.user, codename=ACT))
    if not units.exists():
        raise PermissionDenied(_("You may not act for this unit."))
    form = SubmissionForm(request.POST, request.FILES, units=units)
    if not form.is_valid():
        _form_error(request, form)
    else:
        _attempt(
            request,
            lambda: services.submission_submit(
                deliverable=deliverable,
                unit=form.cleaned_data["unit"],
                actor=request.user,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data["attachment"],
            ),
            _("Material submitted."),
        )
    return redirect("campaign:deliverables")


@login_required
@require_POST
def submission_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    submission = permissions.get_submission_for_user_or_404(request.user, pk)
    permissions.require_oversee(request.user, submission.unit)
    if decision == "accept":
        _attempt(
            request,
            lambda: services.submission_accept(submission=submission, actor=request.user),
            _("Material accepted."),
        )
    elif decision == "return":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            _form_error(request, form)
        else:
            _attempt(
                request,
                lambda: services.submission_return(
                    submission=submission, actor=request.user, reason=form.cleaned_data["reason"]
                ),
                _("Material returned."),
            )
    else:
        raise Http404
    return redirect("campaign:deliverable_detail", submission.deliverable_id)


# --- Inspections --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inspection_list(request: HttpRequest) -> HttpResponse:
    inspections = (
        selectors.inspections_visible_to(user=request.user)
        .select_related("campaign")
        .prefetch_related("units")
        .annotate(finding_count=Count("findings", distinct=True))
        # Meta.ordering is dropped in GROUP BY queries: order explicitly for the paginator.
        .order_by("-date", "-pk")
    )
    can_manage = permissions.can_manage_campaigns(request.user)
    if not can_manage and not Unit.objects.visible_to(request.user).exists():
        raise Http404
    form = None
    if can_manage:
        form = InspectionForm(
            request.POST or None,
            campaigns=selectors.campaigns_visible_to(user=request.user).filter(
                status=Campaign.Status.ACTIVE
            ),
        )
    if request.method == "POST":
        permissions.require_manage_campaigns(request.user)
        assert form is not None
        if form.is_valid():
            try:
                inspection = services.inspection_record(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Inspection recorded; add its findings."))
                return redirect("campaign:inspection_detail", inspection.pk)
    page = Paginator(inspections, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaign/inspection_list.html",
        {"page": page, "form": form, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = permissions.get_inspection_for_user_or_404(request.user, pk)
    can_manage = permissions.can_manage_campaigns(request.user)
    scope_units = Unit.objects.filter(
        unit_scope_q(user=request.user, codename=OVERSEE),
        path__startswith=inspection.campaign.scope.path,
    ).active()
    finding_form = FindingForm(units=scope_units)
    talk_form = WarningTalkForm(units=scope_units)
    if request.method == "POST":
        permissions.require_manage_campaigns(request.user)
        if "warning_talk" in request.POST:
            talk_form = WarningTalkForm(request.POST, units=scope_units)
            if talk_form.is_valid() and _attempt(
                request,
                lambda: services.warning_talk_record(
                    inspection=inspection, actor=request.user, **talk_form.cleaned_data
                ),
                _("Efficiency warning talk recorded."),
            ):
                return redirect("campaign:inspection_detail", pk)
        else:
            finding_form = FindingForm(request.POST, request.FILES, units=scope_units)
            if finding_form.is_valid():
                data = finding_form.cleaned_data
                if _attempt(
                    request,
                    lambda: services.finding_add(
                        inspection=inspection,
                        actor=request.user,
                        data=services.FindingInput(**data),
                    ),
                    _("Finding recorded and fed back to the unit."),
                ):
                    return redirect("campaign:inspection_detail", pk)
    findings = (
        selectors.findings_visible_to(user=request.user)
        .filter(inspection=inspection)
        .select_related("unit", "category", "item")
    )
    return render(
        request,
        "campaign/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "finding_form": finding_form,
            "talk_form": talk_form,
            "can_manage": can_manage,
            "many_findings": list(selectors.units_with_many_findings(campaign=inspection.campaign))
            if can_manage
            else [],
        },
    )


# --- Circulars ----------------------------------------------------------------------------


@login_required
@require_GET
def circular_list(request: HttpRequest) -> HttpResponse:
    if not Unit.objects.visible_to(request.user).exists():
        raise Http404
    circulars = selectors.circulars_visible_to(user=request.user).select_related("campaign")
    page = Paginator(circulars.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_campaigns(request.user)
    campaigns = (
        list(
            selectors.campaigns_visible_to(user=request.user).filter(status=Campaign.Status.ACTIVE)
        )
        if can_manage
        else []
    )
    return render(
        request,
        "campaign/circular_list.html",
        {"page": page, "can_manage": can_manage, "campaigns": campaigns},
    )


def _circular_units(request: HttpRequest, campaign: Campaign) -> Any:
    return (
        Unit.objects.visible_to(request.user)
        .filter(path__startswith=campaign.scope.path)
        .exclude(pk=campaign.scope_id)
    )


@login_required
@require_http_methods(["GET", "POST"])
def circular_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    form = CircularForm(request.POST or None, units=_circular_units(request, campaign))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            circular = services.circular_create(
                campaign=campaign,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                mentions=form.mentions(),
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Circular drafted."))
            return redirect("campaign:circular_detail", circular.pk)
    return render(
        request,
        "campaign/circular_form.html",
        {"form": form, "campaign": campaign, "circular": None},
    )


@login_required
@require_POST
def circular_draft_progress(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    circular = services.circular_draft_progress(campaign=campaign, actor=request.user)
    messages.success(
        request, _("A progress circular was drafted from the figures; edit it before publishing.")
    )
    return redirect("campaign:circular_edit", circular.pk)


@login_required
@require_http_methods(["GET", "POST"])
def circular_edit(request: HttpRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    mentions = list(circular.mentions.all())
    initial = {
        "kind": circular.kind,
        "title": circular.title,
        "body": circular.body,
        "commended": [m.unit_id for m in mentions if m.tone == "positive"],
        "criticised": [m.unit_id for m in mentions if m.tone == "negative"],
    }
    form = CircularForm(
        request.POST or None, initial=initial, units=_circular_units(request, circular.campaign)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.circular_update(
                circular=circular,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                mentions=form.mentions(),
            ),
            _("Circular saved."),
        ):
            return redirect("campaign:circular_detail", pk)
    return render(
        request,
        "campaign/circular_form.html",
        {"form": form, "campaign": circular.campaign, "circular": circular},
    )


@login_required
@require_GET
def circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular_for_user_or_404(request.user, pk)
    return render(
        request,
        "campaign/circular_detail.html",
        {
            "circular": circular,
            "mentions": circular.mentions.select_related("unit"),
            "can_manage": permissions.can_manage_campaigns(request.user),
            "publish_form": PublishForm(),
            "public": False,
        },
    )


@login_required
@require_POST
def circular_publish(request: HttpRequest, pk: int) -> HttpResponse:
    circular = permissions.get_circular_for_user_or_404(request.user, pk)
    permissions.require_manage_campaigns(request.user)
    form = PublishForm(request.POST)
    form.is_valid()
    _attempt(
        request,
        lambda: services.circular_publish(
            circular=circular,
            actor=request.user,
            is_public=form.cleaned_data.get("is_public", False),
        ),
        _("Circular published."),
    )
    return redirect("campaign:circular_detail", pk)


@require_GET
def public_circular_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_circulars().order_by("-published_at"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "campaign/public_circular_list.html", {"page": page})


@require_GET
def public_circular_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circular = get_object_or_404(selectors.public_circulars(), pk=pk)
    return render(
        request,
        "campaign/circular_detail.html",
        {
            "circular": circular,
            "mentions": circular.mentions.select_related("unit"),
            "public": True,
        },
    )


# --- Attachments --------------------------------------------------------------------------
# Files are served through the same scoping as their records, never from a public URL.


def _file_response(field: Any) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


@login_required
@require_GET
def progress_attachment(request: HttpRequest, pk: int) -> FileResponse:
    update = get_object_or_404(
        ProgressUpdate.objects.filter(item__in=selectors.items_visible_to(user=request.user)), pk=pk
    )
    return _file_response(update.attachment)


@login_required
@require_GET
def submission_attachment(request: HttpRequest, pk: int) -> FileResponse:
    submission = permissions.get_submission_for_user_or_404(request.user, pk)
    return _file_response(submission.attachment)


@login_required
@require_GET
def finding_evidence(request: HttpRequest, pk: int) -> FileResponse:
    finding = get_object_or_404(selectors.findings_visible_to(user=request.user), pk=pk)
    return _file_response(finding.evidence)


@login_required
@require_POST
def deliverable_due_date(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer adjusts a deliverable's due date."""
    deliverable = get_object_or_404(
        Deliverable.objects.filter(campaign__in=selectors.campaigns_visible_to(user=request.user)),
        pk=pk,
    )
    permissions.require_manage_campaigns(request.user)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
    else:
        _attempt(
            request,
            lambda: services.deliverable_update(
                deliverable=deliverable, actor=request.user, due_date=form.cleaned_data["due_date"]
            ),
            _("Due date changed."),
        )
    return redirect("campaign:deliverable_detail", pk)
