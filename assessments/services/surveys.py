"""Every write to the mass survey: surveys, codes, votes (online and on paper), feedback.

Anonymised surveys keep nothing that links a code to its answers (see
`assessments.models.surveys.Survey`): a vote marks its code `used` (no time, no units) and
stores answers without the code, under random keys; comments reach the units when the survey
closes, not at the moment of the vote.
"""

from __future__ import annotations

import datetime
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
from assessments.models.surveys import random_key
from assessments.scoring import assessed_units
from assessments.survey_sets import Sets, survey_sets
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


def _survey_sets(survey: Survey) -> Sets:
    """The survey's units, dimensions and choices (cached: assessments.survey_sets)."""
    return survey_sets(survey.pk)


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
    survey: Survey | int, ratings: dict[int, dict[int, int]], sets: Sets | None = None
) -> dict[int, dict[int, int]]:
    """Every rated unit must be one the survey covers, with every dimension answered."""
    rated = {u: answers for u, answers in ratings.items() if answers}
    survey_id = survey if isinstance(survey, int) else survey.pk
    unit_ids, dimensions, option_ids = sets or survey_sets(survey_id)
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


def _lock_for_vote(survey_id: int) -> tuple[str, bool, bool] | None:
    """The survey's status, anonymity and open mode, read under a shared lock (None: no
    such survey).

    On PostgreSQL FOR SHARE: votes do not wait for each other, but closing the survey or
    changing its settings waits for the votes in flight, and a vote after that reads the
    new state (no vote slips in after a close, none is filed under the old anonymity).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, anonymised, open_mode FROM assessments_survey "
                "WHERE id = %s FOR SHARE",
                [survey_id],
            )
            row = cursor.fetchone()
    else:
        row = (
            Survey.objects.filter(pk=survey_id)
            .values_list("status", "anonymised", "open_mode")
            .first()
        )
    return None if row is None else (row[0], row[1], row[2])


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

    The code is claimed with a conditional UPDATE (which takes its row lock), so two
    simultaneous submissions with one code record one vote. In an anonymised survey the
    claim is all that is kept of the code: no time, no units, no link from the answers.

    The answers are checked first, against the survey's sets (cached:
    assessments.survey_sets); then, on PostgreSQL, the vote is one statement (`_VOTE_SQL`,
    atomic as any statement is): the survey read under a shared lock, the claim, the
    responses, the answers and, in named surveys, the code's uses. A refusal names the
    first thing wrong, in the order a rater needs to know it: the code, the survey's state,
    the code already used, then the answers.
    """
    comments = comments or {}
    code = code.strip().upper()
    try:
        rated = _parse_ratings(survey_id, ratings)
    except SurveyRefused:
        _refuse_code(survey_id, code)  # a bad code or a closed survey is said first
        raise
    if connection.vendor != "postgresql":
        return _submit_in_steps(survey_id=survey_id, code=code, rated=rated, comments=comments)
    try:
        filed = _file_vote(survey_id=survey_id, code=code, rated=rated, comments=comments)
    except IntegrityError:  # the code's uses exist already: it voted
        raise SurveyRefused(
            _("This rating code has already been used. Each code votes once.")
        ) from None
    if filed is None:  # nothing was written: say why
        _refuse_code(survey_id, code)
        raise SurveyRefused(_("This rating code has already been used. Each code votes once."))
    if not filed and any(text.strip() for text in comments.values()):  # a named survey
        transaction.on_commit(lambda: _route_comments(Survey.objects.get(pk=survey_id), comments))
    return len(rated)


_VOTE_SQL = """
WITH survey AS (
    SELECT id, anonymised FROM assessments_survey
    WHERE id = %(survey)s AND status = 'open'
    FOR SHARE
), claim AS (
    UPDATE assessments_ratertoken AS token
    SET used = true, used_at = CASE WHEN survey.anonymised THEN NULL ELSE %(now)s END
    FROM survey
    WHERE token.code = %(code)s AND token.survey_id = survey.id AND NOT token.used
    RETURNING token.id, token.category_id, survey.anonymised
), uses AS (
    INSERT INTO assessments_tokenuse (token_id, unit_id)
    SELECT claim.id, unit.id FROM claim, unnest(%(units)s::bigint[]) AS unit(id)
    WHERE NOT claim.anonymised
), response AS (
    INSERT INTO assessments_surveyresponse
        (id, survey_id, unit_id, category_id, token_id, is_open, submitted_on, comment)
    SELECT r.id, %(survey)s, r.unit_id, claim.category_id,
        CASE WHEN claim.anonymised THEN NULL ELSE claim.id END, false, %(day)s, r.comment
    FROM claim, unnest(%(responses)s::bigint[], %(units)s::bigint[], %(comments)s::text[])
        AS r(id, unit_id, comment)
    RETURNING id
), answer AS (
    INSERT INTO assessments_surveyanswer (id, response_id, dimension_id, option_id)
    SELECT a.id, a.response_id, a.dimension_id, a.option_id
    FROM unnest(%(answers)s::bigint[], %(answer_responses)s::bigint[],
        %(dimensions)s::bigint[], %(options)s::bigint[]) AS a(id, response_id, dimension_id, option_id)
    JOIN response ON response.id = a.response_id
)
SELECT anonymised FROM claim
"""


def _file_vote(
    *, survey_id: int, code: str, rated: dict[int, dict[int, int]], comments: dict[int, str]
) -> bool | None:
    """The vote in one statement: whether the survey is anonymised, or None when nothing
    was written (the survey not open, the code unknown, another survey's or used)."""
    # Random keys (SurveyResponse.id, SurveyAnswer.id): the rows carry no order of votes.
    response_ids = {unit_id: random_key() for unit_id in rated}
    answers = [(response_ids[u], d, o) for u, given in rated.items() for d, o in given.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            _VOTE_SQL,
            {
                "survey": survey_id,
                "code": code,
                "now": timezone.now(),
                "day": timezone.localdate(),
                "units": list(response_ids),
                "responses": list(response_ids.values()),
                "comments": [comments.get(u, "").strip()[:2000] for u in response_ids],
                "answers": [random_key() for _ in answers],
                "answer_responses": [a[0] for a in answers],
                "dimensions": [a[1] for a in answers],
                "options": [a[2] for a in answers],
            },
        )
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def _submit_in_steps(
    *, survey_id: int, code: str, rated: dict[int, dict[int, int]], comments: dict[int, str]
) -> int:
    """`survey_submit` on databases other than PostgreSQL (a trial on SQLite): the same
    checks and rows, statement by statement in one transaction."""
    with transaction.atomic():
        state = _lock_for_vote(survey_id)
        claimed = None
        if state is not None and state[0] == Survey.Status.OPEN:
            anonymised = state[1]
            claimed = _claim_code(survey_id, code, used_at=None if anonymised else timezone.now())
        if claimed is None:
            _refuse_code(survey_id, code)
            raise SurveyRefused(_("This rating code has already been used. Each code votes once."))
        token_id, category_id = claimed
        if not anonymised:
            try:
                TokenUse.objects.bulk_create(TokenUse(token_id=token_id, unit_id=u) for u in rated)
            except IntegrityError:
                raise SurveyRefused(
                    _("This rating code has already been used. Each code votes once.")
                ) from None
        _store_responses(
            survey_id=survey_id,
            rated=rated,
            comments=comments,
            category_id=category_id,
            token_id=None if anonymised else token_id,
        )
        if not anonymised and any(text.strip() for text in comments.values()):
            transaction.on_commit(
                lambda: _route_comments(Survey.objects.get(pk=survey_id), comments)
            )
    return len(rated)


def _claim_code(
    survey_id: int, code: str, *, used_at: datetime.datetime | None
) -> tuple[int, int] | None:
    """Mark an unused code of the survey used: (its id, its category), or None."""
    claim: dict[str, Any] = {"used": True}
    if used_at is not None:
        claim["used_at"] = used_at
    found = (
        RaterToken.objects.select_for_update()
        .filter(code=code, survey_id=survey_id, used=False)
        .values_list("pk", "category_id")
        .first()
    )
    if found is None or not RaterToken.objects.filter(pk=found[0], used=False).update(**claim):
        return None
    return found


def _refuse_code(survey_id: int, code: str) -> None:
    """Raise why a code could not be claimed: unknown, another survey's, the survey closed,
    or used (the same order as the voting page checks them)."""
    token = RaterToken.objects.filter(code=code).values_list("survey_id", "used").first()
    if token is None:
        raise SurveyRefused(
            _("This rating code is not valid. Check the link or the code on your slip.")
        )
    if token[0] != survey_id:
        raise SurveyRefused(_("This rating code belongs to another survey."))
    survey = Survey.objects.select_related("scheme").get(pk=survey_id)
    if not survey.is_open:
        raise SurveyRefused(closed_survey_message(survey))
    if token[1]:
        raise SurveyRefused(_("This rating code has already been used. Each code votes once."))


def survey_submit_open(
    *, survey_id: int, ratings: dict[int, dict[int, int]], comments: dict[int, str] | None = None
) -> int:
    """An answer in open public mode: flagged as such, never counted in the scores."""
    comments = comments or {}
    with transaction.atomic():
        state = _lock_for_vote(survey_id)
        if state is None:
            raise Survey.DoesNotExist(f"No survey {survey_id}")
        status, _anonymised, open_mode = state
        if not open_mode:
            raise SurveyRefused(_("This survey does not accept answers without a rating code."))
        if status != Survey.Status.OPEN:
            survey = Survey.objects.select_related("scheme").get(pk=survey_id)
            raise SurveyRefused(closed_survey_message(survey))
        rated = _parse_ratings(survey_id, ratings)
        _store_responses(
            survey_id=survey_id, rated=rated, comments=comments, category_id=None, token_id=None
        )
        if any(text.strip() for text in comments.values()):
            transaction.on_commit(
                lambda: _route_comments(Survey.objects.get(pk=survey_id), comments)
            )
    return len(rated)


_STORE_SQL = """
WITH response AS (
    INSERT INTO assessments_surveyresponse
        (id, survey_id, unit_id, category_id, token_id, is_open, submitted_on, comment)
    SELECT r.id, %s, r.unit_id, %s, %s, %s, %s, r.comment
    FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS r(id, unit_id, comment)
    RETURNING id
)
INSERT INTO assessments_surveyanswer (id, response_id, dimension_id, option_id)
SELECT a.id, a.response_id, a.dimension_id, a.option_id
FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[])
    AS a(id, response_id, dimension_id, option_id)
JOIN response ON response.id = a.response_id
"""


def _store_responses(
    *,
    survey_id: int,
    rated: dict[int, dict[int, int]],
    comments: dict[int, str],
    category_id: int | None,
    token_id: int | None,
) -> None:
    """One response per unit and one answer per dimension, in one statement (PostgreSQL)."""
    # Random keys (SurveyResponse.id, SurveyAnswer.id): the rows carry no order of votes.
    response_ids = {unit_id: random_key() for unit_id in rated}
    notes = {u: comments.get(u, "").strip()[:2000] for u in rated}
    is_open = category_id is None
    if connection.vendor != "postgresql":
        SurveyResponse.objects.bulk_create(
            SurveyResponse(
                id=response_ids[u],
                survey_id=survey_id,
                unit_id=u,
                category_id=category_id,
                token_id=token_id,
                is_open=is_open,
                comment=notes[u],
            )
            for u in rated
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response_id=response_ids[u], dimension_id=d, option_id=o)
            for u, answers in rated.items()
            for d, o in answers.items()
        )
        return
    answers = [(response_ids[u], d, o) for u, given in rated.items() for d, o in given.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            _STORE_SQL,
            [
                survey_id,
                category_id,
                token_id,
                is_open,
                timezone.localdate(),
                list(response_ids.values()),
                list(response_ids),
                [notes[u] for u in response_ids],
                [random_key() for _ in answers],
                [a[0] for a in answers],
                [a[1] for a in answers],
                [a[2] for a in answers],
            ],
        )
        filed = cursor.rowcount
    if filed != len(answers):  # cannot happen: every answer has its response
        raise RuntimeError(f"A vote filed {filed} of its {len(answers)} answers")


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
