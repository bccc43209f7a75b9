"""Every write to the mass survey: surveys, codes, votes (online and on paper), feedback."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions
from assessments.defaults import DEFAULT_CATEGORIES, DEFAULT_DIMENSIONS, DEFAULT_SCALE
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
    """A vote that must not be recorded; the message is shown to the rater."""


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
            RaterCategory(survey=survey, name=name, weight=weight, sort_order=i)
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


def _survey_move(*, survey: Survey, target: str, actor: AnyUser | None) -> Survey:
    if actor is not None and not permissions.can_manage_surveys(actor):
        raise PermissionDenied(_("You may not manage surveys."))
    return transition(survey, target=target, actor=actor)


def survey_open(*, survey: Survey, actor: AnyUser | None) -> Survey:
    return _survey_move(survey=survey, target=Survey.Status.OPEN, actor=actor)


def survey_close(*, survey: Survey, actor: AnyUser | None) -> Survey:
    return _survey_move(survey=survey, target=Survey.Status.CLOSED, actor=actor)


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


Sets = tuple[set[int], set[int], set[int]]


def _survey_sets(survey: Survey, unit_ids: Iterable[int] | None = None) -> Sets:
    """The survey's units (only those among `unit_ids` if given), dimensions and choices."""
    units = survey.units.all() if unit_ids is None else survey.units.filter(pk__in=unit_ids)
    return (
        set(units.values_list("pk", flat=True)),
        set(survey.dimensions.values_list("pk", flat=True)),
        set(survey.scale.values_list("pk", flat=True)),
    )


def _parse_ratings(
    survey: Survey, ratings: dict[int, dict[int, int]], sets: Sets | None = None
) -> dict[int, dict[int, int]]:
    """Every rated unit must be one the survey covers, with every dimension answered."""
    rated = {u: answers for u, answers in ratings.items() if answers}
    # One rater's handful of units, not the province's thousands, are looked up.
    unit_ids, dimension_ids, option_ids = sets or _survey_sets(survey, unit_ids=list(rated))
    if not rated:
        raise SurveyRefused(_("Rate at least one unit before submitting."))
    for unit_id, answers in rated.items():
        if unit_id not in unit_ids:
            raise SurveyRefused(_("This survey does not cover that unit."))
        if set(answers) != dimension_ids or not set(answers.values()) <= option_ids:
            raise SurveyRefused(
                _("Answer every item for each unit you rate (or leave that unit out entirely).")
            )
    return rated


def _route_comments(survey: Survey, comments: dict[int, str]) -> None:
    """意见建议 go to the unit's responsible people as feedback (never who wrote them)."""
    from django.contrib.auth import get_user_model

    from units.models import Responsibility
    from units.services import notification_send

    wanted = {unit_id: text.strip() for unit_id, text in comments.items() if text.strip()}
    if not wanted:
        return
    roles = [
        Responsibility.Role.FIRST_RESPONSIBLE,
        Responsibility.Role.PRINCIPAL,
        Responsibility.Role.LIAISON,
    ]
    people = Responsibility.objects.current().filter(
        unit_id__in=wanted, role__in=roles, person__user__isnull=False
    )
    by_unit: dict[int, list[int]] = {}
    for unit_id, user_id in people.values_list("unit_id", "person__user_id"):
        by_unit.setdefault(unit_id, []).append(user_id)
    users = get_user_model().objects.in_bulk([u for ids in by_unit.values() for u in ids])
    stamp = secrets.token_hex(6)
    for unit_id, text in wanted.items():
        recipients = [users[u] for u in by_unit.get(unit_id, []) if u in users]
        notification_send(
            recipients=recipients,
            kind="info",
            title=_("Feedback from the mass survey “%(survey)s”") % {"survey": survey.title},
            body=text[:2000],
            url=reverse("assessments:feedback_list"),
            object_key=f"survey-feedback:{survey.pk}:{unit_id}:{stamp}",
            email=False,
        )


def survey_submit(
    *,
    survey_id: int,
    code: str,
    ratings: dict[int, dict[int, int]],
    comments: dict[int, str] | None = None,
) -> int:
    """Record one rater's vote with a one-time code; refuses used, forged or foreign codes.

    The code is claimed with a conditional UPDATE and every (code, unit) pair is unique in
    the database, so two simultaneous submissions with one code record one vote.
    """
    comments = comments or {}
    with transaction.atomic():
        # The survey comes with the locked code: one round trip fewer per vote.
        token = (
            RaterToken.objects.select_for_update(of=("self",))
            .select_related("survey")
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
        if not survey.is_open:
            raise SurveyRefused(_("This survey is not open for rating."))
        if token.used_at is not None:
            raise SurveyRefused(_("This rating code has already been used. Each code votes once."))
        rated = _parse_ratings(survey, ratings)
        claimed = RaterToken.objects.filter(pk=token.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not claimed:
            raise SurveyRefused(_("This rating code has already been used. Each code votes once."))
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
        transaction.on_commit(lambda: _route_comments(survey, comments))
    return len(rated)


def survey_submit_open(
    *, survey_id: int, ratings: dict[int, dict[int, int]], comments: dict[int, str] | None = None
) -> int:
    """An answer in open public mode: flagged as such, never counted in the scores."""
    comments = comments or {}
    with transaction.atomic():
        survey = Survey.objects.get(pk=survey_id)
        if not (survey.is_open and survey.open_mode):
            raise SurveyRefused(_("This survey does not accept answers without a rating code."))
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

    Each vote is (code, ratings). Codes must be unused codes of this survey; every (code,
    unit) pair is unique in the database, so a slip entered twice is refused as a whole.
    """
    if actor is not None and not permissions.can_manage_surveys(actor):
        raise PermissionDenied(_("You may not manage surveys."))
    codes = [code for code, _ratings in votes]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("A rating code appears twice."))
    with transaction.atomic():
        tokens = {
            t.code: t
            for t in RaterToken.objects.select_for_update().filter(
                survey=survey, code__in=codes, used_at__isnull=True
            )
        }
        if len(tokens) != len(codes):
            raise ValidationError(
                _("Some codes are unknown, already used or belong to another survey.")
            )
        sets = _survey_sets(survey)
        parsed = [(tokens[code], _parse_ratings(survey, ratings, sets)) for code, ratings in votes]
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
        RaterToken.objects.filter(pk__in=[t.pk for t in tokens.values()]).update(
            used_at=timezone.now()
        )
    return len(votes)
