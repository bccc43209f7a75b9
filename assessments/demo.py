"""The demo county's annual assessment: last year and this year, computed and published.

Last year's scheme is made with the usual rules; this year's is copied from it (沿用上年方案)
as a clerk would. Each year has a mass survey (5,000 codes this year, most of them used,
each rater rating the few units they dealt with), the evaluator's scores and a few 问责
records, then the results are computed and published. Idempotent: a year that already has
a scheme is left alone. Random figures come from a fixed seed, so every run is the same.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments import scoring, services
from assessments.models import AssessmentScheme, RaterToken
from units.models import Unit

TOKENS_THIS_YEAR = 5000
TOKENS_LAST_YEAR = 1500
ANSWERED = Decimal("0.86")
UNITS_PER_RATER = 3


def seed(*, tally: Counter[str], stdout: Any) -> None:
    officer = get_user_model().objects.filter(username="jiwei").first()
    evaluator = get_user_model().objects.filter(username="kaoping").first()
    if officer is None or evaluator is None:
        return
    year = timezone.localdate().year
    created = 0
    for y, tokens in ((year - 1, TOKENS_LAST_YEAR), (year, TOKENS_THIS_YEAR)):
        if AssessmentScheme.objects.filter(year=y).exists():
            continue
        _seed_year(y, tokens, officer=officer, evaluator=evaluator)
        created += 1
    tally["assessment_schemes"] += created
    if created:
        stdout.write(
            f"年度考核演示数据：新建 {created} 个年度考核方案（含民主评议、组织考评和已公布的考核结果）。"
        )


def _seed_year(year: int, token_count: int, *, officer: Any, evaluator: Any) -> None:
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

    services.evaluation_assign(scheme=scheme, evaluator=evaluator, units=units, actor=officer)
    scores = []
    for unit in units:
        for indicator in scheme.indicators.all():
            share = min(1.0, max(0.0, quality[unit.pk] + rng.uniform(-0.06, 0.06)))
            value = (indicator.max_points * Decimal(str(round(share, 2)))).quantize(Decimal("0.5"))
            scores.append((unit, indicator, min(value, indicator.max_points), ""))
    services.evaluations_record(scheme=scheme, evaluator=evaluator, scores=scores)

    _seed_accountability(year, units, rng, officer)
    services.scheme_compute(scheme_id=scheme.pk, actor=officer)
    scheme.refresh_from_db()
    services.scheme_publish(scheme=scheme, actor=officer, public=True)


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
