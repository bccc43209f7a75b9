"""The mass survey's pages: management, codes, the raters' voting pages, feedback."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited

from assessments import conf, excel, permissions, selectors, services
from assessments.forms import TokenForm
from assessments.models import Survey
from assessments.survey_sets import Sets, survey_sets
from units.actions import Action, error_text, perform
from units.page_cookies import PageCookie
from units.paging import ExactIdsFirstPaginator


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
            "unit_groups": selectors.survey_units_by_group(survey=survey),
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


@login_required
@require_POST
def survey_supervisor_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue every supervisor in office a code in the survey's supervisors' category."""
    survey = permissions.get_survey_for_user_or_404(request.user, pk)
    permissions.require(permissions.can_manage_surveys(request.user))
    try:
        count = services.supervisor_codes_issue(survey=survey, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("%(count)s supervisors were given a rating code; they find it on their workspace.")
            % {"count": count},
        )
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


# --- The raters' pages ----------------------------------------------------------------------
#
# One unit per page (a phone shows eight questions and three choices without scrolling far),
# answers kept in the session until the final submit files them all at once with the code
# (one vote per code, as on paper). Nothing is written to the survey's tables before that,
# and the draft leaves the session when the vote is recorded.

REVIEW = "review"


class TooManyVotes(services.SurveyRefused):
    """Open mode: this address has sent its share of answers for now (answered with 429)."""


class Draft:
    """The rater's answers so far, in the session: {unit: {dimension: choice}}, comments,
    and the units they chose to skip."""

    def __init__(self, request: HttpRequest, survey: Survey, owner: str) -> None:
        self.request = request
        self.key = f"survey-draft:{survey.pk}:{owner}"
        data = request.session.get(self.key) or {}
        self.ratings: dict[int, dict[int, int]] = {
            int(u): {int(d): int(o) for d, o in answers.items()}
            for u, answers in (data.get("r") or {}).items()
        }
        self.comments: dict[int, str] = {int(u): c for u, c in (data.get("c") or {}).items()}
        self.skipped: set[int] = {int(u) for u in data.get("s") or []}

    def put(self, unit_id: int, answers: dict[int, int], comment: str, save: bool = True) -> None:
        self.ratings[unit_id] = answers
        self.comments[unit_id] = comment
        self.skipped.discard(unit_id)
        if save:
            self._save()

    def skip(self, unit_id: int) -> None:
        self.ratings.pop(unit_id, None)
        self.comments.pop(unit_id, None)
        self.skipped.add(unit_id)
        self._save()

    def save(self) -> None:
        self._save()

    def _save(self) -> None:
        self.request.session[self.key] = {
            "r": {str(u): {str(d): o for d, o in a.items()} for u, a in self.ratings.items()},
            "c": {str(u): c for u, c in self.comments.items() if c},
            "s": sorted(self.skipped),
        }

    def discard(self) -> None:
        """Forget the draft; an emptied session is deleted outright, not left as it was
        (Django saves no empty session, so its row would keep the last draft)."""
        session = self.request.session
        if self.key in session:
            del session[self.key]
            if not session.keys():
                session.flush()

    def submission(self) -> tuple[dict[int, dict[int, int]], dict[int, str]]:
        ratings = {u: a for u, a in self.ratings.items() if a}
        return ratings, {u: self.comments[u] for u in ratings if self.comments.get(u)}


class Wizard:
    """What every page of one survey needs: its units in order, dimensions and scale."""

    # Each part is read when first needed: a vote sent in one request reads none of the
    # survey's units and pages (a province survey has 10 000 units), only the cached sets
    # its answers are checked against.

    def __init__(self, survey: Survey) -> None:
        self.survey = survey

    @cached_property
    def units(self) -> list[tuple[int, str]]:
        return list(self.survey.units.order_by("path").values_list("pk", "name"))

    @cached_property
    def dimensions(self) -> list[Any]:
        return list(self.survey.dimensions.all())

    @cached_property
    def scale(self) -> list[Any]:
        return list(self.survey.scale.all())

    @cached_property
    def _sets(self) -> Sets:
        return survey_sets(self.survey.pk)

    @property
    def dimension_pairs(self) -> list[tuple[int, str]]:
        return self._sets[1]

    @property
    def option_ids(self) -> frozenset[int]:
        return self._sets[2]

    def step_of(self, value: str | None) -> int | str:
        if value == REVIEW:
            return REVIEW
        try:
            step = int(value or 1)
        except ValueError:
            return 1
        return min(max(step, 1), len(self.units)) if self.units else REVIEW

    def step_for_unit(self, unit_id: int | None) -> int:
        for index, (pk, _name) in enumerate(self.units, start=1):
            if pk == unit_id:
                return index
        return 1

    def answers_from_post(self, request: HttpRequest, unit_id: int) -> tuple[dict[int, int], str]:
        """This unit's answers as posted (choices the survey does not offer are refused)."""
        answers: dict[int, int] = {}
        for dimension_id, _name in self.dimension_pairs:
            value = request.POST.get(f"r_{unit_id}_{dimension_id}", "")
            if not value:
                continue
            try:
                option = int(value)
            except ValueError:
                raise services.SurveyRefused(
                    _("The answers could not be read; please try again.")
                ) from None
            if option not in self.option_ids:
                raise services.SurveyRefused(_("The answers could not be read; please try again."))
            answers[dimension_id] = option
        return answers, request.POST.get(f"c_{unit_id}", "")[:2000].strip()

    def all_from_post(self, request: HttpRequest) -> dict[int, tuple[dict[int, int], str]]:
        """Every unit posted at once (a one-page submission, e.g. a form without steps)."""
        posted = {
            int(key.split("_")[1])
            for key in request.POST
            if key.startswith(("r_", "c_")) and key.split("_")[1].isdigit()
        }
        # Units the survey does not cover are left out, as the pages would never post them.
        covered = self._sets[0]
        return {pk: self.answers_from_post(request, pk) for pk in sorted(posted) if pk in covered}

    def missing_message(self, unit_id: int, answers: dict[int, int]) -> str | None:
        missing = services.first_missing_dimension(self.dimension_pairs, answers)
        if missing is None:
            return None
        name = dict(self.units).get(unit_id, "")
        return services.missing_answer_message(name, missing[1])

    def unit_states(self, draft: Draft) -> list[dict[str, Any]]:
        states = []
        for index, (pk, name) in enumerate(self.units, start=1):
            answers = draft.ratings.get(pk) or {}
            if pk in draft.skipped:
                state = "skipped"
            elif not answers:
                state = "blank"
            elif len(answers) < len(self.dimension_pairs):
                state = "partial"
            else:
                state = "done"
            states.append({"step": index, "pk": pk, "name": name, "state": state})
        return states


def _wizard(
    request: HttpRequest,
    survey: Survey,
    *,
    draft: Draft,
    submit: Any,
    context: dict[str, Any],
) -> HttpResponse:
    """Show a unit's page or the review page; keep answers; file everything at the end."""
    wizard = Wizard(survey)

    def page(step: int | str, error: str = "", status: int = 200, missing: int | None = None):
        base = {**context, "survey": survey, "action": request.path, "total": len(wizard.units)}
        states = wizard.unit_states(draft)
        done = sum(1 for s in states if s["state"] in ("done", "skipped"))
        extra: dict[str, Any] = {
            "error": error,
            "done": done,
            "percent": round(100 * done / len(states)) if states else 100,
        }
        if step == REVIEW:
            extra.update(
                states=states,
                rated=sum(1 for s in states if s["state"] == "done"),
                unrated=sum(1 for s in states if s["state"] in ("blank", "partial")),
            )
            return render(
                request, "assessments/survey_review.html", {**base, **extra}, status=status
            )
        assert isinstance(step, int)
        unit_id, unit_name = wizard.units[step - 1]
        extra.update(
            step=step,
            unit_id=unit_id,
            unit_name=unit_name,
            is_last=step == len(wizard.units),
            missing_id=missing,
            skipped=unit_id in draft.skipped,
            comment=draft.comments.get(unit_id, ""),
            questions=[
                {
                    "dimension": d,
                    "chosen": (draft.ratings.get(unit_id) or {}).get(d.pk),
                    "missing": d.pk == missing,
                }
                for d in wizard.dimensions
            ],
            scale=wizard.scale,
        )
        return render(request, "assessments/survey_vote.html", {**base, **extra}, status=status)

    def go_to(step: int | str) -> HttpResponse:
        return redirect(f"{request.path}?step={step}", permanent=False)

    def refused(exc: services.SurveyRefused) -> HttpResponse:
        if exc.unit_id is not None:
            step = wizard.step_for_unit(exc.unit_id)
            answers = draft.ratings.get(exc.unit_id) or {}
            missing = services.first_missing_dimension(wizard.dimension_pairs, answers)
            return page(step, str(exc), 400, missing[0] if missing else None)
        return page(REVIEW, str(exc), 429 if isinstance(exc, TooManyVotes) else 400)

    if request.method != "POST":
        return page(wizard.step_of(request.GET.get("step")))

    try:
        if "step" not in request.POST:
            # Everything in one request (no pages): filed at once; kept only if refused.
            for unit_id, (answers, comment) in wizard.all_from_post(request).items():
                draft.put(unit_id, answers, comment, save=False)
            try:
                return _file(request, survey, draft, submit)
            except services.SurveyRefused:
                draft.save()
                raise
        step = wizard.step_of(request.POST.get("step"))
        go = request.POST.get("go", "next")
        if step != REVIEW:
            assert isinstance(step, int)
            unit_id = wizard.units[step - 1][0]
            answers, comment = wizard.answers_from_post(request, unit_id)
            if go == "skip":
                draft.skip(unit_id)
                return go_to(step + 1 if step < len(wizard.units) else REVIEW)
            draft.put(unit_id, answers, comment)
            if go == "prev":
                return go_to(max(step - 1, 1))
            if go == REVIEW:
                return go_to(REVIEW)
            message = wizard.missing_message(unit_id, answers)
            if message:
                missing = services.first_missing_dimension(wizard.dimension_pairs, answers)
                return page(step, message, 400, missing[0] if missing else None)
            return go_to(step + 1 if step < len(wizard.units) else REVIEW)
        if go != "submit":
            return go_to(REVIEW)
        return _file(request, survey, draft, submit)
    except services.SurveyRefused as exc:
        return refused(exc)


# Says only that this browser voted in this survey: no code, no answers, no time.
VOTED = PageCookie(name="zf_voted", salt="assessments.voted", seconds=86400)


def _file(request: HttpRequest, survey: Survey, draft: Draft, submit: Any) -> HttpResponse:
    """The final submit: every unit of the draft in one vote; the draft is then forgotten.

    The thanks come on a page of their own (post, redirect, get): reloading it, or coming
    back to it, shows the thanks again instead of asking the browser to send the vote a
    second time (which the used code would refuse)."""
    ratings, comments = draft.submission()
    submit(ratings, comments)
    draft.discard()
    thanks = reverse("assessments:survey_thanks", args=[survey.pk])
    response = redirect(thanks)
    VOTED.keep(response, str(survey.pk), path=thanks)
    return response


@require_GET
def survey_thanks(request: HttpRequest, survey_pk: int) -> HttpResponse:
    """After a vote (the mark `_file` left for this survey's page); without it the page
    says nothing of the survey (404)."""
    voted = VOTED.read(request)
    survey = Survey.objects.filter(pk=survey_pk).first() if voted == str(survey_pk) else None
    if survey is None:
        return _refusal(
            request,
            _("This page thanks a rater after a vote. Open the link on your slip to vote."),
            404,
        )
    response = render(request, "assessments/survey_thanks.html", {"survey": survey})
    response["Cache-Control"] = "no-store"
    return response


def _refusal(request: HttpRequest, message: str, status: int, survey: Survey | None = None):
    return render(
        request,
        "assessments/survey_refused.html",
        {"message": message, "survey": survey},
        status=status,
    )


def _closed(request: HttpRequest, survey: Survey) -> HttpResponse:
    """Not started (409) or ended (410 Gone): a state of the survey, not a refused access,
    so not a 403 (the security log records those, with the path, and the path has the code)."""
    status = 409 if survey.status == Survey.Status.DRAFT else 410
    return _refusal(request, services.closed_survey_message(survey), status, survey)


def _code_rate() -> str:
    return str(getattr(settings, "ASSESSMENTS_CODE_VOTE_RATE", "300/h"))


@require_http_methods(["GET", "POST"])
def survey_vote(request: HttpRequest, survey_pk: int, code: str) -> HttpResponse:
    """The public, mobile-friendly pages a rater opens from the link on the code slip."""
    # Only unknown codes count against an address: a meeting room voting through one
    # address opens dozens of pages each, but guessing codes ends here.
    limit = {"group": "assessments.code_vote", "key": "ip", "rate": _code_rate(), "method": ALL}
    if is_ratelimited(request, increment=False, **limit):
        raise Ratelimited()
    # The code with its survey in one query; another survey's code, or none, reads the page's.
    token = selectors.survey_code(code=code.strip().upper())
    if token is not None and token.survey_id == survey_pk:
        survey: Survey | None = token.survey
    else:
        survey = Survey.objects.select_related("scheme").filter(pk=survey_pk).first()
    if survey is None or token is None:
        if is_ratelimited(request, increment=True, **limit):
            raise Ratelimited()
        return _refusal(
            request,
            _("This rating code is not valid. Check the link or the code on your slip."),
            404,
        )
    draft = Draft(request, survey, token.code)
    if token.survey_id != survey.pk:
        return _refusal(request, _("This rating code belongs to another survey."), 400)
    if token.used:
        draft.discard()
        return _refusal(
            request, _("This rating code has already been used. Each code votes once."), 409, survey
        )
    if not survey.is_open:
        draft.discard()
        return _closed(request, survey)

    def submit(ratings: dict[int, dict[int, int]], comments: dict[int, str]) -> None:
        services.survey_submit(
            survey_id=survey.pk, code=token.code, ratings=ratings, comments=comments
        )

    return _wizard(request, survey, draft=draft, submit=submit, context={"token": token})


@require_http_methods(["GET", "POST"])
def survey_open_vote(request: HttpRequest, survey_pk: int) -> HttpResponse:
    """Open public mode: no code, rate-limited per address, reported separately."""
    survey = Survey.objects.select_related("scheme").filter(pk=survey_pk, open_mode=True).first()
    if survey is None or survey.status == Survey.Status.DRAFT:
        return _refusal(
            request, _("This survey does not accept answers without a rating code."), 404
        )
    draft = Draft(request, survey, "open")
    if not survey.is_open:
        draft.discard()
        return _closed(request, survey)

    def submit(ratings: dict[int, dict[int, int]], comments: dict[int, str]) -> None:
        # Only the final submit counts against the address, not each page.
        if is_ratelimited(
            request,
            group="assessments.open_vote",
            key="ip",
            rate=conf.open_vote_rate(),
            method="POST",
            increment=True,
        ):
            raise TooManyVotes(_("Too many answers from this network. Please try again later."))
        services.survey_submit_open(survey_id=survey.pk, ratings=ratings, comments=comments)

    return _wizard(request, survey, draft=draft, submit=submit, context={"open_mode": True})


@login_required
@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    page = ExactIdsFirstPaginator(selectors.feedback_for(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/feedback_list.html", {"page": page})
