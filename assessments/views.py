"""Thin views: fetch through permissions, validate a form, call one service."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from assessments import conf, excel, permissions, selectors, services
from assessments.forms import CopySchemeForm, ImportForm, PublishForm, TokenForm
from assessments.models import (
    AssessmentScheme,
    Component,
    Evaluation,
    EvaluationAssignment,
    Grade,
    RaterToken,
    Survey,
)
from units.models import AssessmentGroup, Unit
from units.transitions import InvalidTransition


def _error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


# --- Schemes and the dashboard ---------------------------------------------------------


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
            messages.error(request, _error_text(exc))
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
        messages.error(request, _error_text(exc))
        return redirect("assessments:scheme_list")
    messages.success(request, _("The scheme was created with the usual indicators and rules."))
    return redirect("assessments:scheme_detail", scheme.pk)


@login_required
@require_POST
def survey_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft survey of the scheme's units with the usual categories, dimensions and scale."""
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_surveys(request.user))
    try:
        survey = services.survey_create_for_scheme(
            scheme=scheme, actor=request.user, open_mode=bool(request.POST.get("open_mode"))
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessments:scheme_detail", pk)
    return redirect("assessments:survey_detail", survey.pk)


@login_required
@require_GET
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    return render(
        request,
        "assessments/scheme_detail.html",
        {
            "scheme": scheme,
            "indicators": scheme.indicators.all(),
            "grade_rules": scheme.grade_rules.all(),
            "recognition_rules": scheme.recognition_rules.all(),
            "rules": scheme.adjustment_rules.all(),
            "surveys": scheme.surveys.all(),
            "progress": services.scoring_progress(scheme=scheme),
            "publish_form": PublishForm(initial={"public": scheme.public_results}),
            "can_manage": permissions.can_manage_schemes(request.user),
            "can_run": permissions.can_run_scoring(request.user),
            "can_publish": permissions.can_publish_results(request.user),
        },
    )


@login_required
@require_GET
def scheme_progress(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    return JsonResponse(
        {
            "state": scheme.scoring_state,
            "state_label": scheme.get_scoring_state_display(),
            "error": scheme.scoring_error,
            **services.scoring_progress(scheme=scheme),
        }
    )


@login_required
@require_POST
def scheme_open(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_schemes(request.user))
    try:
        services.scheme_open(scheme=scheme, actor=request.user)
        messages.success(request, _("The assessment is now in progress."))
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect("assessments:scheme_detail", pk)


@login_required
@require_POST
def scheme_compute(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_run_scoring(request.user))
    try:
        services.scheme_request_scoring(scheme=scheme, actor=request.user)
        messages.info(request, _("Scoring has been queued; progress is shown below."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("assessments:scheme_detail", pk)


@login_required
@require_POST
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = permissions.get_scheme_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_publish_results(request.user))
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        services.scheme_publish(
            scheme=scheme, actor=request.user, public=form.cleaned_data.get("public", False)
        )
        messages.success(request, _("The results are published."))
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    return redirect("assessments:scheme_detail", pk)


DASHBOARD_PAGE = 50


def _dashboard_reader(request: HttpRequest, pk: int) -> AssessmentScheme:
    if not permissions.can_view_dashboard(request.user):
        raise Http404(_("Assessment scheme not found."))
    return permissions.get_scheme_for_user_or_404(request.user, pk)


@login_required
@require_GET
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _dashboard_reader(request, pk)
    group_id = request.GET.get("group")
    groups = list(
        AssessmentGroup.objects.filter(
            pk__in=scheme.results.order_by().values("group_id")
        ).order_by("sort_order", "name")
    )
    selected = next((g for g in groups if str(g.pk) == group_id), None)
    ranking = selectors.ranking(scheme=scheme, group_id=selected.pk if selected else None)
    # A province ranks thousands of units: the table pages, the figures cover the page.
    page = Paginator(ranking, DASHBOARD_PAGE).get_page(request.GET.get("page"))
    results = list(page.object_list)
    figures = selectors.line_figures(scheme=scheme, unit_ids=[r.unit_id for r in results])
    for r in results:
        r.figures = figures.get(r.unit_id, {})  # type: ignore[attr-defined]
    top = results[:30] if page.number == 1 else list(ranking[:30])
    grade_labels = dict(Grade.choices)
    distribution = {
        row["grade"]: row["count"] for row in selectors.grade_distribution(scheme=scheme)
    }
    charts = {
        "histogram": selectors.score_histogram(scheme=scheme),
        "grades": [
            {"name": str(grade_labels[g]), "value": distribution.get(g, 0)} for g in Grade.values
        ],
        "trend": [
            {"year": row["scheme__year"], "average": float(row["average"] or 0)}
            for row in selectors.year_trend()
        ],
        "ranking": [{"name": r.unit.display_name, "total": float(r.total)} for r in top],
    }
    return render(
        request,
        "assessments/dashboard.html",
        {
            "scheme": scheme,
            "results": results,
            "page": page,
            "groups": groups,
            "selected_group": selected,
            "summary": selectors.summary(scheme=scheme),
            "charts": charts,
            "schemes": AssessmentScheme.objects.filter(
                status__in=[AssessmentScheme.Status.COMPUTED, AssessmentScheme.Status.PUBLISHED]
            ),
        },
    )


@login_required
@require_GET
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _dashboard_reader(request, pk)
    data = excel.results_workbook(scheme=scheme, results=selectors.ranking(scheme=scheme))
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="results-{scheme.year}.xlsx"'
    return response


@login_required
@require_GET
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = permissions.get_result_for_user_or_404(request.user, pk)
    profile = selectors.dimension_profile(scheme=result.scheme, unit_id=result.unit_id)
    trend = selectors.year_trend(
        unit_id=result.unit_id, published_only=not permissions.can_view_dashboard(request.user)
    )
    return render(
        request,
        "assessments/result_detail.html",
        {
            "result": result,
            "scheme": result.scheme,
            "lines": selectors.result_lines(result=result),
            "rule_totals": selectors.result_rule_totals(result=result),
            "indicators": selectors.result_indicators(result=result),
            "profile": profile,
            "components": [
                (Component.SURVEY.label, result.survey_score, result.scheme.weight_survey),
                (Component.SPECIAL.label, result.special_score, result.scheme.weight_special),
                (
                    Component.ORGANISATIONAL.label,
                    result.organisational_score,
                    result.scheme.weight_organisational,
                ),
            ],
            "charts": {
                "profile": [
                    {
                        "name": row["dimension"],
                        "unit": float(row["unit"]) if row["unit"] is not None else None,
                        "average": float(row["average"]),
                    }
                    for row in profile
                ],
                "trend": [
                    {"year": row["scheme__year"], "total": float(row["total"])} for row in trend
                ],
                "labels": {"unit": result.unit.display_name, "average": _("Average of all units")},
            },
            "is_reader": permissions.can_view_dashboard(request.user),
        },
    )


@login_required
@require_GET
def my_results(request: HttpRequest) -> HttpResponse:
    """A unit head's own published results, each with the same explanation."""
    results = selectors.results_for_unit_head(user=request.user)
    return render(request, "assessments/my_results.html", {"results": results[:100]})


@require_GET
def public_results(request: HttpRequest, year: int | None = None) -> HttpResponse:
    years = selectors.public_years()
    if year is None and years:
        year = years[0]
    scheme, results = selectors.public_ranking(year=year or 0)
    if year is not None and scheme is None:
        raise Http404(_("No published rankings for that year."))
    return render(
        request,
        "assessments/public_results.html",
        {"scheme": scheme, "results": results, "years": years},
    )


# --- Surveys ---------------------------------------------------------------------------


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    return render(
        request,
        "assessments/survey_detail.html",
        {
            "survey": survey,
            "tallies": selectors.survey_tallies(survey=survey),
            "token_form": TokenForm(survey=survey),
            "can_manage": permissions.can_manage_surveys(request.user),
            "units": survey.units.order_by("path"),
        },
    )


@login_required
@require_POST
def survey_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_surveys(request.user))
    form = TokenForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            count = services.tokens_generate(
                survey=survey,
                category=form.cleaned_data["category"],
                count=form.cleaned_data["count"],
                actor=request.user,
            )
            messages.success(request, _("%(count)s rating codes generated.") % {"count": count})
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, _("Choose a rater category and a number between 1 and 50,000."))
    return redirect("assessments:survey_detail", pk)


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_surveys(request.user))
    target = request.POST.get("target")
    try:
        if target == Survey.Status.OPEN:
            services.survey_open(survey=survey, actor=request.user)
        elif target == Survey.Status.CLOSED:
            services.survey_close(survey=survey, actor=request.user)
        else:
            raise InvalidTransition(_("Unknown action."))
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    return redirect("assessments:survey_detail", pk)


@login_required
@require_GET
def survey_tokens_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_surveys(request.user))
    sample = request.build_absolute_uri(
        reverse("assessments:survey_vote", args=[survey.pk, "CODE"])
    )
    data = excel.tokens_workbook(survey=survey, link_prefix=sample.removesuffix("CODE/"))
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-codes.xlsx"'
    return response


def _ratings_from_post(
    request: HttpRequest, survey: Survey
) -> tuple[dict[int, dict[int, int]], dict[int, str]]:
    ratings: dict[int, dict[int, int]] = {}
    comments: dict[int, str] = {}
    for key, value in request.POST.items():
        parts = key.split("_")
        try:
            if parts[0] == "r" and len(parts) == 3 and value:
                ratings.setdefault(int(parts[1]), {})[int(parts[2])] = int(value)
            elif parts[0] == "c" and len(parts) == 2:
                comments[int(parts[1])] = value[:2000]
        except ValueError:
            raise services.SurveyRefused(
                _("The answers could not be read; please try again.")
            ) from None
    return ratings, comments


def _survey_form_context(survey: Survey) -> dict[str, Any]:
    return {
        "survey": survey,
        "units": list(survey.units.order_by("path")),
        "dimensions": list(survey.dimensions.all()),
        "scale": list(survey.scale.all()),
    }


@require_http_methods(["GET", "POST"])
@ratelimit(
    # A whole meeting room may vote through one address: generous, but it stops code guessing.
    key="ip",
    rate=lambda group, request: getattr(settings, "ASSESSMENTS_CODE_VOTE_RATE", "300/h"),
    method=ratelimit.ALL,
    block=True,
)
def survey_vote(request: HttpRequest, survey_pk: int, code: str) -> HttpResponse:
    """The public, mobile-friendly page a rater opens from the link on the code slip."""
    survey = Survey.objects.filter(pk=survey_pk).first()
    token = RaterToken.objects.filter(code=code.strip().upper()).select_related("category").first()
    refusal, status = None, 200
    if survey is None or token is None:
        refusal, status = (
            _("This rating code is not valid. Check the link or the code on your slip."),
            404,
        )
    elif token.survey_id != survey.pk:
        refusal, status = _("This rating code belongs to another survey."), 400
    elif token.used_at is not None:
        refusal, status = _("This rating code has already been used. Each code votes once."), 409
    elif not survey.is_open:
        refusal, status = _("This survey is not open for rating."), 403
    if refusal:
        return render(
            request, "assessments/survey_refused.html", {"message": refusal}, status=status
        )
    assert survey is not None and token is not None
    # Built only when the form is shown: a province survey lists thousands of units.
    context = {"token": token, "action": request.path}
    if request.method == "POST":
        try:
            ratings, comments = _ratings_from_post(request, survey)
            services.survey_submit(
                survey_id=survey.pk, code=code, ratings=ratings, comments=comments
            )
        except services.SurveyRefused as exc:
            context = {**_survey_form_context(survey), **context, "error": str(exc)}
            return render(request, "assessments/survey_vote.html", context, status=400)
        return render(request, "assessments/survey_thanks.html", {"survey": survey})
    context = {**_survey_form_context(survey), **context}
    return render(request, "assessments/survey_vote.html", context)


@require_http_methods(["GET", "POST"])
def survey_open_vote(request: HttpRequest, survey_pk: int) -> HttpResponse:
    """Open public mode: no code, rate-limited per address, reported separately."""
    survey = Survey.objects.filter(pk=survey_pk, open_mode=True, status=Survey.Status.OPEN).first()
    if survey is None:
        return render(
            request,
            "assessments/survey_refused.html",
            {"message": _("This survey does not accept answers without a rating code.")},
            status=404,
        )
    context = {**_survey_form_context(survey), "open_mode": True, "action": request.path}
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="assessments.open_vote",
            key="ip",
            rate=conf.open_vote_rate(),
            method="POST",
            increment=True,
        ):
            context["error"] = _("Too many answers from this network. Please try again later.")
            return render(request, "assessments/survey_vote.html", context, status=429)
        try:
            ratings, comments = _ratings_from_post(request, survey)
            services.survey_submit_open(survey_id=survey.pk, ratings=ratings, comments=comments)
        except services.SurveyRefused as exc:
            context["error"] = str(exc)
            return render(request, "assessments/survey_vote.html", context, status=400)
        return render(request, "assessments/survey_thanks.html", {"survey": survey})
    return render(request, "assessments/survey_vote.html", context)


@login_required
@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.feedback_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/feedback_list.html", {"page": page})


# --- Evaluations -----------------------------------------------------------------------


def _evaluator_scheme(request: HttpRequest, pk: int) -> AssessmentScheme:
    if not permissions.can_evaluate(request.user):
        raise Http404(_("Assessment scheme not found."))
    scheme = selectors.open_schemes_for_evaluator(user=request.user).filter(pk=pk).first()
    if scheme is None:
        raise Http404(_("Assessment scheme not found."))
    return scheme


def _assigned_unit(request: HttpRequest, scheme: AssessmentScheme, unit_pk: int) -> Unit:
    assignment = (
        EvaluationAssignment.objects.filter(
            scheme=scheme, evaluator_id=request.user.pk, unit_id=unit_pk
        )
        .select_related("unit")
        .first()
    )
    if assignment is None:
        raise Http404(_("Unit not found."))
    return assignment.unit


@login_required
@require_GET
def evaluation_home(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _evaluator_scheme(request, pk)
    return render(
        request,
        "assessments/evaluation_home.html",
        {"scheme": scheme, "rows": selectors.evaluator_units(scheme=scheme, user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_unit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Score one unit item by item."""
    scheme = _evaluator_scheme(request, pk)
    unit = _assigned_unit(request, scheme, unit_pk)
    indicators = list(scheme.indicators.order_by("component", "sort_order"))
    current = {
        e.indicator_id: e
        for e in Evaluation.objects.filter(scheme=scheme, unit=unit, evaluator_id=request.user.pk)
    }
    errors: list[str] = []
    if request.method == "POST":
        scores = []
        for indicator in indicators:
            raw = request.POST.get(f"score_{indicator.pk}", "").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
                if not value.is_finite():
                    raise ValueError
            except (ArithmeticError, ValueError):
                errors.append(_("“%(indicator)s”: enter a number.") % {"indicator": indicator.name})
                continue
            scores.append((unit, indicator, value, request.POST.get(f"comment_{indicator.pk}", "")))
        if not errors:
            try:
                services.evaluations_record(scheme=scheme, evaluator=request.user, scores=scores)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Scores saved for %(unit)s.") % {"unit": unit.name})
                return redirect("assessments:evaluation_home", scheme.pk)
    rows = [
        {
            "indicator": i,
            "value": request.POST.get(f"score_{i.pk}", "")
            if request.method == "POST"
            else (current[i.pk].score if i.pk in current else ""),
            "comment": request.POST.get(f"comment_{i.pk}", "")
            if request.method == "POST"
            else (current[i.pk].comment if i.pk in current else ""),
        }
        for i in indicators
    ]
    return render(
        request,
        "assessments/evaluation_unit.html",
        {"scheme": scheme, "unit": unit, "rows": rows, "errors": errors},
        status=400 if errors else 200,
    )


def _assigned_units(request: HttpRequest, scheme: AssessmentScheme) -> list[Unit]:
    return [row["unit"] for row in selectors.evaluator_units(scheme=scheme, user=request.user)]


@login_required
@require_GET
def evaluation_template(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = _evaluator_scheme(request, pk)
    data = excel.evaluation_template(scheme=scheme, units=_assigned_units(request, scheme))
    response = HttpResponse(data, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="evaluation-{scheme.year}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview with row errors → confirm: all rows saved, or none."""
    scheme = _evaluator_scheme(request, pk)
    signer = signing.Signer(salt=f"assessments.evaluation-import.{request.user.pk}.{scheme.pk}")
    context: dict[str, Any] = {"scheme": scheme, "form": ImportForm()}
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = json.loads(signer.unsign(request.POST.get("payload", "")))
            services.evaluations_record(
                scheme=scheme,
                evaluator=request.user,
                scores=[
                    (r["unit_id"], r["indicator_id"], Decimal(r["score"]), r["comment"])
                    for r in rows
                ],
            )
        except signing.BadSignature:
            raise PermissionDenied(_("The confirmation was tampered with.")) from None
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "assessments/evaluation_import.html", context, status=400)
        messages.success(request, _("%(count)s scores imported.") % {"count": len(rows)})
        return redirect("assessments:evaluation_home", scheme.pk)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, "assessments/evaluation_import.html", context, status=400)
        try:
            rows, errors = excel.parse_evaluations(
                scheme=scheme,
                units=_assigned_units(request, scheme),
                data=form.cleaned_data["file"].read(),
            )
        except ValidationError as exc:
            context["errors"] = exc.messages
            return render(request, "assessments/evaluation_import.html", context, status=400)
        context.update({"rows": rows, "errors": errors})
        if errors:
            return render(request, "assessments/evaluation_import.html", context, status=400)
        context["payload"] = signer.sign(json.dumps(rows))
    return render(request, "assessments/evaluation_import.html", context)
