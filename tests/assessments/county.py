"""A small county built by hand for the assessment tests, through the real services.

Twelve units in two groups. Each unit gets one 基层群众 and one 企业 survey vote (every
dimension answered alike), one special-evaluation score (max 100) and organisational
scores on two indicators (max 50 each; two evaluators on the first). Weights 40/30/30.

    survey  = 60 % × 基层 value + 40 % × 企业 value        (满意 1, 基本满意 0.6, 不满意 0)
    special = score
    org     = mean(ev1, ev2 on 指标一) + score on 指标二
    weighted = 0.4 survey + 0.3 special + 0.3 org
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group

from assessments import services
from assessments.models import (
    AdjustmentRule,
    Component,
    GradeRule,
    Indicator,
    RecognitionRule,
)
from campaign.models import AccountabilityAction
from campaign.services import accountability_action_record
from tests.factories import UserFactory, make_unit
from units import roles
from units import services as unit_services
from units.models import AssessmentGroup, Unit

YEAR = 2026
S, B, N = "满意", "基本满意", "不满意"

# unit: (group, 基层, 企业, special, org1 by evaluator 1, org1 by evaluator 2, org2)
TABLE = {
    "U1": ("A", S, S, 95, 48, 50, 47),
    "U2": ("A", S, B, 90, 45, 45, 45),
    "U3": ("A", B, B, 80, 40, 42, 40),
    "U4": ("A", S, S, 92, 46, 46, 46),
    "U5": ("A", N, B, 70, 35, 35, 35),
    "U6": ("A", S, N, 85, 42, 44, 42),
    "U7": ("B", S, S, 96, 48, 48, 48),
    "U8": ("B", S, S, 96, 48, 48, 48),
    "U9": ("B", B, S, 88, 44, 44, 44),
    "U10": ("B", S, B, 80, 40, 40, 40),
    "U11": ("B", B, N, 60, 30, 30, 30),
    "U12": ("B", S, S, 91, 45, 45, 45),
}


def d(value: str) -> Decimal:
    return Decimal(value)


def build_county(officer, *, extra_units: int = 0):
    """Units, a scheme with rules, a survey with votes, evaluations and 问责 facts."""
    group_a = AssessmentGroup.objects.create(name="甲组", sort_order=10)
    group_b = AssessmentGroup.objects.create(name="乙组", sort_order=11)
    root = make_unit("样本县", kind=Unit.Kind.COUNTY, code="T")
    units = {
        code: make_unit(
            f"单位{code}", parent=root, code=f"T-{code}", group=group_a if g == "A" else group_b
        )
        for code, (g, *_rest) in TABLE.items()
    }
    for i in range(extra_units):
        units[f"X{i}"] = make_unit(f"附加单位{i}", parent=root, code=f"T-X{i}", group=group_b)

    scheme = services.scheme_create(year=YEAR, name="2026年度作风建设考核", actor=officer)
    scheme.groups.set([group_a, group_b])
    special = Indicator.objects.create(
        scheme=scheme, component=Component.SPECIAL, name="重点工作", max_points=d("100")
    )
    org1 = Indicator.objects.create(
        scheme=scheme, component=Component.ORGANISATIONAL, name="责任制落实", max_points=d("50")
    )
    org2 = Indicator.objects.create(
        scheme=scheme, component=Component.ORGANISATIONAL, name="活动成果", max_points=d("50")
    )
    GradeRule.objects.create(scheme=scheme, grade="excellent", min_total=d("90"), max_share=d("25"))
    GradeRule.objects.create(scheme=scheme, grade="good", min_total=d("85"))
    GradeRule.objects.create(scheme=scheme, grade="average", min_total=d("60"))
    RecognitionRule.objects.create(scheme=scheme, kind="commend", scope="group", count=2)
    RecognitionRule.objects.create(scheme=scheme, kind="commend", scope="overall", count=3)
    RecognitionRule.objects.create(scheme=scheme, kind="talk", scope="overall", count=2)
    Kind, Veto = AdjustmentRule.Kind, AdjustmentRule.Veto
    rules = {
        "admonition": AdjustmentRule.objects.create(
            scheme=scheme,
            name="诫勉谈话",
            kind=Kind.ACCOUNTABILITY,
            parameter="admonition_talk",
            points=d("2"),
            cap=d("3"),
            sort_order=1,
        ),
        "serious": AdjustmentRule.objects.create(
            scheme=scheme,
            name="严重问责",
            kind=Kind.ACCOUNTABILITY,
            parameter="serious",
            points=d("5"),
            cap=d("10"),
            veto=Veto.EXCELLENT_NO_PROMOTION,
            sort_order=2,
        ),
        "criticism": AdjustmentRule.objects.create(
            scheme=scheme,
            name="问责通报批评",
            kind=Kind.ACCOUNTABILITY,
            parameter="criticism",
            points=d("3"),
            cap=d("6"),
            veto=Veto.EXCELLENT,
            sort_order=3,
        ),
        "reminder": AdjustmentRule.objects.create(
            scheme=scheme,
            name="提醒谈话",
            kind=Kind.ACCOUNTABILITY,
            parameter="reminder_talk",
            points=d("0.5"),
            sort_order=4,
        ),
    }
    scheme = services.scheme_open(scheme=scheme, actor=officer)

    survey = services.survey_create(
        scheme=scheme,
        title="2026年度机关作风民主评议",
        units=list(units.values()),
        actor=officer,
        categories=[("基层群众", d("60")), ("企业", d("40"))],
    )
    services.survey_open(survey=survey, actor=officer)
    grassroots, enterprise = list(survey.categories.order_by("sort_order"))
    options = {o.label: o.pk for o in survey.scale.all()}
    dimensions = list(survey.dimensions.values_list("pk", flat=True))
    services.tokens_generate(survey=survey, category=grassroots, count=1, actor=officer)
    services.tokens_generate(survey=survey, category=enterprise, count=1, actor=officer)
    # One code per category rates every unit: one vote per (code, unit).
    for category, column in ((grassroots, 1), (enterprise, 2)):
        code = survey.tokens.get(category=category).code
        ratings = {
            units[c].pk: dict.fromkeys(dimensions, options[row[column]]) for c, row in TABLE.items()
        }
        ratings.update(
            {units[c].pk: dict.fromkeys(dimensions, options[S]) for c in units if c.startswith("X")}
        )
        services.survey_submit(survey_id=survey.pk, code=code, ratings=ratings)

    evaluator_group = Group.objects.get(name=roles.EVALUATOR)
    ev1 = UserFactory(username="kp1", groups=[roles.EVALUATOR])
    ev2 = UserFactory(username="kp2", groups=[roles.EVALUATOR])
    assert evaluator_group.user_set.count() >= 2
    services.evaluation_assign(
        scheme=scheme, evaluator=ev1, units=list(units.values()), actor=officer
    )
    services.evaluation_assign(
        scheme=scheme, evaluator=ev2, units=[units[c] for c in TABLE], actor=officer
    )
    scores1, scores2 = [], []
    for c, (_g, _a, _b, sp, o1a, o1b, o2) in TABLE.items():
        u = units[c]
        scores1 += [
            (u, special, d(str(sp)), ""),
            (u, org1, d(str(o1a)), ""),
            (u, org2, d(str(o2)), ""),
        ]
        scores2 += [(u, org1, d(str(o1b)), "")]
    for c in units:
        if c.startswith("X"):
            scores1 += [(units[c], special, d("80"), ""), (units[c], org1, d("40"), "")]
    services.evaluations_record(scheme=scheme, evaluator=ev1, scores=scores1)
    services.evaluations_record(scheme=scheme, evaluator=ev2, scores=scores2)

    K = AccountabilityAction.Kind

    def act(code, kind, day, **kw):
        return accountability_action_record(
            kind=kind, reason="作风问题", actor=officer, unit=units.get(code), date=day, **kw
        )

    facts = {
        "U1": [act("U1", K.CRITICISM, datetime.date(YEAR, 3, 1))],
        "U4": [act("U4", K.ADMONITION_TALK, datetime.date(YEAR, 4, d_)) for d_ in (1, 2)],
        "U5": [act("U5", K.ADMONITION_TALK, datetime.date(YEAR, 5, d_)) for d_ in (1, 2, 3)],
        "U7": [act("U7", K.PARTY_DISCIPLINE, datetime.date(YEAR, 6, 1))],
        "U9": [act("U9", K.REMINDER_TALK, datetime.date(YEAR, 7, d_)) for d_ in (1, 2)],
    }
    # Last year's talk for U12 does not count this year.
    act("U12", K.REMINDER_TALK, datetime.date(YEAR - 1, 12, 31))
    # A talk with a cadre of U10 counts against U10.
    person = unit_services.person_create(name="吴科长", title="科长", unit=units["U10"])
    facts["U10"] = [
        accountability_action_record(
            kind=K.REMINDER_TALK,
            reason="作风问题",
            actor=officer,
            person=person,
            date=datetime.date(YEAR, 8, 1),
        )
    ]
    return {"scheme": scheme, "units": units, "rules": rules, "survey": survey, "facts": facts}
