"""The mass survey's pages: management, codes, the raters' voting pages, feedback."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from assessments import conf, excel, permissions, selectors, services
from assessments.forms import TokenForm
from assessments.models import RaterToken, Survey
from units.actions import Action, error_text, perform


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
        messages.error(request, error_text(exc))
        return redirect("assessments:scheme_detail", pk)
    return redirect("assessments:survey_detail", survey.pk)


def _survey_page(
    request: HttpRequest, survey: Survey, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        "assessments/survey_detail.html",
        {
            "survey": survey,
            "tallies": selectors.survey_tallies(survey=survey),
            "token_form": TokenForm(survey=survey),
            "can_manage": permissions.can_manage_surveys(request.user),
            "units": survey.units.order_by("path"),
            **(extra or {}),
        },
    )


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    return _survey_page(request, survey)


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
            messages.error(request, error_text(exc))
    else:
        messages.error(request, _("Choose a rater category and a number between 1 and 50,000."))
    return redirect("assessments:survey_detail", pk)


def _may_manage(user: Any, survey: Survey) -> bool:
    return permissions.can_manage_surveys(user)


# Open and close a survey: the page's moves, run by units.actions.perform.
SURVEY_ACTIONS: dict[str, Action] = {
    Survey.Status.OPEN.value: Action(
        form=None,
        allowed=_may_manage,
        call=lambda request, survey, data: services.survey_open(survey=survey, actor=request.user),
        done=gettext_noop("The survey is open for rating."),
    ),
    Survey.Status.CLOSED.value: Action(
        form=None,
        allowed=_may_manage,
        call=lambda request, survey, data: services.survey_close(survey=survey, actor=request.user),
        done=gettext_noop("The survey is closed."),
    ),
}


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_surveys(request.user))
    target = request.POST.get("target", "")
    if target not in SURVEY_ACTIONS:
        text = _("Unknown action.")
        messages.error(request, text)
        response = _survey_page(request, survey, {"error": text})
        response.status_code = 400
        return response
    return perform(
        request,
        survey,
        name=target,
        actions=SURVEY_ACTIONS,
        success_url=reverse("assessments:survey_detail", args=[survey.pk]),
        refused=_survey_page,
    )


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
