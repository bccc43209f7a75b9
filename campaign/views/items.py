"""The ledger (整改台账), rectification items and their moves, and the officers' boards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign import permissions, selectors, services
from campaign.forms import (
    ClosureForm,
    CommentForm,
    ExtensionDecisionForm,
    ExtensionForm,
    ItemForm,
    LedgerFilterForm,
    NewItemForm,
    ProgressForm,
    ReasonForm,
    ReminderForm,
    VerifyForm,
)
from campaign.models import Campaign, ExtensionRequest, RectificationItem
from campaign.services.supervision import ITEM_WITH_UNIT
from units.actions import Action, attach_errors, error_text, perform
from units.models import Unit
from units.paging import IdsFirstPaginator
from units.permissions import get_unit_for_user_or_404
from units.selectors import ACT, OVERSEE, unit_scope_q, units_actable_by
from units.transitions import InvalidTransition

# --- Ledger -------------------------------------------------------------------------------


class LedgerPaginator(IdsFirstPaginator):
    count_limit = None

    def _rows(self, keys: Sequence[Any]) -> list[Any]:
        rows = self.object_list.order_by().only(*selectors.LEDGER_ROW_FIELDS).filter(pk__in=keys)
        found = {row.pk: row for row in rows}
        return [found[pk] for pk in keys if pk in found]


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
    # Ids first, a deep page read from the list's end: the last page of a province's ledger
    # costs what the first does. The ledger shows its exact total (no count limit).
    paginator = LedgerPaginator(context["items"], 1000 if printing else 50)
    page = paginator.get_page(request.GET.get("page"))
    # The units the user may file items for (every item they may act on lies in one of them):
    # a prefix range on the tree, never a DISTINCT over the items.
    actable = units_actable_by(user=request.user).order_by("path")
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
            "actable_units": list(actable[:50]),
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
            attach_errors(form, exc)
            messages.error(request, error_text(exc))
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
        try:
            services.item_update(item=item, actor=request.user, **changes)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            item.refresh_from_db()
        else:
            messages.success(request, _("Item saved."))
            return redirect("campaign:item_detail", pk)
    return render(
        request, "campaign/item_form.html", {"campaign": item.campaign, "form": form, "item": item}
    )


@login_required
@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, permissions.get_item_for_user_or_404(request.user, pk))


# The page's forms by the name the template gives them; a refused action's form (with its
# errors) takes the place of the blank one.
_PAGE_FORMS = {
    "progress_form": (("progress",), ProgressForm),
    "closure_form": (("request_closure",), ClosureForm),
    "extension_form": (("extension",), ExtensionForm),
    "reason_form": (("return",), ReasonForm),
    "reject_form": (("reject_closure",), ReasonForm),
    "verify_form": (("close",), VerifyForm),
    "comment_form": (("accept",), CommentForm),
    "decision_form": (("approve", "refuse"), ExtensionDecisionForm),
    "reminder_form": (("supervise", "urge"), ReminderForm),
}


def _item_page(
    request: HttpRequest, item: RectificationItem, extra: dict[str, Any] | None = None
) -> HttpResponse:
    extra = extra or {}
    item.refresh_from_db()  # a refused move may have left the instance half-changed
    pending = item.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()
    # Asked once: the page's query count is then the same whatever the item's state.
    can_review = permissions.can_review_item(request.user, item)
    forms = {}
    for key, (names, form_class) in _PAGE_FORMS.items():
        refused = [extra[f"{name}_form"] for name in names if f"{name}_form" in extra]
        # The same ids as units.actions.perform gives a refused form ("<action>_<field>").
        forms[key] = refused[0] if refused else form_class(auto_id=f"{names[0]}_%s")
    return render(
        request,
        "campaign/item_detail.html",
        {
            "item": item,
            "light": RectificationItem.objects.filter(pk=item.pk)
            .annotate(light=selectors.item_light(today=timezone.localdate()))
            .values_list("light", flat=True)
            .first(),
            "transitions": _labelled(item.transitions.select_related("actor")),
            "progress": item.progress_updates.select_related("author").all(),
            "extensions": item.extension_requests.select_related("requested_by", "decided_by"),
            # 回头看: each re-check that drew the item, and what it found.
            "rechecks": item.recheck_entries.select_related("recheck", "decided_by").order_by(
                "recheck__opened_at", "pk"
            ),
            "pending_extension": pending,
            # The record it came from (a complaint, say), behind that record's own permissions.
            "source_url": item.source_object.get_absolute_url() if item.source_type_id else "",
            "can_act": permissions.can_edit_item(request.user, item),
            "can_review": can_review,
            "reminders": list(selectors.reminders_for(subject=item)),
            "can_push": item.status in ITEM_WITH_UNIT and can_review,
            "S": RectificationItem.Status,
            **forms,
            **extra,
        },
    )


def _labelled(transitions: Any) -> list[Any]:
    labels = dict(RectificationItem.Status.choices)
    rows = list(transitions)
    for row in rows:
        row.from_label = labels.get(row.from_status, "—")
        row.to_label = labels.get(row.to_status, row.to_status)
    return rows


def _acts(user: Any, item: RectificationItem) -> bool:
    return permissions.can_edit_item(user, item)


def _reviews(user: Any, item: RectificationItem) -> bool:
    return permissions.can_review_item(user, item)


# One row per move the item page offers: its form, who may, the one service it calls.
ITEM_ACTIONS = {
    "submit": Action(
        form=None,
        allowed=_acts,
        call=lambda request, item, data: services.item_submit(item=item, actor=request.user),
        done=gettext_noop("Item submitted."),
    ),
    "accept": Action(
        form=CommentForm,
        allowed=_reviews,
        call=lambda request, item, data: services.item_accept(
            item=item, actor=request.user, comment=data["comment"]
        ),
        done=gettext_noop("Item accepted."),
    ),
    "return": Action(
        form=ReasonForm,
        allowed=_reviews,
        call=lambda request, item, data: services.item_return(
            item=item, actor=request.user, reason=data["reason"]
        ),
        done=gettext_noop("Item returned."),
    ),
    "reject_closure": Action(
        form=ReasonForm,
        allowed=_reviews,
        call=lambda request, item, data: services.item_reject_closure(
            item=item, actor=request.user, reason=data["reason"]
        ),
        done=gettext_noop("Item returned."),
    ),
    "close": Action(
        form=VerifyForm,
        allowed=_reviews,
        call=lambda request, item, data: services.item_close(
            item=item, actor=request.user, verification_note=data["verification_note"]
        ),
        done=gettext_noop("Verified and closed."),
    ),
    "progress": Action(
        form=ProgressForm,
        allowed=_acts,
        call=lambda request, item, data: services.progress_post(
            item=item, actor=request.user, text=data["text"], attachment=data["attachment"]
        ),
        done=gettext_noop("Progress reported."),
    ),
    "request_closure": Action(
        form=ClosureForm,
        allowed=_acts,
        call=lambda request, item, data: services.item_request_closure(
            item=item,
            actor=request.user,
            evidence=data["evidence"],
            attachment=data["attachment"],
        ),
        done=gettext_noop("Closure requested."),
    ),
    "supervise": Action(
        form=ReminderForm,
        allowed=_reviews,
        call=lambda request, item, data: services.item_supervise(
            item=item, actor=request.user, text=data["text"]
        ),
        done=gettext_noop("Supervision notice sent to the unit."),
    ),
    "urge": Action(
        form=ReminderForm,
        allowed=_reviews,
        call=lambda request, item, data: services.item_urge(
            item=item, actor=request.user, text=data["text"]
        ),
        done=gettext_noop("Reminder sent to the unit."),
    ),
    "extension": Action(
        form=ExtensionForm,
        allowed=_acts,
        call=lambda request, item, data: services.extension_request(
            item=item,
            actor=request.user,
            requested_deadline=data["requested_deadline"],
            reason=data["reason"],
        ),
        done=gettext_noop("Extension requested."),
    ),
}


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One POST endpoint per move, each calling exactly one service (ITEM_ACTIONS)."""
    item = permissions.get_item_for_user_or_404(request.user, pk)
    return perform(
        request,
        item,
        name=action,
        actions=ITEM_ACTIONS,
        success_url=reverse("campaign:item_detail", args=[pk]),
        refused=_item_page,
    )


def _decide_action(decide: Any, done: str) -> Action:
    return Action(
        form=ExtensionDecisionForm,
        allowed=lambda user, extension: permissions.can_review_item(user, extension.item),
        call=lambda request, extension, data: decide(
            request=extension, actor=request.user, note=data["note"]
        ),
        done=done,
    )


EXTENSION_ACTIONS = {
    "approve": _decide_action(services.extension_approve, gettext_noop("Extension approved.")),
    "refuse": _decide_action(services.extension_refuse, gettext_noop("Extension refused.")),
}


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = permissions.get_extension_for_user_or_404(request.user, pk)
    return perform(
        request,
        extension,
        name="approve" if request.POST.get("decision") == "approve" else "refuse",
        actions=EXTENSION_ACTIONS,
        success_url=reverse("campaign:item_detail", args=[extension.item_id]),
        refused=lambda request, extension, extra: _item_page(request, extension.item, extra),
    )


@login_required
@require_POST
def items_submit_list(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    campaign = permissions.get_campaign_for_user_or_404(request.user, pk)
    unit = get_unit_for_user_or_404(request.user, unit_pk)
    permissions.require_act_for(request.user, unit)
    try:
        count = services.items_submit_list(campaign=campaign, unit=unit, actor=request.user)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, error_text(exc))
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
