"""The demo county's annual assessment: last year published, this year being scored.

Last year's scheme is made with the usual rules, scored, computed and published. This
year's is copied from it (沿用上年方案) as a clerk would and is in its scoring phase: the mass
survey is in (5,000 codes, most of them used, each rater rating the few units they dealt
with), the inspection office has assigned three evaluators of the assessment working group
(考评组) on the officers' page service, two have scored every unit, and kaoping (胡晓燕) is
part-way through hers, with a deadline: she does not score her own office (回避). Results are
computed as provisional standings; nothing of this year is published. A few 问责 records give
each year's deductions and a veto evidence. Idempotent: a year that already has a scheme is
left alone. Random figures come from a fixed seed, so every run is the same.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from assessments import scoring, services
from assessments.models import AssessmentScheme, RaterToken
from units.models import Person, Unit
from units.roles import EVALUATOR
from units.services import person_update

TOKENS_THIS_YEAR = 5000
TOKENS_LAST_YEAR = 1500
ANSWERED = Decimal("0.86")
UNITS_PER_RATER = 3


# The evaluators of this year's scheme besides kaoping: cadres of the discipline commission
# in the assessment working group (no login of their own in the demo: their scores are in).
EVALUATORS = (("pingyi_lcl", "吕春雷"), ("pingyi_qw", "邱文"))
OWN_UNIT = "SLX-ZFB"  # kaoping's own office: she does not score it (回避)
STILL_TO_SCORE = 8  # kaoping's last units, left for her to score in the demo
DEADLINE_DAYS = 15


def seed(*, tally: Counter[str], stdout: Any) -> None:
    officer = get_user_model().objects.filter(username="jiwei").first()
    evaluator = get_user_model().objects.filter(username="kaoping").first()
    if officer is None or evaluator is None:
        return
    year = timezone.localdate().year
    created = 0
    if not AssessmentScheme.objects.filter(year=year - 1).exists():
        _seed_published_year(year - 1, TOKENS_LAST_YEAR, officer=officer, evaluator=evaluator)
        created += 1
    if not AssessmentScheme.objects.filter(year=year).exists():
        _seed_year_in_scoring(year, TOKENS_THIS_YEAR, officer=officer, evaluator=evaluator)
        created += 1
    tally["assessment_schemes"] += created
    if created:
        stdout.write(
            f"年度考核演示数据：新建 {created} 个年度考核方案（上年度已公布考核结果；"
            f"本年度民主评议已完成、组织考评进行中，结果为阶段性计算）。"
        )


def _start_year(year: int, token_count: int, *, officer: Any) -> tuple[Any, list[Unit], Any]:
    """The year's scheme, started, with its mass survey answered."""
    rng = random.Random(year)  # noqa: S311 (repeatable demo figures, not secrets)
    previous = AssessmentScheme.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        scheme = services.scheme_create(
            year=year, name=f"{year}年度机关作风建设考核", actor=officer
        )
        services.scheme_add_default_rules(scheme=scheme)
    else:
        scheme = services.scheme_copy_last_year(year=year, actor=officer)
    scheme = services.scheme_open(scheme=scheme, actor=officer)
    units = list(scoring.assessed_units(scheme).order_by("path"))
    # A stable "quality" per unit, nudged a little each year, drives every figure.
    quality = {
        u.pk: 0.55 + 0.4 * random.Random(u.code).random() + rng.uniform(-0.04, 0.04)  # noqa: S311
        for u in units
    }

    survey = services.survey_create(
        scheme=scheme, title=f"{year}年度机关作风民主评议", units=units, actor=officer
    )
    services.survey_open(survey=survey, actor=officer)
    categories = list(survey.categories.all())
    shares = [0.4, 0.25, 0.2, 0.08, 0.07]
    for category, share in zip(categories, shares, strict=True):
        services.tokens_generate(
            survey=survey, category=category, count=round(token_count * share), actor=officer
        )
    dimensions = list(survey.dimensions.values_list("pk", flat=True))
    satisfied, basic, unsatisfied = list(survey.scale.values_list("pk", flat=True))
    codes = list(
        RaterToken.objects.filter(survey=survey).order_by("pk").values_list("code", flat=True)
    )
    answered = codes[: int(len(codes) * ANSWERED)]
    votes = []
    for code in answered:
        rated = {}
        for unit in rng.sample(units, min(UNITS_PER_RATER, len(units))):
            q = quality[unit.pk]
            rated[unit.pk] = {
                d: (
                    satisfied
                    if (r := rng.random()) < q
                    else basic
                    if r < q + (1 - q) * 0.7
                    else unsatisfied
                )
                for d in dimensions
            }
        votes.append((code, rated))
    services.survey_record_paper_votes(survey=survey, votes=votes, actor=officer)
    _seed_accountability(year, units, rng, officer)
    return scheme, units, (rng, quality)


def _scores(scheme: Any, units: list[Unit], rng: random.Random, quality: dict[int, float]):
    scores = []
    for unit in units:
        for indicator in scheme.indicators.all():
            share = min(1.0, max(0.0, quality[unit.pk] + rng.uniform(-0.06, 0.06)))
            value = (indicator.max_points * Decimal(str(round(share, 2)))).quantize(Decimal("0.5"))
            scores.append((unit, indicator, min(value, indicator.max_points), ""))
    return scores


def _seed_published_year(year: int, token_count: int, *, officer: Any, evaluator: Any) -> None:
    scheme, units, (rng, quality) = _start_year(year, token_count, officer=officer)
    services.evaluation_assignments_create(
        scheme=scheme, evaluators=[evaluator], units=units, actor=officer, notify=False
    )
    services.evaluations_record(
        scheme=scheme, evaluator=evaluator, scores=_scores(scheme, units, rng, quality)
    )
    services.scheme_compute(scheme_id=scheme.pk, actor=officer)
    scheme.refresh_from_db()
    services.scheme_publish(scheme=scheme, actor=officer, public=True)


def _seed_year_in_scoring(year: int, token_count: int, *, officer: Any, evaluator: Any) -> None:
    scheme, units, (rng, quality) = _start_year(year, token_count, officer=officer)
    deadline = timezone.localdate() + datetime.timedelta(days=DEADLINE_DAYS)
    others = _working_group_evaluators()
    services.evaluation_assignments_create(
        scheme=scheme, evaluators=others, units=units, deadline=deadline, actor=officer
    )
    hers = [u for u in units if u.code != OWN_UNIT]
    services.evaluation_assignments_create(
        scheme=scheme, evaluators=[evaluator], units=hers, deadline=deadline, actor=officer
    )
    for other in others:
        services.evaluations_record(
            scheme=scheme, evaluator=other, scores=_scores(scheme, units, rng, quality)
        )
    done = hers[: max(len(hers) - STILL_TO_SCORE, 0)]
    services.evaluations_record(
        scheme=scheme, evaluator=evaluator, scores=_scores(scheme, done, rng, quality)
    )
    # Provisional standings for the leaders; the scheme stays open to scoring until published.
    services.scheme_compute(scheme_id=scheme.pk, actor=officer)


def _working_group_evaluators() -> list[Any]:
    """The two other evaluators: accounts in the evaluator role, linked to their cadres."""
    user_model = get_user_model()
    group = Group.objects.get(name=EVALUATOR)
    found = []
    for username, name in EVALUATORS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            # No password: these colleagues do not sign in to the demo.
            user = user_model.objects.create_user(username=username, first_name=name)
            person = Person.objects.filter(name=name, user__isnull=True).first()
            if person is not None:
                person_update(person=person, user=user)
        user.groups.add(group)
        found.append(user)
    return found


def _seed_accountability(year: int, units: list[Unit], rng: random.Random, officer: Any) -> None:
    """A few 问责 records of the year, so deductions and a veto have evidence behind them."""
    from campaign.models import AccountabilityAction
    from campaign.services import accountability_action_record

    K = AccountabilityAction.Kind
    picks = rng.sample(units, min(5, len(units)))
    plan = [
        (picks[0], K.ADMONITION_TALK, "窗口服务态度生硬，群众反映强烈"),
        (picks[0], K.ADMONITION_TALK, "整改不到位，同类问题再次发生"),
        (picks[1], K.CRITICISM, "明察暗访发现上班时间脱岗"),
        (picks[2], K.REMINDER_TALK, "投诉件逾期未办结"),
        (picks[3], K.WARNING_TALK, "办事效率低，群众多次催办"),
    ]
    for number, (unit, kind, reason) in enumerate(plan, start=1):
        if AccountabilityAction.objects.filter(
            unit=unit, kind=kind, reason=reason, date__year=year
        ).exists():
            continue
        accountability_action_record(
            kind=kind,
            reason=reason,
            actor=officer,
            unit=unit,
            date=datetime.date(year, 1 + number, 10),
            document_number=f"示纪〔{year}〕{number}号",
        )
