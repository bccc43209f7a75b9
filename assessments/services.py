"""Every write to the annual assessment."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions, scoring
from assessments.models import (
    DEFAULT_CATEGORIES,
    DEFAULT_DIMENSIONS,
    DEFAULT_SCALE,
    AdjustmentRule,
    AssessmentScheme,
    Component,
    Evaluation,
    EvaluationAssignment,
    GradeRule,
    Indicator,
    RaterCategory,
    RaterToken,
    RecognitionRule,
    ScaleOption,
    SchemeTransition,
    Survey,
    SurveyAnswer,
    SurveyDimension,
    SurveyResponse,
    SurveyTransition,
    TokenUse,
)
from units.models import Unit
from units.transitions import check_transition, record_transition
from units.types import AnyUser

logger = logging.getLogger(__name__)

Status = AssessmentScheme.Status


# --- Schemes ---------------------------------------------------------------------------


def scheme_create(
    *,
    year: int,
    name: str,
    actor: AnyUser | None,
    weight_survey: Decimal = Decimal("40"),
    weight_special: Decimal = Decimal("30"),
    weight_organisational: Decimal = Decimal("30"),
) -> AssessmentScheme:
    """A new draft scheme for a year."""
    if actor is not None and not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))
    if AssessmentScheme.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("There is already a scheme for %(year)s.") % {"year": year}}
        )
    scheme = AssessmentScheme(
        year=year,
        name=name.strip() or _("%(year)s annual work-style assessment") % {"year": year},
        weight_survey=weight_survey,
        weight_special=weight_special,
        weight_organisational=weight_organisational,
    )
    _validate_weights(scheme)
    scheme.save()
    return scheme


def _validate_weights(scheme: AssessmentScheme) -> None:
    if sum(scheme.weights.values()) != Decimal("100"):
        raise ValidationError(_("The component weights must add up to 100."))


def scheme_copy_from(
    *, source: AssessmentScheme, year: int, actor: AnyUser | None
) -> AssessmentScheme:
    """Copy a scheme (weights, indicators, grade, recognition and adjustment rules) to a year."""
    with transaction.atomic():
        scheme = scheme_create(
            year=year,
            name=source.name.replace(str(source.year), str(year)),
            actor=actor,
            weight_survey=source.weight_survey,
            weight_special=source.weight_special,
            weight_organisational=source.weight_organisational,
        )
        scheme.base_score = source.base_score
        scheme.public_results = source.public_results
        scheme.copied_from = source
        scheme.save(update_fields=["base_score", "public_results", "copied_from"])
        scheme.groups.set(source.groups.all())
        Indicator.objects.bulk_create(
            Indicator(
                scheme=scheme,
                component=i.component,
                name=i.name,
                description=i.description,
                max_points=i.max_points,
                sort_order=i.sort_order,
            )
            for i in source.indicators.all()
        )
        GradeRule.objects.bulk_create(
            GradeRule(scheme=scheme, grade=g.grade, min_total=g.min_total, max_share=g.max_share)
            for g in source.grade_rules.all()
        )
        RecognitionRule.objects.bulk_create(
            RecognitionRule(scheme=scheme, kind=r.kind, scope=r.scope, count=r.count)
            for r in source.recognition_rules.all()
        )
        AdjustmentRule.objects.bulk_create(
            AdjustmentRule(
                scheme=scheme,
                name=r.name,
                kind=r.kind,
                parameter=r.parameter,
                sign=r.sign,
                points=r.points,
                cap=r.cap,
                veto=r.veto,
                sort_order=r.sort_order,
            )
            for r in source.adjustment_rules.all()
        )
    return scheme


def scheme_copy_last_year(*, year: int, actor: AnyUser | None) -> AssessmentScheme:
    """Copy the latest earlier scheme to `year`."""
    source = AssessmentScheme.objects.filter(year__lt=year).order_by("-year").first()
    if source is None:
        raise ValidationError(_("There is no earlier scheme to copy."))
    return scheme_copy_from(source=source, year=year, actor=actor)


def scheme_add_default_rules(*, scheme: AssessmentScheme) -> None:
    """The usual indicators, grades, recognition and adjustment rules (seed 002, seed 003)."""
    Indicator.objects.bulk_create(
        [
            Indicator(
                scheme=scheme,
                component=Component.SPECIAL,
                name="重点工作推进",
                max_points=Decimal("100"),
                sort_order=1,
            ),
            Indicator(
                scheme=scheme,
                component=Component.ORGANISATIONAL,
                name="责任制落实",
                max_points=Decimal("30"),
                sort_order=1,
            ),
            Indicator(
                scheme=scheme,
                component=Component.ORGANISATIONAL,
                name="行动计划实施成效",
                max_points=Decimal("30"),
                sort_order=2,
            ),
            Indicator(
                scheme=scheme,
                component=Component.ORGANISATIONAL,
                name="活动成果",
                max_points=Decimal("20"),
                sort_order=3,
            ),
            Indicator(
                scheme=scheme,
                component=Component.ORGANISATIONAL,
                name="投诉与反馈问题整改",
                max_points=Decimal("20"),
                sort_order=4,
            ),
        ]
    )
    GradeRule.objects.bulk_create(
        [
            GradeRule(
                scheme=scheme, grade="excellent", min_total=Decimal("90"), max_share=Decimal("20")
            ),
            GradeRule(scheme=scheme, grade="good", min_total=Decimal("80")),
            GradeRule(scheme=scheme, grade="average", min_total=Decimal("60")),
        ]
    )
    RecognitionRule.objects.bulk_create(
        [
            RecognitionRule(scheme=scheme, kind="commend", scope="group", count=3),
            RecognitionRule(scheme=scheme, kind="commend", scope="overall", count=10),
            RecognitionRule(scheme=scheme, kind="talk", scope="overall", count=3),
        ]
    )
    Kind, Veto = AdjustmentRule.Kind, AdjustmentRule.Veto
    rules = [
        ("投诉举报属实", Kind.COMPLAINT_SUBSTANTIATED, "", -1, "2", "10", ""),
        ("投诉逾期办结", Kind.COMPLAINT_OVERDUE, "", -1, "1", "5", ""),
        ("整改事项逾期", Kind.ITEM_OVERDUE, "", -1, "1", "5", ""),
        ("整改事项年底未销号", Kind.ITEM_UNCLOSED, "", -1, "0.5", "3", ""),
        ("规定动作材料迟报", Kind.DELIVERABLE_LATE, "", -1, "0.5", "2", ""),
        ("规定动作材料未报", Kind.DELIVERABLE_MISSING, "", -1, "1", "4", ""),
        ("明察暗访发现一般问题", Kind.FINDING, "minor", -1, "0.5", "3", ""),
        ("明察暗访发现较重问题", Kind.FINDING, "major", -1, "1", "5", ""),
        ("明察暗访发现严重问题", Kind.FINDING, "serious", -1, "3", "9", ""),
        ("提醒谈话", Kind.ACCOUNTABILITY, "reminder_talk", -1, "0.5", "2", ""),
        ("效能告诫谈话", Kind.ACCOUNTABILITY, "warning_talk", -1, "1", "3", ""),
        ("诫勉谈话", Kind.ACCOUNTABILITY, "admonition_talk", -1, "2", "6", ""),
        ("问责通报批评", Kind.ACCOUNTABILITY, "criticism", -1, "3", "6", Veto.EXCELLENT),
        ("严重问责", Kind.ACCOUNTABILITY, "serious", -1, "5", "10", Veto.EXCELLENT_NO_PROMOTION),
        ("被通报批评", Kind.CIRCULAR_CRITICISM, "", -1, "2", "6", Veto.EXCELLENT),
        ("被通报表扬", Kind.CIRCULAR_COMMENDATION, "", 1, "1", "3", ""),
    ]
    AdjustmentRule.objects.bulk_create(
        AdjustmentRule(
            scheme=scheme,
            name=name,
            kind=kind,
            parameter=parameter,
            sign=sign,
            points=Decimal(points),
            cap=Decimal(cap),
            veto=veto,
            sort_order=index,
        )
        for index, (name, kind, parameter, sign, points, cap, veto) in enumerate(rules, start=1)
    )


def scheme_create_with_defaults(*, year: int, actor: AnyUser | None) -> AssessmentScheme:
    """A new draft scheme with the usual indicators and rules, for the first year."""
    with transaction.atomic():
        scheme = scheme_create(year=year, name="", actor=actor)
        scheme_add_default_rules(scheme=scheme)
    return scheme


def _scheme_move(
    *,
    scheme: AssessmentScheme,
    target: str,
    actor: AnyUser | None,
    comment: str = "",
    **changes: Any,
) -> AssessmentScheme:
    with transaction.atomic():
        locked = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        check_transition(
            transitions=AssessmentScheme.TRANSITIONS,
            current=locked.status,
            target=target,
            labels=Status.choices,
        )
        source = locked.status
        locked.status = target
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *changes])
        record_transition(
            record_model=SchemeTransition,
            subject_field="scheme",
            subject=locked,
            from_status=source,
            to_status=target,
            actor=actor,
            comment=comment,
        )
    return locked


def scheme_open(*, scheme: AssessmentScheme, actor: AnyUser) -> AssessmentScheme:
    """Start the year's assessment: weights must add up and weighted parts need indicators."""
    if not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))
    _validate_weights(scheme)
    present = set(scheme.indicators.values_list("component", flat=True))
    for component in (Component.SPECIAL, Component.ORGANISATIONAL):
        if scheme.weights[component] and component not in present:
            raise ValidationError(
                _("“%(component)s” has a weight but no indicators.")
                % {"component": Component(component).label}
            )
    return _scheme_move(scheme=scheme, target=Status.OPEN, actor=actor)


def _progress_key(scheme_id: int) -> str:
    return f"assessments:scoring:{scheme_id}"


def scoring_progress(*, scheme: AssessmentScheme) -> dict[str, Any]:
    """What the scoring job last reported (percent and step); shown while it runs."""
    found: dict[str, Any] | None = cache.get(_progress_key(scheme.pk))
    return found or {"percent": 100 if scheme.scoring_state == "done" else 0, "step": ""}


def scheme_request_scoring(*, scheme: AssessmentScheme, actor: AnyUser) -> AssessmentScheme:
    """Queue the scoring job (after commit); the page then shows its progress."""
    if not permissions.can_run_scoring(actor):
        raise PermissionDenied(_("You may not compute assessment results."))
    from assessments.tasks import compute_scheme
    from units.jobs import enqueue_on_commit

    with transaction.atomic():
        locked = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.status not in (Status.OPEN, Status.COMPUTED):
            raise ValidationError(_("Only a scheme in progress or computed can be scored."))
        locked.scoring_state = AssessmentScheme.ScoringState.QUEUED
        locked.scoring_error = ""
        locked.save(update_fields=["scoring_state", "scoring_error"])
        cache.set(_progress_key(locked.pk), {"percent": 0, "step": "queued"}, 3600)
        # Never hold the request hostage to the broker: if Redis is down the scheme stays
        # queued and the nightly recompute_open_schemes runs it.
        enqueue_on_commit(compute_scheme, locked.pk)
    return locked


def schemes_recompute_open() -> int:
    """Queue a recomputation of every scheme in progress or computed (not yet published).

    Nightly, so leaders' rankings follow the facts. Schemes already queued or running are
    queued again on purpose: if an earlier publish or run was lost, this recovers it, and
    scoring locks the scheme row and replaces results atomically, so a duplicate is harmless.
    """
    from assessments.tasks import compute_scheme
    from units.jobs import enqueue_on_commit

    with transaction.atomic():
        ids = list(
            AssessmentScheme.objects.filter(status__in=[Status.OPEN, Status.COMPUTED]).values_list(
                "pk", flat=True
            )
        )
        AssessmentScheme.objects.filter(pk__in=ids).update(
            scoring_state=AssessmentScheme.ScoringState.QUEUED, scoring_error=""
        )
        for scheme_id in ids:
            enqueue_on_commit(compute_scheme, scheme_id)
    return len(ids)


def scheme_compute(*, scheme_id: int, actor: AnyUser | None = None) -> int:
    """Compute every result of a scheme in one transaction; the task calls this.

    Running it twice on the same inputs gives the same results; a failure rolls back to
    the previous results and records the error on the scheme.
    """
    scheme = AssessmentScheme.objects.get(pk=scheme_id)
    if scheme.status not in (Status.OPEN, Status.COMPUTED):
        raise ValidationError(_("Only a scheme in progress or computed can be scored."))
    AssessmentScheme.objects.filter(pk=scheme_id).update(
        scoring_state=AssessmentScheme.ScoringState.RUNNING
    )

    def progress(percent: int, step: str) -> None:
        # The cache is outside the transaction, so the page sees progress as it happens.
        cache.set(_progress_key(scheme_id), {"percent": percent, "step": step}, 3600)

    try:
        with transaction.atomic():
            locked = AssessmentScheme.objects.select_for_update().get(pk=scheme_id)
            count = scoring.compute(locked, progress)
            _scheme_move(
                scheme=locked,
                target=Status.COMPUTED,
                actor=actor,
                comment=_("%(count)s units ranked.") % {"count": count},
                computed_at=timezone.now(),
                scoring_state=AssessmentScheme.ScoringState.DONE,
            )
    except Exception as exc:
        logger.exception("Scoring scheme %s failed", scheme_id)
        AssessmentScheme.objects.filter(pk=scheme_id).update(
            scoring_state=AssessmentScheme.ScoringState.FAILED, scoring_error=str(exc)[:2000]
        )
        cache.set(_progress_key(scheme_id), {"percent": 0, "step": "failed"}, 3600)
        raise
    progress(100, "done")
    return count


def scheme_publish(*, scheme: AssessmentScheme, actor: AnyUser, public: bool) -> AssessmentScheme:
    """Freeze the results and open them to unit heads (and the public if chosen)."""
    if not permissions.can_publish_results(actor):
        raise PermissionDenied(_("You may not publish assessment results."))
    with transaction.atomic():
        published = _scheme_move(
            scheme=scheme,
            target=Status.PUBLISHED,
            actor=actor,
            published_at=timezone.now(),
            public_results=public,
        )
        transaction.on_commit(lambda: _notify_published(published))
    return published


def _notify_published(scheme: AssessmentScheme) -> None:
    """Tell each ranked unit's responsible people that their result can be read."""
    from django.contrib.auth import get_user_model

    from units.models import Responsibility
    from units.services import notification_send

    user_ids = (
        Responsibility.objects.current()
        .filter(
            unit_id__in=scheme.results.values("unit_id"),
            role__in=[Responsibility.Role.FIRST_RESPONSIBLE, Responsibility.Role.PRINCIPAL],
            person__user__isnull=False,
        )
        .values("person__user_id")
    )
    notification_send(
        recipients=get_user_model().objects.filter(pk__in=user_ids),
        kind="info",
        title=_("The %(scheme)s results are published") % {"scheme": scheme.name},
        url=reverse("assessments:my_results"),
        object_key=f"assessment-published:{scheme.pk}",
    )


# --- Surveys ---------------------------------------------------------------------------


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
    from assessments.scoring import assessed_units

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
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        check_transition(
            transitions=Survey.TRANSITIONS,
            current=locked.status,
            target=target,
            labels=Survey.Status.choices,
        )
        source = locked.status
        locked.status = target
        locked.save(update_fields=["status"])
        record_transition(
            record_model=SurveyTransition,
            subject_field="survey",
            subject=locked,
            from_status=source,
            to_status=target,
            actor=actor,
        )
    return locked


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


# --- Evaluations -----------------------------------------------------------------------


def evaluation_assign(
    *, scheme: AssessmentScheme, evaluator: Any, units: list[Unit] | Any, actor: AnyUser | None
) -> int:
    """Assign units to an evaluator (idempotent)."""
    if actor is not None and not permissions.can_manage_schemes(actor):
        raise PermissionDenied(_("You may not manage assessment schemes."))
    rows = [EvaluationAssignment(scheme=scheme, evaluator=evaluator, unit=u) for u in units]
    EvaluationAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def evaluations_record(
    *,
    scheme: AssessmentScheme,
    evaluator: AnyUser,
    scores: list[tuple[Unit | int, Indicator | int, Decimal, str]],
) -> int:
    """Record (or correct) an evaluator's scores, all or nothing.

    Each score must be for an assigned unit, an indicator of the scheme, between 0 and
    the indicator's maximum; the scheme must be in progress.
    """
    if not permissions.can_evaluate(evaluator):
        raise PermissionDenied(_("You may not enter evaluation scores."))
    status = AssessmentScheme.objects.values_list("status", flat=True).get(pk=scheme.pk)
    if status != Status.OPEN:
        raise ValidationError(_("Scores can only be entered while the assessment is in progress."))
    assigned = set(
        EvaluationAssignment.objects.filter(scheme=scheme, evaluator_id=evaluator.pk).values_list(
            "unit_id", flat=True
        )
    )
    indicators = {i.pk: i for i in scheme.indicators.all()}
    errors: list[str] = []
    rows: list[Evaluation] = []
    for unit, indicator, score, comment in scores:
        unit_id = unit if isinstance(unit, int) else unit.pk
        indicator_id = indicator if isinstance(indicator, int) else indicator.pk
        found = indicators.get(indicator_id)
        if unit_id not in assigned:
            errors.append(_("You are not assigned to evaluate this unit."))
        elif found is None:
            errors.append(_("The indicator is not part of this scheme."))
        elif score < 0 or score > found.max_points:
            errors.append(
                _("The score for “%(indicator)s” must be between 0 and %(max)s.")
                % {"indicator": found.name, "max": found.max_points}
            )
        else:
            rows.append(
                Evaluation(
                    scheme=scheme,
                    indicator_id=indicator_id,
                    unit_id=unit_id,
                    evaluator_id=evaluator.pk,  # type: ignore[misc]
                    score=score,
                    comment=comment.strip()[:255],
                )
            )
    if errors:
        raise ValidationError(sorted(set(errors)))
    with transaction.atomic():
        Evaluation.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["indicator", "unit", "evaluator"],
            update_fields=["score", "comment", "updated_at"],
        )
    return len(rows)
