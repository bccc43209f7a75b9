"""Every write to the mass survey: surveys, codes, votes (online and on paper), feedback.

Anonymised surveys keep nothing that links a code to its answers (see
`assessments.models.surveys.Survey`): a vote marks its code `used` (no time, no units) and
stores answers without the code, under random keys; comments reach the units when the survey
closes, not at the moment of the vote.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.defaults import (
    DEFAULT_CATEGORIES,
    DEFAULT_DIMENSIONS,
    DEFAULT_SCALE,
    SUPERVISOR_CATEGORY,
)
from assessments.models import (
    AssessmentScheme,
    RaterCategory,
    RaterToken,
    ScaleOption,
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyResponse,
    TokenUse,
)
from assessments.scoring import assessed_units
from units.models import Unit
from units.transitions import transition
from units.types import AnyUser


class SurveyRefused(Exception):
    """A vote that must not be recorded; the message is shown to the rater.

    `unit_id` names the unit whose answers are missing, so the page can go back to it.
    """

    def __init__(self, message: str, *, unit_id: int | None = None) -> None:
        super().__init__(message)
        self.unit_id = unit_id


def survey_create(
    *,
    scheme: AssessmentScheme,
    title: str,
    units: list[Unit] | Any,
    actor: AnyUser | None,
    anonymised: bool = True,
    open_mode: bool = False,
    categories: list[tuple[str, Decimal]] | None = None,
    dimensions: list[str] | None = None,
    scale: list[tuple[str, Decimal]] | None = None,
) -> Survey:
    """A draft survey with rater categories, the eight dimensions and the scale."""
    if actor is not None and not permissions.can_manage_surveys(actor):
        raise PermissionDenied(_("You may not manage surveys."))
    if scheme.is_frozen:
        raise ValidationError(_("The scheme is published and can no longer change."))
    with transaction.atomic():
        survey = Survey.objects.create(
            scheme=scheme,
            title=title.strip(),
            anonymised=anonymised,
            open_mode=open_mode,
        )
        survey.units.set(units)
        RaterCategory.objects.bulk_create(
            RaterCategory(
                survey=survey,
                name=name,
                weight=weight,
                sort_order=i,
                for_supervisors=name == SUPERVISOR_CATEGORY,
            )
            for i, (name, weight) in enumerate(categories or DEFAULT_CATEGORIES)
        )
        SurveyDimension.objects.bulk_create(
            SurveyDimension(survey=survey, name=name, sort_order=i)
            for i, name in enumerate(dimensions or DEFAULT_DIMENSIONS)
        )
        ScaleOption.objects.bulk_create(
            ScaleOption(survey=survey, label=label, value=value, sort_order=i)
            for i, (label, value) in enumerate(scale or DEFAULT_SCALE)
        )
    return survey


def survey_create_for_scheme(
    *, scheme: AssessmentScheme, actor: AnyUser | None, open_mode: bool = False
) -> Survey:
    """The year's mass survey of every unit the scheme assesses, with the usual settings."""
    return survey_create(
        scheme=scheme,
        title=_("%(year)s mass survey of work style") % {"year": scheme.year},
        units=list(assessed_units(scheme)),
        actor=actor,
        open_mode=open_mode,
    )


def _require_manage(actor: AnyUser | None) -> None:
    if actor is not None and not permissions.can_manage_surveys(actor):
        raise PermissionDenied(_("You may not manage surveys."))


def _not_after_publication(survey: Survey) -> None:
    if AssessmentScheme.objects.filter(
        pk=survey.scheme_id, status=AssessmentScheme.Status.PUBLISHED
    ).exists():
        raise ValidationError(
            _("The results of this assessment have been published; the survey stays closed.")
        )


def survey_open(*, survey: Survey, actor: AnyUser | None) -> Survey:
    """Open the survey for rating (again, after a pause), unless its results are published."""
    _require_manage(actor)
    return transition(survey, target=Survey.Status.OPEN, actor=actor, check=_not_after_publication)


def survey_close(*, survey: Survey, actor: AnyUser | None, comment: str = "") -> Survey:
    """Stop taking votes; an anonymised survey's comments go to the units now."""
    _require_manage(actor)
    return transition(
        survey,
        target=Survey.Status.CLOSED,
        actor=actor,
        comment=comment,
        after_commit=_forward_feedback_on_close,
    )


def surveys_close_for_scheme(*, scheme: AssessmentScheme, actor: AnyUser | None) -> int:
    """Close the scheme's open surveys (its results are being published), each with a record.

    Part of publishing: whoever may publish closes the surveys with it.
    """
    comment = _("Closed with the publication of the assessment results.")
    closed = 0
    with transaction.atomic():
        for survey in Survey.objects.filter(scheme=scheme, status=Survey.Status.OPEN):
            transition(
                survey,
                target=Survey.Status.CLOSED,
                actor=actor,
                comment=comment,
                after_commit=_forward_feedback_on_close,
            )
            closed += 1
    return closed


def anonymity_change_refusal(survey: Survey, anonymised: bool) -> str | None:
    """Why `anonymised` may not become this value now, or None if it may."""
    if survey.pk is None or survey.anonymised == anonymised or not survey.has_votes():
        return None
    return _(
        "This survey already has votes, so whether it is anonymised can no longer change: "
        "a link between codes and answers, once cut, cannot be restored."
    )


def survey_set_anonymised(*, survey: Survey, anonymised: bool, actor: AnyUser | None) -> Survey:
    """Turn anonymity on or off, only while nobody has voted."""
    _require_manage(actor)
    with transaction.atomic():
        row = Survey.objects.select_for_update().get(pk=survey.pk)
        refusal = anonymity_change_refusal(row, anonymised)
        if refusal:
            raise ValidationError(refusal)
        if row.anonymised != anonymised:
            row.anonymised = anonymised
            row.save(update_fields=["anonymised"])
    return row


def new_token_code() -> str:
    """80 random bits in Crockford base32 (no I, L, O, U: nothing to misread)."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    number = secrets.randbits(80)
    return "".join(alphabet[(number >> (5 * i)) & 31] for i in range(16))


def tokens_generate(
    *, survey: Survey, category: RaterCategory, count: int, actor: AnyUser | None
) -> int:
    """Create `count` one-time codes for a rater category in bulk."""
    if actor is not None and not permissions.can_manage_surveys(actor):
        raise PermissionDenied(_("You may not manage surveys."))
    if category.survey_id != survey.pk:
        raise ValidationError(_("The rater category belongs to another survey."))
    if not 1 <= count <= 50_000:
        raise ValidationError(_("Generate between 1 and 50,000 codes at a time."))
    now = timezone.now()
    with transaction.atomic():
        RaterToken.objects.bulk_create(
            (
                RaterToken(survey=survey, category=category, code=new_token_code(), created_at=now)
                for _ in range(count)
            ),
            batch_size=2000,
        )
    return count


# The survey's unit ids, its dimensions (pk, name) in order, its choice ids.
Sets = tuple[set[int], list[tuple[int, str]], set[int]]


def _survey_sets(survey: Survey, unit_ids: Iterable[int] | None = None) -> Sets:
    """The survey's units (only those among `unit_ids` if given), dimensions and choices."""
    units = survey.units.all() if unit_ids is None else survey.units.filter(pk__in=unit_ids)
    return (
        set(units.values_list("pk", flat=True)),
        list(survey.dimensions.order_by("sort_order", "pk").values_list("pk", "name")),
        set(survey.scale.values_list("pk", flat=True)),
    )


def missing_answer_message(unit_name: str, dimension_name: str) -> str:
    """县市场监管局：请选择“服务态度”的评价 — the unit and the question left out."""
    return _("%(unit)s: please choose a rating for “%(dimension)s”.") % {
        "unit": unit_name,
        "dimension": dimension_name,
    }


def first_missing_dimension(
    dimensions: list[tuple[int, str]], answers: dict[int, int]
) -> tuple[int, str] | None:
    """The first dimension (in the survey's order) without an answer, if any."""
    return next(((pk, name) for pk, name in dimensions if pk not in answers), None)


def _parse_ratings(
    survey: Survey, ratings: dict[int, dict[int, int]], sets: Sets | None = None
) -> dict[int, dict[int, int]]:
    """Every rated unit must be one the survey covers, with every dimension answered."""
    rated = {u: answers for u, answers in ratings.items() if answers}
    # One rater's handful of units, not the province's thousands, are looked up.
    unit_ids, dimensions, option_ids = sets or _survey_sets(survey, unit_ids=list(rated))
    if not rated:
        raise SurveyRefused(_("Rate at least one unit before submitting."))
    dimension_ids = {pk for pk, _name in dimensions}
    for unit_id, answers in rated.items():
        if unit_id not in unit_ids:
            raise SurveyRefused(_("This survey does not cover that unit."))
        if not set(answers) <= dimension_ids or not set(answers.values()) <= option_ids:
            raise SurveyRefused(_("The answers could not be read; please try again."))
        missing = first_missing_dimension(dimensions, answers)
        if missing is not None:
            name = Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
            raise SurveyRefused(missing_answer_message(name, missing[1]), unit_id=unit_id)
    return rated


def _unit_recipients(unit_ids: Iterable[int]) -> dict[int, list[Any]]:
    """Each unit's responsible people with a login, who read its feedback."""
    from django.contrib.auth import get_user_model

    from units.models import Responsibility

    roles = [
        Responsibility.Role.FIRST_RESPONSIBLE,
        Responsibility.Role.PRINCIPAL,
        Responsibility.Role.LIAISON,
    ]
    people = Responsibility.objects.current().filter(
        unit_id__in=list(unit_ids), role__in=roles, person__user__isnull=False
    )
    by_unit: dict[int, list[int]] = {}
    for unit_id, user_id in people.values_list("unit_id", "person__user_id"):
        by_unit.setdefault(unit_id, []).append(user_id)
    users = get_user_model().objects.in_bulk([u for ids in by_unit.values() for u in ids])
    return {unit_id: [users[u] for u in ids if u in users] for unit_id, ids in by_unit.items()}


def _route_comments(survey: Survey, comments: dict[int, str]) -> None:
    """意见建议 go to the unit's responsible people as feedback (never who wrote them).

    Named surveys and open mode only: a notice stamped with the moment of an anonymised
    vote would date its answers to the minute (see _forward_feedback_on_close).
    """
    from units.services import notification_send

    wanted = {unit_id: text.strip() for unit_id, text in comments.items() if text.strip()}
    if not wanted:
        return
    recipients = _unit_recipients(wanted)
    stamp = secrets.token_hex(6)
    for unit_id, text in wanted.items():
        notification_send(
            recipients=recipients.get(unit_id, []),
            kind="info",
            title=_("Feedback from the mass survey “%(survey)s”") % {"survey": survey.title},
            body=text[:2000],
            url=reverse("assessments:feedback_list"),
            object_key=f"survey-feedback:{survey.pk}:{unit_id}:{stamp}",
            email=False,
        )


def _forward_feedback_on_close(survey: Survey) -> None:
    """An anonymised survey's comments, counted per unit, reach the units when it closes.

    Once per unit and count: closing again after more comments sends the new total.
    """
    from django.db.models import Count

    from units.services import notification_send

    if not survey.anonymised:
        return
    counts = dict(
        SurveyResponse.objects.filter(survey=survey, is_open=False)
        .exclude(comment="")
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    recipients = _unit_recipients(counts)
    for unit_id, count in counts.items():
        notification_send(
            recipients=recipients.get(unit_id, []),
            kind="info",
            title=_("Feedback from the mass survey “%(survey)s”") % {"survey": survey.title},
            body=_("The survey has closed with %(count)s comments and suggestions about your unit.")
            % {"count": count},
            url=reverse("assessments:feedback_list"),
            object_key=f"survey-feedback:{survey.pk}:{unit_id}:closed:{count}",
            email=False,
        )


def _lock_for_vote(survey: Survey) -> None:
    """Re-read the survey's status and anonymity under a shared lock, onto `survey`.

    On PostgreSQL FOR SHARE: votes do not wait for each other, but closing the survey or
    changing its settings waits for the votes in flight, and a vote after that reads the
    new state (no vote slips in after a close, none is filed under the old anonymity).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, anonymised FROM assessments_survey WHERE id = %s FOR SHARE",
                [survey.pk],
            )
            row = cursor.fetchone()
    else:
        row = Survey.objects.filter(pk=survey.pk).values_list("status", "anonymised").first()
    if row is not None:
        survey.status, survey.anonymised = row


def closed_survey_message(survey: Survey) -> str:
    """What a rater reads when the survey takes no votes (not started, closed, published)."""
    if survey.status == Survey.Status.DRAFT:
        return _("This survey has not started yet. Please come back when it opens.")
    if survey.scheme.is_frozen:
        return _(
            "This survey has ended: the results of the assessment have been published, "
            "so no more votes are taken. Thank you for your attention."
        )
    return _("This survey has ended and no longer takes votes. Thank you for your attention.")


def survey_submit(
    *,
    survey_id: int,
    code: str,
    ratings: dict[int, dict[int, int]],
    comments: dict[int, str] | None = None,
) -> int:
    """Record one rater's vote with a one-time code; refuses used, forged or foreign codes.

    The code is claimed with a conditional UPDATE on its row lock, so two simultaneous
    submissions with one code record one vote. In an anonymised survey the claim is all
    that is kept of the code: no time, no units, no link from the answers.
    """
    comments = comments or {}
    with transaction.atomic():
        # The survey comes with the locked code: one round trip fewer per vote.
        token = (
            RaterToken.objects.select_for_update(of=("self",))
            .select_related("survey", "survey__scheme")
            .filter(code=code.strip().upper())
            .first()
        )
        if token is None:
            raise SurveyRefused(
                _("This rating code is not valid. Check the link or the code on your slip.")
            )
        if token.survey_id != survey_id:
            raise SurveyRefused(_("This rating code belongs to another survey."))
        survey = token.survey
        _lock_for_vote(survey)
        if not survey.is_open:
            raise SurveyRefused(closed_survey_message(survey))
        if token.used:
            raise SurveyRefused(_("This rating code has already been used. Each code votes once."))
        rated = _parse_ratings(survey, ratings)
        claim: dict[str, Any] = {"used": True}
        if not survey.anonymised:
            claim["used_at"] = timezone.now()
        claimed = RaterToken.objects.filter(pk=token.pk, used=False).update(**claim)
        if not claimed:
            raise SurveyRefused(_("This rating code has already been used. Each code votes once."))
        if not survey.anonymised:
            # No savepoint: on a conflict the whole vote is refused and rolled back anyway.
            try:
                TokenUse.objects.bulk_create(TokenUse(token=token, unit_id=u) for u in rated)
            except IntegrityError:
                raise SurveyRefused(
                    _("This rating code has already been used. Each code votes once.")
                ) from None
        _store_responses(
            survey=survey,
            rated=rated,
            comments=comments,
            category_id=token.category_id,
            token=None if survey.anonymised else token,
        )
        if not survey.anonymised:
            transaction.on_commit(lambda: _route_comments(survey, comments))
    return len(rated)


def survey_submit_open(
    *, survey_id: int, ratings: dict[int, dict[int, int]], comments: dict[int, str] | None = None
) -> int:
    """An answer in open public mode: flagged as such, never counted in the scores."""
    comments = comments or {}
    with transaction.atomic():
        survey = Survey.objects.select_related("scheme").get(pk=survey_id)
        _lock_for_vote(survey)
        if not survey.open_mode:
            raise SurveyRefused(_("This survey does not accept answers without a rating code."))
        if not survey.is_open:
            raise SurveyRefused(closed_survey_message(survey))
        rated = _parse_ratings(survey, ratings)
        _store_responses(
            survey=survey, rated=rated, comments=comments, category_id=None, token=None
        )
        transaction.on_commit(lambda: _route_comments(survey, comments))
    return len(rated)


def _store_responses(
    *,
    survey: Survey,
    rated: dict[int, dict[int, int]],
    comments: dict[int, str],
    category_id: int | None,
    token: RaterToken | None,
) -> None:
    # Random keys (SurveyResponse.id, SurveyAnswer.id): the rows carry no order of votes.
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            unit_id=unit_id,
            category_id=category_id,
            token=token,
            is_open=category_id is None,
            comment=comments.get(unit_id, "").strip()[:2000],
        )
        for unit_id in rated
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, dimension_id=dimension_id, option_id=option_id)
        for response in responses
        for dimension_id, option_id in rated[response.unit_id].items()
    )


def survey_record_paper_votes(
    *, survey: Survey, votes: list[tuple[str, dict[int, dict[int, int]]]], actor: AnyUser | None
) -> int:
    """Enter votes collected on paper slips (纸质评议表) in bulk, all or nothing.

    Each vote is (code, ratings). Codes must be unused codes of this survey; a slip entered
    twice is refused as a whole. Slips may be entered after the survey closes, not once its
    results are published.
    """
    _require_manage(actor)
    codes = [code for code, _ratings in votes]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("A rating code appears twice."))
    with transaction.atomic():
        _not_after_publication(survey)
        tokens = {
            t.code: t
            for t in RaterToken.objects.select_for_update().filter(
                survey=survey, code__in=codes, used=False
            )
        }
        if len(tokens) != len(codes):
            raise ValidationError(
                _("Some codes are unknown, already used or belong to another survey.")
            )
        sets = _survey_sets(survey)
        parsed = [(tokens[code], _parse_ratings(survey, ratings, sets)) for code, ratings in votes]
        if not survey.anonymised:
            TokenUse.objects.bulk_create(
                (TokenUse(token=token, unit_id=u) for token, rated in parsed for u in rated),
                batch_size=2000,
            )
        responses = SurveyResponse.objects.bulk_create(
            (
                SurveyResponse(
                    survey=survey,
                    unit_id=unit_id,
                    category_id=token.category_id,
                    token=None if survey.anonymised else token,
                )
                for token, rated in parsed
                for unit_id in rated
            ),
            batch_size=2000,
        )
        flat = [(token, unit_id, rated[unit_id]) for token, rated in parsed for unit_id in rated]
        SurveyAnswer.objects.bulk_create(
            (
                SurveyAnswer(response=response, dimension_id=d, option_id=o)
                for response, (_token, _unit, answers) in zip(responses, flat, strict=True)
                for d, o in answers.items()
            ),
            batch_size=5000,
        )
        claim: dict[str, Any] = {"used": True}
        if not survey.anonymised:
            claim["used_at"] = timezone.now()
        RaterToken.objects.filter(pk__in=[t.pk for t in tokens.values()]).update(**claim)
    return len(votes)
