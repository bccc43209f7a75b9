"""Campaign and complaint facts feed the adjustment lines (the real models, now installed).

The rows are written directly: these tests are about what scoring reads from a given
state of the campaign and complaint tables, not about how those apps reach that state.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import facts, services
from assessments.models import AdjustmentLine, AdjustmentRule, AssessmentResult, Indicator
from campaign.models import (
    AccountabilityAction,
    Campaign,
    Circular,
    CircularMention,
    Deliverable,
    Finding,
    Inspection,
    RectificationItem,
    Submission,
)
from complaints.models import Complaint
from units.models import Unit

pytestmark = pytest.mark.django_db

YEAR = 2025  # a past year: everything "overdue" is judged at its year end


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def scheme(cast):
    scheme = services.scheme_create(year=YEAR, name="2025年度考核", actor=cast.officer)
    Indicator.objects.create(scheme=scheme, component="special", name="重点工作", max_points=100)
    Indicator.objects.create(
        scheme=scheme, component="organisational", name="活动成果", max_points=100
    )
    return services.scheme_open(scheme=scheme, actor=cast.officer)


def _rule(scheme, kind, points, *, parameter="", cap=None, sign=-1, veto=""):
    return AdjustmentRule.objects.create(
        scheme=scheme,
        name=f"{kind}:{parameter}",
        kind=kind,
        parameter=parameter,
        points=Decimal(points),
        cap=cap,
        sign=sign,
        veto=veto,
    )


def _lines(scheme, rule, unit):
    return list(
        AdjustmentLine.objects.filter(scheme=scheme, rule=rule, unit=unit).order_by("occurrence")
    )


def test_campaign_facts(scheme, cast):
    Item = RectificationItem
    Mention = CircularMention
    K = AdjustmentRule.Kind
    rules = {
        "overdue": _rule(scheme, K.ITEM_OVERDUE, "1"),
        "unclosed": _rule(scheme, K.ITEM_UNCLOSED, "0.5"),
        "late": _rule(scheme, K.DELIVERABLE_LATE, "0.5"),
        "missing": _rule(scheme, K.DELIVERABLE_MISSING, "1"),
        "serious": _rule(scheme, K.FINDING, "3", parameter="serious"),
        "criticised": _rule(scheme, K.CIRCULAR_CRITICISM, "2", veto="excellent"),
        "commended": _rule(scheme, K.CIRCULAR_COMMENDATION, "1", sign=1),
    }
    a, b = cast.dept_a, cast.dept_b
    campaign = Campaign.objects.create(
        name="2025年作风建设年",
        year=YEAR,
        status="active",  # deliverables of a campaign never launched are nobody's to miss
        scope=cast.root,
        start_date=datetime.date(YEAR, 1, 1),
        end_date=datetime.date(YEAR, 12, 31),
    )
    other_year = Campaign.objects.create(
        name="2024年作风建设年",
        year=YEAR - 1,
        scope=cast.root,
        start_date=datetime.date(YEAR - 1, 1, 1),
        end_date=datetime.date(YEAR - 1, 12, 31),
    )

    def item(unit, status, deadline, closed=None, long_term=False, campaign=campaign):
        return Item.objects.create(
            campaign=campaign,
            unit=unit,
            problem="窗口服务态度差",
            status=status,
            deadline=deadline,
            closed_at=_aware(closed) if closed else None,
            long_term=long_term,
        )

    late_closed = item(a, "closed", datetime.date(YEAR, 3, 1), closed=datetime.date(YEAR, 4, 1))
    open_overdue = item(a, "in_progress", datetime.date(YEAR, 6, 1))
    item(a, "closed", datetime.date(YEAR, 6, 1), closed=datetime.date(YEAR, 5, 1))  # on time
    item(a, "in_progress", datetime.date(YEAR, 6, 1), long_term=True)  # 长期坚持
    item(a, "draft", datetime.date(YEAR, 6, 1))  # never filed
    item(b, "in_progress", datetime.date(YEAR - 1, 6, 1), campaign=other_year)  # last year

    plan = Deliverable.objects.create(
        campaign=campaign, kind="action_plan", title="行动方案", due_date=datetime.date(YEAR, 1, 30)
    )
    late = Submission.objects.create(
        deliverable=plan, unit=a, status="accepted", submitted_at=_aware(datetime.date(YEAR, 2, 5))
    )
    Submission.objects.create(
        deliverable=plan,
        unit=b,
        status="submitted",
        submitted_at=_aware(datetime.date(YEAR, 1, 20)),
    )

    inspection = Inspection.objects.create(
        campaign=campaign, kind=Inspection.Kind.values[0], date=datetime.date(YEAR, 5, 5)
    )
    serious = Finding.objects.create(
        inspection=inspection, unit=b, severity="serious", description="上班时间脱岗"
    )
    Finding.objects.create(
        inspection=inspection, unit=b, severity="minor", description="着装不规范"
    )

    criticism = Circular.objects.create(
        campaign=campaign,
        number=1,
        kind="criticism",
        title="通报批评",
        body="……",
        status="published",
        published_at=_aware(datetime.date(YEAR, 7, 1)),
    )
    praise = Circular.objects.create(
        campaign=campaign,
        number=2,
        kind="commendation",
        title="通报表扬",
        body="……",
        status="published",
        published_at=_aware(datetime.date(YEAR, 8, 1)),
    )
    draft = Circular.objects.create(
        campaign=campaign, number=3, kind="criticism", title="草稿", body="……", status="draft"
    )
    Mention.objects.create(circular=criticism, unit=b, tone="negative")
    Mention.objects.create(circular=praise, unit=a, tone="positive")
    Mention.objects.create(circular=draft, unit=a, tone="negative")

    services.scheme_compute(scheme_id=scheme.pk)

    assert [line.evidence for line in _lines(scheme, rules["overdue"], a)] == [
        late_closed,
        open_overdue,
    ]
    assert [line.evidence for line in _lines(scheme, rules["unclosed"], a)] == [open_overdue]
    assert not _lines(scheme, rules["overdue"], b)
    assert [line.evidence for line in _lines(scheme, rules["late"], a)] == [late]
    assert not _lines(scheme, rules["late"], b)
    missing = {line.unit_id for line in AdjustmentLine.objects.filter(rule=rules["missing"])}
    assert a.pk not in missing and b.pk not in missing and cast.township.pk in missing
    assert [line.evidence for line in _lines(scheme, rules["serious"], b)] == [serious]
    assert [line.evidence for line in _lines(scheme, rules["criticised"], b)] == [criticism]
    assert [(line.evidence, line.points) for line in _lines(scheme, rules["commended"], a)] == [
        (praise, Decimal("1.00"))
    ]
    result_a = AssessmentResult.objects.get(scheme=scheme, unit=a)
    result_b = AssessmentResult.objects.get(scheme=scheme, unit=b)
    # a: −1 −1 (overdue) −0.5 (unclosed) −0.5 (late) +1 (commended) = −2.00
    assert result_a.adjustments == Decimal("-2.00") and not result_a.veto_excellent
    # b: −3 (serious finding) −2 (criticised) = −5.00, and vetoed from excellent
    assert result_b.adjustments == Decimal("-5.00") and result_b.veto_excellent


def test_complaint_facts(scheme, cast):
    K = AdjustmentRule.Kind
    substantiated = _rule(scheme, K.COMPLAINT_SUBSTANTIATED, "2", cap=Decimal("3"))
    partly = _rule(scheme, K.COMPLAINT_SUBSTANTIATED, "1", parameter="partly")
    overdue = _rule(scheme, K.COMPLAINT_OVERDUE, "1")
    a = cast.dept_a
    counter = iter(range(1, 100))

    def complaint(
        verdict, *, deadline, closed=None, status="closed", received=datetime.date(YEAR, 3, 1)
    ):
        n = next(counter)
        return Complaint.objects.create(
            number=f"TS{YEAR}{n:04d}",
            tracking_code=f"CODE{n:012d}",
            channel="web",
            title="办事难",
            content="……",
            unit=a,
            status=status,
            verdict=verdict,
            received_at=_aware(received),
            deadline=deadline,
            closed_at=_aware(closed) if closed else None,
        )

    first = complaint(
        "substantiated", deadline=datetime.date(YEAR, 3, 20), closed=datetime.date(YEAR, 3, 10)
    )
    second = complaint(
        "substantiated", deadline=datetime.date(YEAR, 4, 20), closed=datetime.date(YEAR, 4, 25)
    )
    half = complaint(
        "partly", deadline=datetime.date(YEAR, 5, 20), closed=datetime.date(YEAR, 5, 10)
    )
    stuck = complaint("", deadline=datetime.date(YEAR, 11, 1), status="assigned")
    complaint(
        "substantiated",
        deadline=datetime.date(YEAR - 1, 3, 1),
        closed=datetime.date(YEAR - 1, 3, 1),
        received=datetime.date(YEAR - 1, 2, 1),
    )  # last year's

    services.scheme_compute(scheme_id=scheme.pk)

    lines = _lines(scheme, substantiated, a)
    assert [(line.evidence, line.points, line.capped) for line in lines] == [
        (first, Decimal("-2.00"), False),
        (second, Decimal("-1.00"), True),  # capped at 3
    ]
    assert [line.evidence for line in _lines(scheme, partly, a)] == [half]
    assert {line.evidence for line in _lines(scheme, overdue, a)} == {second, stuck}


def test_fact_sources_read_the_evidence_models_directly(scheme):
    """No probing of which apps exist: each kind's facts come from its evidence model."""
    ctx = facts.FactContext(
        year=YEAR, cutoff=datetime.date(YEAR, 12, 31), unit_ids=Unit.objects.values("pk")
    )
    K = AdjustmentRule.Kind
    expected = {
        K.COMPLAINT_SUBSTANTIATED: Complaint,
        K.COMPLAINT_OVERDUE: Complaint,
        K.ITEM_OVERDUE: RectificationItem,
        K.ITEM_UNCLOSED: RectificationItem,
        K.DELIVERABLE_LATE: Submission,
        K.FINDING: Finding,
        K.ACCOUNTABILITY: AccountabilityAction,
        K.CIRCULAR_CRITICISM: Circular,
        K.CIRCULAR_COMMENDATION: Circular,
    }
    for kind, model in expected.items():
        rule = _rule(scheme, kind, "1")
        assert [found.model for found in facts.facts_for(rule, ctx)] == [model], kind
    # Missing deliverables: one source per deliverable due (none this year yet).
    assert facts.facts_for(_rule(scheme, K.DELIVERABLE_MISSING, "1"), ctx) == []
    assert not hasattr(facts, "get_fact_model")
