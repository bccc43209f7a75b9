"""Scheme pages: the list, copy and new, the scheme page and its moves (start, compute,
publish, remove an indicator or a rule while it is a draft)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from assessments import permissions, rule_kinds, selectors, services
from assessments.forms import CopySchemeForm, IndicatorChoiceForm, PublishForm, RuleChoiceForm
from assessments.models import AssessmentScheme
from units.actions import Action, error_text, perform


@login_required
@require_GET
def scheme_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (permissions.can_view_dashboard(user) or permissions.can_manage_schemes(user)):
        return redirect("assessments:my_results")
    schemes = selectors.schemes_visible_to(user=user)
    return render(
        request,
        "assessments/scheme_list.html",
        {
            "schemes": schemes,
            "copy_form": CopySchemeForm(),
            "can_manage": permissions.can_manage_schemes(user),
        },
    )


@login_required
@require_POST
def scheme_copy(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_manage_schemes(request.user))
    form = CopySchemeForm(request.POST)
    if form.is_valid():
        try:
            scheme = services.scheme_copy_last_year(
                year=form.cleaned_data["year"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The scheme was copied from the previous year."))
            return redirect("assessments:scheme_detail", scheme.pk)
    else:
        messages.error(request, _("Enter a valid year."))
    return redirect("assessments:scheme_list")


@login_required
@require_POST
def scheme_new(request: HttpRequest) -> HttpResponse:
    """A new draft scheme for a year with the usual indicators and rules, to adjust."""
    permissions.require(permissions.can_manage_schemes(request.user))
    form = CopySchemeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid year."))
        return redirect("assessments:scheme_list")
    try:
        scheme = services.scheme_create_with_defaults(
            year=form.cleaned_data["year"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("assessments:scheme_list")
    messages.success(request, _("The scheme was created with the usual indicators and rules."))
    return redirect("assessments:scheme_detail", scheme.pk)


@login_required
def _scheme_page(
    request: HttpRequest, scheme: AssessmentScheme, extra: dict[str, Any] | None = None
) -> HttpResponse:
    rules = list(scheme.adjustment_rules.all())
    for rule in rules:
        rule.parameter_display = rule_kinds.parameter_label(  # type: ignore[attr-defined]
            kind=rule.kind, value=rule.parameter
        )
    return render(
        request,
        "assessments/scheme_detail.html",
        {
            "scheme": scheme,
            "indicators": scheme.indicators.all(),
            "grade_rules": scheme.grade_rules.all(),
            "recognition_rules": scheme.recognition_rules.all(),
            "rules": rules,
            "surveys": scheme.surveys.all(),
            "progress": services.scoring_progress(scheme=scheme),
            "publish_form": PublishForm(initial={"public": scheme.public_results}),
            "can_manage": permissions.can_manage_schemes(request.user),
            # Indicators and rules go only before the assessment starts.
            "removable": permissions.can_manage_schemes(request.user)
            and scheme.status == AssessmentScheme.Status.DRAFT,
            "can_run": permissions.can_run_scoring(request.user),
            "can_publish": permissions.can_publish_results(request.user),
            "acting": selectors.results_act_summary(scheme=scheme),
            **(extra or {}),
        },
    )


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    return _scheme_page(request, scheme)


@login_required
@require_GET
def scheme_progress(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    # state: the stored one, or interrupted / stalled by the run's heartbeat (read now).
    return JsonResponse({"error": scheme.scoring_error, **services.scoring_progress(scheme=scheme)})


def _manages(user: Any, scheme: AssessmentScheme) -> bool:
    return permissions.can_manage_schemes(user)


def _runs(user: Any, scheme: AssessmentScheme) -> bool:
    return permissions.can_run_scoring(user)


def _publishes(user: Any, scheme: AssessmentScheme) -> bool:
    return permissions.can_publish_results(user)


def _of_scheme(request: HttpRequest, scheme: AssessmentScheme) -> dict[str, Any]:
    return {"scheme": scheme}


# The scheme page's moves, run by units.actions.perform: a refused move answers 400 with
# the page and a Chinese message, an allowed one redirects to the page.
SCHEME_ACTIONS = {
    "open": Action(
        form=None,
        allowed=_manages,
        call=lambda request, scheme, data: services.scheme_open(scheme=scheme, actor=request.user),
        done=gettext_noop("The assessment is now in progress."),
    ),
    "compute": Action(
        form=None,
        allowed=_runs,
        call=lambda request, scheme, data: services.scheme_request_scoring(
            scheme=scheme, actor=request.user
        ),
        done=gettext_noop("Scoring has been queued; progress is shown below."),
    ),
    "publish": Action(
        form=PublishForm,
        allowed=_publishes,
        call=lambda request, scheme, data: services.scheme_publish(
            scheme=scheme, actor=request.user, public=data.get("public", False)
        ),
        done=gettext_noop("The results are published."),
    ),
    "remove_indicator": Action(
        form=IndicatorChoiceForm,
        allowed=_manages,
        call=lambda request, scheme, data: services.scheme_indicator_remove(
            indicator=data["indicator"], actor=request.user
        ),
        done=gettext_noop("The indicator was removed."),
        form_kwargs=_of_scheme,
    ),
    "remove_rule": Action(
        form=RuleChoiceForm,
        allowed=_manages,
        call=lambda request, scheme, data: services.scheme_rule_remove(
            rule=data["rule"], actor=request.user
        ),
        done=gettext_noop("The adjustment rule was removed."),
        form_kwargs=_of_scheme,
    ),
}


@login_required
@require_POST
def scheme_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one of the scheme page's moves (SCHEME_ACTIONS)."""
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    return perform(
        request,
        scheme,
        name=action,
        actions=SCHEME_ACTIONS,
        success_url=reverse("assessments:scheme_detail", args=[scheme.pk]),
        refused=_scheme_page,
    )


@login_required
@require_POST
def scheme_open(request: HttpRequest, pk: int) -> HttpResponse:
    return scheme_act(request, pk, "open")


@login_required
@require_POST
def scheme_compute(request: HttpRequest, pk: int) -> HttpResponse:
    return scheme_act(request, pk, "compute")


@login_required
@require_POST
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return scheme_act(request, pk, "publish")
