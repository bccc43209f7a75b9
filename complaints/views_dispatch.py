"""Pages for 协办 parts, 派单异议 and the 派单目录: thin views over complaints.services.

The case page's part (complaints.views) takes `detail_context` and `CASE_ACTIONS` from here:
the officer's 交办 with co-handling units, adding a part later, deciding a dispute.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import forms, forms_dispatch, permissions, selectors_dispatch
from complaints.models import Complaint, ComplaintPart, DispatchRule
from complaints.services import cohandling, dispatch
from units.actions import Action, attach_errors, perform
from units.selectors import units_overseen_by
from units.workdays import traffic_light

# --- On the case page (complaints.views) ----------------------------------------------------


def _units(request: HttpRequest, obj: Any = None) -> dict[str, Any]:
    return {"units": units_overseen_by(user=request.user).active()}


def _decide(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Any:
    dispute = permissions.get_dispute_for_user_or_404(request.user, complaint, data["dispute"])
    return dispatch.dispute_decide(
        dispute=dispute,
        actor=request.user,
        uphold=data["decision"] == "uphold",
        unit=data["unit"],
        note=data["note"],
    )


CASE_ACTIONS: dict[str, Action] = {
    "assign": Action(
        form=forms_dispatch.DispatchForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: cohandling.complaint_dispatch(
            complaint=c,
            unit=d["unit"],
            actor=r.user,
            deadline=d["deadline"],
            instructions=d["instructions"],
            parts=d["parts"],
        ),
        done=gettext_noop("Complaint assigned."),
        form_kwargs=_units,
    ),
    "part_add": Action(
        form=forms_dispatch.PartAddForm,
        allowed=permissions.can_handle_complaint,
        call=lambda r, c, d: cohandling.part_add(
            complaint=c,
            unit=d["unit"],
            task=d["task"],
            working_days=d["working_days"],
            actor=r.user,
        ),
        done=gettext_noop("Co-handling unit added."),
        form_kwargs=_units,
    ),
    "dispute_decide": Action(
        form=forms_dispatch.DisputeDecideForm,
        allowed=permissions.can_handle_complaint,
        call=_decide,
        done=gettext_noop("Decision on the dispute recorded."),
        form_kwargs=_units,
    ),
}


def detail_context(
    request: HttpRequest, complaint: Complaint, *, can_handle: bool, can_answer: bool
) -> dict[str, Any]:
    """The case page's 协办 and 派单异议 boxes: the parts (internal notes for officers
    only), the overdue ones, the pending disputes and the officer's forms."""
    context: dict[str, Any] = {}
    if not (can_handle or can_answer):
        return context
    today = timezone.localdate()
    parts = list(selectors_dispatch.parts_of_case(complaint=complaint))
    context["parts"] = parts
    context["parts_overdue"] = [p for p in parts if p.is_outstanding and p.deadline < today]
    context["show_part_notes"] = can_handle
    if not can_handle:
        return context
    disputes = list(
        complaint.disputes.filter(status="pending").select_related("unit", "part", "raised_by")
    )
    context["disputes"] = [
        (
            dispute,
            forms_dispatch.DisputeDecideForm(
                initial={"dispute": dispute.pk},
                auto_id=f"dispute{dispute.pk}_%s",
                **_units(request),
            ),
        )
        for dispute in disputes
    ]
    if complaint.status in cohandling.PARTS_ADDABLE:
        context["part_add_form"] = forms_dispatch.PartAddForm(
            auto_id="part_add_%s", **_units(request)
        )
    if complaint.status == Complaint.Status.REROUTE_REQUESTED and disputes:
        context["assign_form"] = None  # the dispute's decision re-dispatches
    return context


# --- The co-handling unit's pages -----------------------------------------------------------


def _part_context(request: HttpRequest, part: ComplaintPart, **extra: Any) -> dict[str, Any]:
    user = request.user
    may_answer = permissions.can_answer_part(user, part)
    labels = dict(ComplaintPart.Status.choices)
    context: dict[str, Any] = {
        "part": part,
        "complaint": part.complaint,
        "today": timezone.localdate(),
        "can_answer": may_answer,
        # What the officers wrote to the unit and the unit's own moves: its part's history.
        "transitions": [
            (t, labels.get(t.to_status, t.to_status))
            for t in part.transitions.select_related("actor")
        ],
        "dispute": selectors_dispatch.pending_dispute(complaint=part.complaint, part=part),
        "part_light": getattr(traffic_light(part.deadline, timezone.localdate()), "value", ""),
    }
    if may_answer and part.status == ComplaintPart.Status.ASSIGNED:
        context["answer_form"] = forms_dispatch.PartAnswerForm(
            initial={"facts": part.facts, "measures": part.measures}, auto_id="answer_%s"
        )
        context["dispute_form"] = forms_dispatch.DisputeForm(auto_id="dispute_%s")
    return {**context, **extra}


@login_required
@require_GET
def part_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The co-handler's case file: the case as a unit sees it and its own part, never who
    complained, never the lead unit's answer or another unit's part."""
    part = permissions.get_part_for_user_or_404(request.user, pk)
    return render(request, "complaints/dispatch/part_detail.html", _part_context(request, part))


PART_ACTIONS: dict[str, Action] = {
    "answer": Action(
        form=forms_dispatch.PartAnswerForm,
        allowed=permissions.can_answer_part,
        call=lambda r, p, d: cohandling.part_answer(part=p, actor=r.user, **d),
        done=gettext_noop("Your part has been answered; the lead unit and the officer see it."),
    ),
    "dispute": Action(
        form=forms_dispatch.DisputeForm,
        allowed=permissions.can_answer_part,
        call=lambda r, p, d: cohandling.part_dispute(part=p, actor=r.user, reason=d["reason"]),
        done=gettext_noop("Dispute sent to the officer."),
    ),
}


@login_required
@require_POST
def part_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in PART_ACTIONS:
        raise Http404
    part = permissions.get_part_for_user_or_404(request.user, pk)
    return perform(
        request,
        part,
        name=action,
        actions=PART_ACTIONS,
        success_url=reverse("complaints:part", args=[part.pk]),
        refused=lambda r, p, extra: render(
            r, "complaints/dispatch/part_detail.html", _part_context(r, p, **extra)
        ),
    )


@login_required
@require_GET
def part_list(request: HttpRequest) -> HttpResponse:
    """协办事项: the parts of the units the user acts for, open ones first by deadline."""
    page = Paginator(selectors_dispatch.parts_for_cohandler(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request, "complaints/dispatch/part_list.html", {"page": page, "today": timezone.localdate()}
    )


# --- 派单异议 (officers) -------------------------------------------------------------------


@login_required
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    """Pending disputes, the oldest decision due first; past due ones are marked overdue."""
    permissions.require_handler(request.user)
    page = Paginator(selectors_dispatch.disputes_to_decide(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    overdue = selectors_dispatch.overdue_parts(user=request.user)
    return render(
        request,
        "complaints/dispatch/dispute_list.html",
        {"page": page, "overdue_parts": overdue[:50], "today": timezone.localdate()},
    )


# --- 派单目录 (officers) -------------------------------------------------------------------


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    permissions.require_handler(request.user)
    retired = request.GET.get("retired") == "1"
    page = Paginator(
        selectors_dispatch.catalogue(user=request.user, include_retired=retired), 50
    ).get_page(request.GET.get("page"))
    return render(request, "complaints/dispatch/rule_list.html", {"page": page, "retired": retired})


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    permissions.require_handler(request.user)
    form = forms_dispatch.RuleForm(request.POST or None, **_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            rule = dispatch.rule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            return redirect("complaints:rule", pk=rule.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/dispatch/rule_form.html", {"form": form}, status=status)


def _rule_context(request: HttpRequest, rule: DispatchRule, **extra: Any) -> dict[str, Any]:
    editable = rule.status == DispatchRule.Status.ACTIVE and permissions.can_edit_rule(
        request.user, rule
    )
    context: dict[str, Any] = {
        "rule": rule,
        "history": list(rule.transitions.select_related("actor").order_by("-created_at", "-pk")),
        "editable": editable,
    }
    if editable:
        context["form"] = forms_dispatch.RuleForm(
            initial={
                "category": rule.category_id,
                "area": rule.area_id,
                "unit": rule.unit_id,
                "note": rule.note,
            },
            **_units(request),
        )
        context["retire_form"] = forms.RequiredCommentForm(auto_id="retire_%s")
    return {**context, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry, its history (who changed what, when) and, while in force, its edit form."""
    rule = permissions.get_rule_for_user_or_404(request.user, pk)
    if request.method == "POST":
        permissions.require_edit_rule(request.user, rule)
        form = forms_dispatch.RuleForm(request.POST, **_units(request))
        if form.is_valid():
            try:
                dispatch.rule_update(rule=rule, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                return redirect("complaints:rule", pk=rule.pk)
        return render(
            request,
            "complaints/dispatch/rule_detail.html",
            _rule_context(request, rule, form=form),
            status=400,
        )
    return render(request, "complaints/dispatch/rule_detail.html", _rule_context(request, rule))


RULE_ACTIONS: dict[str, Action] = {
    "retire": Action(
        form=forms.RequiredCommentForm,
        allowed=permissions.can_edit_rule,
        call=lambda r, rule, d: dispatch.rule_retire(rule=rule, actor=r.user, reason=d["comment"]),
        done=gettext_noop("Catalogue entry retired."),
    ),
}


@login_required
@require_POST
def rule_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in RULE_ACTIONS:
        raise Http404
    rule = permissions.get_rule_for_user_or_404(request.user, pk)
    return perform(
        request,
        rule,
        name=action,
        actions=RULE_ACTIONS,
        success_url=reverse("complaints:rule", args=[rule.pk]),
        refused=lambda r, obj, extra: render(
            r, "complaints/dispatch/rule_detail.html", _rule_context(r, obj, **extra)
        ),
    )
