"""One small county built by hand, and every figure of docs/FIGURES.md on every page.

Four units (the cast's three plus 县交通运输局), a campaign with twelve rectification items
and three deliverables, thirteen complaints, a few 问责, a finding and two circulars, all
with fixed dates; "today" is 5 December 2026 (the results are provisional) and, at the end,
10 January 2027 (the whole year). Every expected value below is a literal worked by hand,
the arithmetic in the comment beside it; the same value is then read from each page that
prints it: the complaint figures page, the campaign overview, a deliverable's page, the
workspace panel, the progress circular, the scheme page, the ranking (dashboard), a unit's
result page and the results workbook. Scoring's lines are counted against the same figures.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services as assessment_services
from assessments.models import (
    AdjustmentLine,
    AdjustmentRule,
    AssessmentResult,
    AssessmentScheme,
    Component,
    GradeRule,
    Indicator,
    RecognitionRule,
)
from bench.floor import floor_totals
from campaign import selectors as campaign_selectors
from campaign import services as campaign_services
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
from complaints import selectors as complaint_selectors
from complaints.models import Complaint
from tests.factories import make_unit
from units.rates import format_percent, percent

pytestmark = pytest.mark.django_db

# The benchmark's floor (bench/floor.py) is hand-written PostgreSQL (AT TIME ZONE, FILTER).
postgres_floor = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bench/floor.py is PostgreSQL's SQL"
)

YEAR = 2026
TODAY = datetime.date(2026, 12, 5)
AFTER_YEAR = datetime.date(2027, 1, 10)
D = datetime.date


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def today(monkeypatch):
    """Pages, selectors and scoring read "today" from timezone.localdate: fix it."""

    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_day(TODAY)
    return set_day


# --- The county ---------------------------------------------------------------------------


@pytest.fixture
def county(cast, today):
    a, b, c = cast.dept_a, cast.dept_b, cast.township
    # 县交通运输局 in 县市场监督管理局's group (执法监管部门); 县教育局 alone in its group.
    d = make_unit("县交通运输局", parent=cast.root, code="SLX-JTJ", group=a.group)
    units = {"A": a, "B": b, "C": c, "D": d}

    campaign = Campaign.objects.create(
        name="2026年作风建设年",
        year=YEAR,
        scope=cast.root,
        status=Campaign.Status.ACTIVE,
        start_date=D(YEAR, 1, 1),
        end_date=D(YEAR, 12, 31),
    )
    _items(campaign, units)
    deliverables = _deliverables(campaign, units)
    _complaints(units)
    scheme = _scheme(cast, units)
    _other_facts(cast, campaign, units)
    return {
        "units": units,
        "campaign": campaign,
        "deliverables": deliverables,
        "scheme": scheme,
    }


def _items(campaign, units):
    S = RectificationItem.Status

    def item(code, status, deadline, *, closed=None, long_term=False):
        return RectificationItem.objects.create(
            campaign=campaign,
            unit=units[code],
            problem=f"{code} 整改事项 {deadline}",
            status=status,
            deadline=deadline,
            closed_at=_at(closed) if closed else None,
            long_term=long_term,
        )

    # A: seven filed, one closed (the "1 of 7 closed").
    item("A", S.CLOSED, D(2026, 6, 30), closed=D(2026, 6, 20))  # on time
    item("A", S.IN_PROGRESS, D(2026, 11, 30))  # overdue
    item("A", S.IN_PROGRESS, D(2026, 12, 20))  # due 20 December: not yet
    item("A", S.ACCEPTED, D(2027, 1, 4))  # due 4 January: not yet, not even at year end
    item("A", S.IN_PROGRESS, D(2026, 9, 30), long_term=True)  # 长期坚持: no hard deadline
    item("A", S.SUBMITTED, D(2026, 12, 31))  # due on the last day
    item("A", S.CLOSURE_REQUESTED, D(2026, 10, 31))  # overdue (asking is not closed)
    item("A", S.DRAFT, D(2026, 5, 1))  # a draft: never counted
    # B: three filed, two closed, one of them late.
    item("B", S.CLOSED, D(2026, 5, 31), closed=D(2026, 6, 10))  # closed late
    item("B", S.CLOSED, D(2026, 8, 31), closed=D(2026, 8, 1))  # on time
    item("B", S.IN_PROGRESS, D(2026, 12, 20))
    # C: one, overdue.
    item("C", S.IN_PROGRESS, D(2026, 7, 31))


def _deliverables(campaign, units):
    def deliverable(title, kind, due):
        return Deliverable.objects.create(campaign=campaign, kind=kind, title=title, due_date=due)

    plan = deliverable("行动方案", "action_plan", D(2026, 3, 31))
    norms = deliverable("个人行为规范", "individual_norms", D(2026, 11, 25))
    summary = deliverable("总结报告", "summary", D(2026, 12, 20))  # not due yet

    def hand_in(d, code, day, status):
        Submission.objects.create(
            deliverable=d, unit=units[code], status=status, text="材料", submitted_at=_at(day)
        )

    hand_in(plan, "A", D(2026, 3, 20), "accepted")  # on time
    hand_in(plan, "B", D(2026, 4, 5), "accepted")  # late
    hand_in(plan, "C", D(2026, 3, 30), "returned")  # returned: not handed in → missing
    hand_in(norms, "A", D(2026, 11, 20), "submitted")  # on time
    hand_in(norms, "C", D(2026, 11, 28), "submitted")  # late
    # D hands in nothing; B nothing for 个人行为规范.
    return {"plan": plan, "norms": norms, "summary": summary}


def _complaints(units):
    counter = iter(range(1, 100))

    def complaint(
        subject,
        handler,
        status,
        *,
        deadline=None,
        answered=None,
        closed=None,
        verdict="",
        satisfaction="",
        received=None,
    ):
        n = next(counter)
        return Complaint.objects.create(
            number=f"TS2026{n:04d}",
            tracking_code=f"FIG{n:013d}",
            channel="web",
            title=f"投诉 {n}",
            content="……",
            subject_unit=units[subject] if subject else None,
            unit=units[handler] if handler else None,
            status=status,
            received_at=_at(received or D(2026, 3, 1)),
            deadline=deadline,
            answered_at=_at(answered) if answered else None,
            closed_at=_at(closed) if closed else None,
            verdict=verdict,
            satisfaction=satisfaction,
        )

    # c1: answered on time, closed after the deadline (the return visit took a while): on time.
    complaint("A", "A", "closed", deadline=D(2026, 3, 20), answered=D(2026, 3, 15),
              closed=D(2026, 3, 25), verdict="substantiated", satisfaction="satisfied")  # fmt: skip
    # c2: answered after the deadline: closed late.
    complaint("A", "A", "closed", deadline=D(2026, 4, 20), answered=D(2026, 4, 25),
              closed=D(2026, 4, 28), verdict="unsubstantiated", satisfaction="basically")  # fmt: skip
    complaint("A", "A", "assigned", deadline=D(2026, 11, 20))  # c3: overdue
    complaint("A", "A", "assigned", deadline=D(2026, 12, 20))  # c4: not yet due
    # c5: answered on time, waiting for review: neither closed nor overdue.
    complaint("A", "A", "answered", deadline=D(2026, 12, 1), answered=D(2026, 11, 28),
              verdict="unsubstantiated")  # fmt: skip
    complaint("A", None, "registered")  # c6: not yet decided
    complaint("A", None, "rejected", closed=D(2026, 3, 3))  # c7: not accepted
    # c8: about 县教育局, handled by 县市场监督管理局: it counts against 县教育局.
    complaint("B", "A", "closed", deadline=D(2026, 6, 10), answered=D(2026, 6, 12),
              closed=D(2026, 6, 15), verdict="partly")  # fmt: skip
    complaint(
        "B",
        "B",
        "closed",
        deadline=D(2026, 5, 10),
        answered=D(2026, 5, 5),
        closed=D(2026, 5, 8),
        verdict="substantiated",
        satisfaction="satisfied",
    )  # c9; fmt: skip
    # c10: sent back for re-handling, its deadline passed: overdue.
    complaint("B", "B", "sent_back", deadline=D(2026, 11, 30), answered=D(2026, 11, 25))
    complaint("C", "C", "assigned", deadline=D(2026, 10, 10))  # c11: overdue
    complaint(
        "C",
        "C",
        "closed",
        deadline=D(2026, 9, 1),
        answered=D(2026, 8, 20),
        closed=D(2026, 8, 25),
        verdict="substantiated",
        satisfaction="satisfied",
    )  # c12; fmt: skip
    complaint("D", None, "registered")  # c13: about 县交通运输局, not routed yet
    # Last year's: outside every 2026 figure.
    complaint("A", "A", "closed", deadline=D(2025, 3, 1), answered=D(2025, 3, 10),
              closed=D(2025, 3, 12), verdict="substantiated", received=D(2025, 2, 1))  # fmt: skip


def _scheme(cast, units):
    officer = cast.officer
    # The special evaluation alone (weight 100): the weighted score is the evaluator's score.
    scheme = assessment_services.scheme_create(
        year=YEAR,
        name="2026年度机关作风建设考核",
        actor=officer,
        weight_survey=Decimal("0"),
        weight_special=Decimal("100"),
        weight_organisational=Decimal("0"),
    )
    indicator = Indicator.objects.create(
        scheme=scheme, component=Component.SPECIAL, name="重点工作推进", max_points=Decimal("100")
    )
    GradeRule.objects.create(scheme=scheme, grade="excellent", min_total=90, max_share=50)
    GradeRule.objects.create(scheme=scheme, grade="good", min_total=80)
    GradeRule.objects.create(scheme=scheme, grade="average", min_total=60)
    RecognitionRule.objects.create(scheme=scheme, kind="commend", scope="group", count=1)
    RecognitionRule.objects.create(scheme=scheme, kind="commend", scope="overall", count=2)
    RecognitionRule.objects.create(scheme=scheme, kind="talk", scope="overall", count=1)
    K, V = AdjustmentRule.Kind, AdjustmentRule.Veto
    for order, (name, kind, parameter, sign, points, cap, veto) in enumerate(
        [
            ("投诉举报属实", K.COMPLAINT_SUBSTANTIATED, "", -1, "2", "10", ""),
            ("投诉逾期办结", K.COMPLAINT_OVERDUE, "", -1, "1", "5", ""),
            ("整改事项逾期", K.ITEM_OVERDUE, "", -1, "1", "5", ""),
            ("整改事项年底未销号", K.ITEM_UNCLOSED, "", -1, "0.5", "3", ""),
            ("规定动作材料迟报", K.DELIVERABLE_LATE, "", -1, "0.5", "2", ""),
            ("规定动作材料未报", K.DELIVERABLE_MISSING, "", -1, "1", "4", ""),
            ("明察暗访发现一般问题", K.FINDING, "minor", -1, "0.5", "3", ""),
            ("问责通报批评", K.ACCOUNTABILITY, "criticism", -1, "3", "6", V.EXCELLENT),
            ("严重问责", K.ACCOUNTABILITY, "serious", -1, "5", "10", V.FULL),
            ("被通报批评", K.CIRCULAR_CRITICISM, "", -1, "2", "6", V.EXCELLENT),
            ("被通报表扬", K.CIRCULAR_COMMENDATION, "", 1, "1", "3", ""),
        ],
        start=1,
    ):
        AdjustmentRule.objects.create(
            scheme=scheme,
            name=name,
            kind=kind,
            parameter=parameter,
            sign=sign,
            points=Decimal(points),
            cap=Decimal(cap),
            veto=veto,
            sort_order=order,
        )
    scheme = assessment_services.scheme_open(scheme=scheme, actor=officer)
    assessment_services.evaluation_assign(
        scheme=scheme, evaluator=cast.evaluator, units=list(units.values()), actor=officer
    )
    scores = {"A": "96", "B": "85", "C": "95", "D": "84"}
    assessment_services.evaluations_record(
        scheme=scheme,
        evaluator=cast.evaluator,
        scores=[(units[code], indicator, Decimal(score), "") for code, score in scores.items()],
    )
    return scheme


def _other_facts(cast, campaign, units):
    K = AccountabilityAction.Kind
    record = campaign_services.accountability_action_record
    record(kind=K.CRITICISM, reason="窗口服务差", actor=cast.officer, unit=units["A"],
           date=D(2026, 3, 1), document_number="示纪〔2026〕1号")  # fmt: skip
    record(kind=K.PARTY_DISCIPLINE, reason="严重违纪", actor=cast.officer, unit=units["C"],
           date=D(2026, 6, 1), document_number="示纪〔2026〕2号")  # fmt: skip
    inspection = Inspection.objects.create(
        campaign=campaign, kind=Inspection.Kind.values[0], date=D(2026, 5, 5)
    )
    Finding.objects.create(
        inspection=inspection, unit=units["B"], severity="minor", description="着装"
    )
    for number, kind, tone, code in (
        (1, "criticism", "negative", "A"),
        (2, "commendation", "positive", "D"),
    ):
        circular = Circular.objects.create(
            campaign=campaign, number=number, kind=kind, title=f"第{number}期", body="……",
            status="published", published_at=_at(D(2026, 7, number)),
        )  # fmt: skip
        CircularMention.objects.create(circular=circular, unit=units[code], tone=tone)


# --- The figures, worked by hand ------------------------------------------------------------

# Complaints of 2026 by the unit complained about, as of 5 December (docs/FIGURES.md):
# A: c1–c7. decided 6 (c6 still registered), accepted 5 (c7 rejected); closed 2 (c1, c2);
#    closed on time 1 (c1: answered 3-15 ≤ 3-20); overdue 1 (c3, 11-20 < 12-05);
#    late 2 (c2 answered after its deadline, c3); rated 2, satisfied 2 (c1, c2 basically);
#    judged 3 (c1, c2, c5), substantiated 1 (c1).
#    受理率 5/6 = 83.3; 按时办结率 1/(2+1) = 33.3; 办结率 2/5 = 40.0; 满意率 2/2 = 100.0;
#    属实率 1/3 = 33.3.
# B: c8 (handled by A), c9, c10. decided 3, accepted 3, closed 2 (c8, c9), on time 1 (c9),
#    overdue 1 (c10 sent back, 11-30 passed), late 2 (c8 answered 6-12 > 6-10, c10);
#    rated 1 satisfied 1; judged 2 (c8 partly, c9), substantiated 2.
#    受理率 3/3 = 100.0; 按时办结率 1/(2+1) = 33.3; 办结率 2/3 = 66.7; 满意率 100.0; 属实率 100.0.
# C: c11, c12. decided 2, accepted 2, closed 1, on time 1, overdue 1 (c11), late 1;
#    按时办结率 1/(1+1) = 50.0; 办结率 1/2 = 50.0; 满意率 1/1 = 100.0; 属实率 1/1 = 100.0.
# D: c13, registered: total 1, nothing decided: every rate "—".
COMPLAINTS = {
    #     total decided accepted closed on_time overdue late  受理率 按时办结率 办结率 满意率 属实率
    "A": (7, 6, 5, 2, 1, 1, 2, "83.3", "33.3", "40.0", "100.0", "33.3"),
    "B": (3, 3, 3, 2, 1, 1, 2, "100.0", "33.3", "66.7", "100.0", "100.0"),
    "C": (2, 2, 2, 1, 1, 1, 1, "100.0", "50.0", "50.0", "100.0", "100.0"),
    "D": (1, 0, 0, 0, 0, 0, 0, None, None, None, None, None),
}

# Rectification items of the campaign as of 5 December:
# A: filed 7 (the draft not), closed 1 (on time), overdue 2 (11-30, 10-31; not 12-20, not
#    2027-01-04, not the long-term one, not 12-31), late 2, long-term 1.
#    整改率 1/7 = 14.3 (not 14.0); 按期整改率 1/(1+2) = 33.3.
# B: filed 3, closed 2 (one on time, one 6-10 > 5-31), overdue 0, late 1.
#    整改率 2/3 = 66.7; 按期整改率 1/(2+0) = 50.0.
# C: filed 1, closed 0, overdue 1, late 1. 整改率 0/1 = 0.0; 按期整改率 0/(0+1) = 0.0.
# Ranked by 整改率: B, A, C (D has no items).
ITEMS = {
    #     items closed on_time overdue late 整改率 按期整改率
    "B": (3, 2, 1, 0, 1, "66.7", "50.0"),
    "A": (7, 1, 1, 2, 2, "14.3", "33.3"),
    "C": (1, 0, 0, 1, 1, "0.0", "0.0"),
}
# Campaign: 11 filed, 3 closed, 2 on time, 3 overdue, 4 late, 1 long-term;
# 整改率 3/11 = 27.3; 按期整改率 2/(3+3) = 33.3.
TOTALS = {
    "items": 11,
    "closed": 3,
    "closed_on_time": 2,
    "overdue": 3,
    "late": 4,
    "long_term": 1,
    "closure_rate": Decimal("27.3"),
    "on_time_rate": Decimal("33.3"),
}

# Deliverables (required of A, B, C, D: the units directly under the county):
# 行动方案 (due 3-31): handed in A (on time), B (4-05, late); C's was returned; D none →
#   late 1, missing 2 (C, D). 个人行为规范 (due 11-25): A on time, C 11-28 late; B, D none →
#   late 1, missing 2 (B, D). 总结报告 (due 12-20): not due, missing 0.
DELIVERABLES = {
    #           submitted accepted late handed_in missing
    "plan": (3, 2, 1, 2, 2),
    "norms": (2, 0, 1, 2, 2),
    "summary": (0, 0, 0, 0, 0),
}

# Scoring as of 5 December (provisional), total = the evaluator's score + the lines:
# A: 96 − 2 (c1 属实) − 2 (c2, c3 逾期) − 2 (two items overdue) − 3 (问责通报批评)
#       − 2 (被通报批评) = 85.00; 不得评优 (two rules).
# B: 85 − 2 (c9 属实; c8 is 部分属实) − 2 (c8, c10) − 1 (item closed late) − 0.5 (行动方案
#       迟报) − 1 (个人行为规范 未报) − 0.5 (明察暗访 一般问题) = 78.00.
# C: 95 − 2 (c12) − 1 (c11) − 1 (item) − 0.5 (个人行为规范 迟报) − 1 (行动方案 returned:
#       未报) − 5 (严重问责, 一票否决) = 84.50 → 较差, ranked after every other unit.
# D: 84 − 2 (both materials 未报) + 1 (通报表扬) = 83.00.
# 整改事项年底未销号: nothing before the year is over (the 12-20 and 2027-01-04 items too).
# Ranks: A 85.00 (1), D 83.00 (2), B 78.00 (3), C (4, vetoed). In group: A 1, D 2 (执法监管),
#   B 1 (综合管理), C 1 (乡镇). Grades: A 良好 (85 ≥ 80, and vetoed from 优秀), D 良好,
#   B 一般 (78 ≥ 60), C 较差 (vetoed).
# 通报表扬 (group top 1, overall top 2, from 良好 up): A vetoed, no; B first of its group but
#   一般, no; C vetoed, no; D second overall and 良好: yes. 约谈提醒 (overall bottom 1): C.
RESULTS = {
    #     total  rank group grade commended talk veto
    "A": ("85.00", 1, 1, "good", False, False, "excellent"),
    "D": ("83.00", 2, 2, "good", True, False, ""),
    "B": ("78.00", 3, 1, "average", False, False, ""),
    "C": ("84.50", 4, 1, "poor", False, True, "full"),
}
LINES = {
    # (unit, rule) → occurrences
    ("A", "投诉举报属实"): 1,
    ("A", "投诉逾期办结"): 2,
    ("A", "整改事项逾期"): 2,
    ("A", "问责通报批评"): 1,
    ("A", "被通报批评"): 1,
    ("B", "投诉举报属实"): 1,
    ("B", "投诉逾期办结"): 2,
    ("B", "整改事项逾期"): 1,
    ("B", "规定动作材料迟报"): 1,
    ("B", "规定动作材料未报"): 1,
    ("B", "明察暗访发现一般问题"): 1,
    ("C", "投诉举报属实"): 1,
    ("C", "投诉逾期办结"): 1,
    ("C", "整改事项逾期"): 1,
    ("C", "规定动作材料迟报"): 1,
    ("C", "规定动作材料未报"): 1,
    ("C", "严重问责"): 1,
    ("D", "规定动作材料未报"): 2,
    ("D", "被通报表扬"): 1,
}


def _pct(value):
    return None if value is None else Decimal(value)


def _code(units, unit_id):
    return next(code for code, unit in units.items() if unit.pk == unit_id)


# --- The rate ----------------------------------------------------------------------------


def test_one_rate_rounded_half_up_to_one_decimal():
    assert percent(1, 7) == Decimal("14.3")  # 14.2857…, never 14.0
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3 (half up, not to even)
    assert percent(1, 40) == Decimal("2.5")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(0, 5) == Decimal("0.0")
    assert percent(3, 3) == Decimal("100.0")
    assert percent(1, 0) is None
    assert format_percent(percent(1, 7)) == "14.3%" and format_percent(None) == "—"


# --- Every figure on every page ------------------------------------------------------------


def test_complaint_figures_page(county, client_for, cast):
    units = county["units"]
    response = client_for(cast.officer).get(reverse("complaints:figures") + "?by=unit&year=2026")
    assert response.status_code == 200
    rows = {_code(units, r["unit_id"]): r for r in response.context["rows"]}
    assert set(rows) == set(COMPLAINTS)
    html = response.content.decode()
    assert 'data-testid="as-of"' in html and "2026-12-05" in html
    for code, expected in COMPLAINTS.items():
        r = rows[code]
        counts = (r["total"], r["decided"], r["accepted"], r["closed"], r["closed_on_time"])
        counts += (r["overdue"], r["late"])
        rates = (
            r["acceptance_rate"],
            r["on_time_rate"],
            r["closure_rate"],
            r["satisfaction_rate"],
            r["substantiation_rate"],
        )
        assert counts == expected[:7], code
        assert rates == tuple(_pct(v) for v in expected[7:]), code
        # The row as printed.
        row_html = re.search(rf'<tr data-row="{units[code].name}">(.*?)</tr>', html, re.S)[1]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)
        printed = [f"{v}%" if v is not None else "—" for v in expected[7:]]
        # 违诺 last: no complaint of this county names a service commitment.
        assert r["breached"] == 0, code
        assert cells[1:] == [
            str(expected[0]),
            *printed,
            str(expected[5]),
            str(expected[6]),
            "0",
        ], code
    # By the handling unit, 县市场监督管理局 also has c8 (about 县教育局), and c13 none.
    by_handler = {
        r["label"]: r
        for r in client_for(cast.officer)
        .get(reverse("complaints:figures") + "?by=handling_unit&year=2026")
        .context["rows"]
    }
    assert by_handler["县市场监督管理局"]["total"] == 6  # c1–c5, c8 (c6, c7 never routed)
    assert by_handler["县教育局"]["total"] == 2  # c9, c10


def test_campaign_overview_and_panel(county, client_for, cast):
    units, campaign = county["units"], county["campaign"]
    client = client_for(cast.officer)
    response = client.get(reverse("campaign:campaign_detail", args=[campaign.pk]))
    totals = response.context["totals"]
    assert {k: totals[k] for k in TOTALS} == TOTALS
    figures = response.context["figures"]
    assert [_code(units, u.pk) for u in figures] == list(ITEMS)  # ranked by 整改率
    html = response.content.decode()
    for u in figures:
        code = _code(units, u.pk)
        items, closed, on_time, overdue, late, closure, on_time_rate = ITEMS[code]
        assert (u.items, u.closed, u.closed_on_time, u.overdue, u.late) == (
            items,
            closed,
            on_time,
            overdue,
            late,
        ), code
        assert (u.closure_rate, u.on_time_rate) == (Decimal(closure), Decimal(on_time_rate))
        row = re.search(rf'<tr data-unit="{u.code}">(.*?)</tr>', html, re.S)[1]
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        # The last column, 反弹 (relapses found by a re-check): none in this county.
        printed = [items, closed, f"{closure}%", f"{on_time_rate}%", overdue, late, 0]
        assert cells[2:] == [str(v) for v in printed], code
    assert 'data-testid="total-rate">27.3%<' in html and "14.0%" not in html
    deliverables = {d.pk: d for d in response.context["deliverables"]}
    for key, (submitted, accepted, late, handed_in, missing) in DELIVERABLES.items():
        d = deliverables[county["deliverables"][key].pk]
        assert (
            d.submitted_count,
            d.accepted_count,
            d.late_count,
            d.handed_in_count,
            d.missing_count,
        ) == (submitted, accepted, late, handed_in, missing), key
        assert d.required_count == 4
        row = re.search(rf'<tr data-deliverable="{d.pk}">(.*?)</tr>', html, re.S)[1]
        assert f'data-figure="late">{late}<' in row and f'data-figure="missing">{missing}<' in row
    # The workspace panel: the same totals.
    panel = client.get(reverse("units:workspace")).content.decode()
    assert 'data-testid="campaign-panel"' in panel and "27.3%" in panel


def test_deliverable_page_flags_the_same_units(county, client_for, cast):
    units = county["units"]
    expected = {
        # 行动方案: B late; C (returned) and D missing.
        "plan": {"A": (False, False), "B": (True, False), "C": (False, True), "D": (False, True)},
        # 个人行为规范: C late; B and D missing.
        "norms": {"A": (False, False), "B": (False, True), "C": (True, False), "D": (False, True)},
        # 总结报告 is not due: nobody is missing yet.
        "summary": dict.fromkeys(units, (False, False)),
    }
    client = client_for(cast.officer)
    for key, flags in expected.items():
        deliverable = county["deliverables"][key]
        response = client.get(reverse("campaign:deliverable_detail", args=[deliverable.pk]))
        shown = {_code(units, u.pk): (u.late, u.missing) for u in response.context["units"]}
        assert shown == flags, key
        # The same as scoring's selector.
        missing = campaign_selectors.missing_units(deliverable=deliverable)
        assert {_code(units, pk) for pk in missing.values_list("pk", flat=True)} == {
            c for c, (_late, m) in flags.items() if m
        }


def test_progress_circular_prints_the_overview_figures(county, cast):
    circular = campaign_services.circular_draft_progress(
        campaign=county["campaign"], actor=cast.officer, today=TODAY
    )
    body = circular.body
    # The totals (11 items, 3 closed, 27.3 %, 33.3 %, 3 overdue) and each unit's line.
    assert "11" in body and "27.3%" in body and "33.3%" in body
    lines = [line for line in body.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert [line.split(".", 1)[0] for line in lines] == ["1", "2", "3"]
    assert "县教育局" in lines[0] and "66.7%" in lines[0] and "50.0%" in lines[0]
    assert "县市场监督管理局" in lines[1] and "14.3%" in lines[1] and "33.3%" in lines[1]
    assert "城关镇" in lines[2] and "0.0%" in lines[2]
    assert "14.0%" not in body


def _compute(county):
    scheme = county["scheme"]
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    scheme.refresh_from_db()
    return scheme


def _results(county):
    units = county["units"]
    return {
        _code(units, r.unit_id): r for r in AssessmentResult.objects.filter(scheme=county["scheme"])
    }


def _line_counts(county):
    units = county["units"]
    counts: dict[tuple[str, str], int] = {}
    for line in AdjustmentLine.objects.filter(scheme=county["scheme"]).select_related("rule"):
        key = (_code(units, line.unit_id), line.rule.name)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_scoring_counts_what_the_pages_show(county, cast):
    units = county["units"]
    scheme = _compute(county)
    assert scheme.facts_as_of == TODAY and scheme.is_provisional
    assert scheme.facts_through == TODAY
    assert _line_counts(county) == LINES
    results = _results(county)
    for code, (total, rank, in_group, grade, commended, talk, veto) in RESULTS.items():
        r = results[code]
        got = (str(r.total), r.rank_overall, r.rank_in_group, r.grade, r.commended, r.talk)
        assert got == (total, rank, in_group, grade, commended, talk), code
        level = "full" if r.vetoed else "excellent" if r.veto_excellent else ""
        assert level == veto, code
    assert results["A"].veto_reason == "问责通报批评；被通报批评"
    assert results["A"].veto == str(AdjustmentRule.Veto.EXCELLENT.label)
    assert results["C"].veto_reason == "严重问责"
    assert results["C"].veto == str(AdjustmentRule.Veto.FULL.label)
    assert results["D"].veto == "" and results["D"].veto_reason == ""
    # Each deduction's count is the figure a page shows for the same unit and day.
    rows = {
        _code(units, r["unit_id"]): r
        for r in complaint_selectors.figures(user=cast.officer, by="unit", year=YEAR)
    }
    items = {
        _code(units, u.pk): u
        for u in campaign_selectors.unit_figures(user=cast.officer, campaign=county["campaign"])
    }
    deliverables = list(campaign_selectors.deliverable_counts(campaign=county["campaign"]))
    counts = _line_counts(county)
    for code in units:
        assert counts.get((code, "投诉逾期办结"), 0) == rows[code]["late"], code
        assert counts.get((code, "整改事项逾期"), 0) == getattr(items.get(code), "late", 0), code
    assert sum(n for (c, rule), n in counts.items() if rule == "规定动作材料迟报") == sum(
        d.late_count for d in deliverables
    )
    assert sum(n for (c, rule), n in counts.items() if rule == "规定动作材料未报") == sum(
        d.missing_count for d in deliverables
    )


def test_ranking_result_page_scheme_page_and_workbook(county, client_for, cast):
    units = county["units"]
    scheme = _compute(county)
    client = client_for(cast.officer)

    dashboard = client.get(reverse("assessments:dashboard", args=[scheme.pk]))
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert re.search(r'data-testid="as-of"[^>]*>[^<]*2026-12-05', html)
    ranked = [(_code(units, r.unit_id), r) for r in dashboard.context["results"]]
    assert [code for code, _r in ranked] == ["A", "D", "B", "C"]
    # The dashboard's 投诉 / 整改 columns count the lines of those kinds.
    # A: 1 属实 + 2 逾期 = 3 / 2 items; B: 1 + 2 = 3 / 1; C: 1 + 1 = 2 / 1; D: 0 / 0.
    columns = {"A": (3, 2), "D": (0, 0), "B": (3, 1), "C": (2, 1)}
    for code, r in ranked:
        total, rank, _g, grade, commended, talk, _veto = RESULTS[code]
        assert (str(r.total), r.rank_overall, r.grade, r.commended, r.talk) == (
            total,
            rank,
            grade,
            commended,
            talk,
        )
        figures = r.figures
        assert (figures.get("complaints", 0), figures.get("rectification", 0)) == columns[code]
        assert f">{total}<" in html
    assert "问责通报批评；被通报批评" in html or "问责通报批评" in html
    assert "严重问责" in html

    scheme_page = client.get(reverse("assessments:scheme_detail", args=[scheme.pk])).content
    assert re.search(r'data-testid="as-of"[^>]*>[^<]*2026-12-05', scheme_page.decode())

    result_a = AssessmentResult.objects.get(scheme=scheme, unit=units["A"])
    page = client.get(reverse("assessments:result_detail", args=[result_a.pk]))
    text = page.content.decode()
    assert re.search(r'data-testid="as-of"[^>]*>[^<]*2026-12-05', text)
    assert 'data-testid="total">85.00<' in text
    assert "问责通报批评；被通报批评" in text
    totals = {t["rule__name"]: (t["occurrences"], t["points"]) for t in page.context["rule_totals"]}
    assert totals == {
        "投诉举报属实": (1, Decimal("-2.00")),
        "投诉逾期办结": (2, Decimal("-2.00")),
        "整改事项逾期": (2, Decimal("-2.00")),
        "问责通报批评": (1, Decimal("-3.00")),
        "被通报批评": (1, Decimal("-2.00")),
    }
    result_c = AssessmentResult.objects.get(scheme=scheme, unit=units["C"])
    text_c = client.get(reverse("assessments:result_detail", args=[result_c.pk])).content.decode()
    assert "严重问责" in text_c and 'data-testid="total">84.50<' in text_c

    workbook = client.get(reverse("assessments:results_export", args=[scheme.pk]))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    # A title row (scheme and date) above the header, as offices file their workbooks.
    lines = list(sheet.iter_rows(values_only=True))
    at = next(index for index, line in enumerate(lines) if "单位名称" in line)
    header = list(lines[at])
    rows = {row[header.index("单位名称")]: row for row in lines[at + 1 :]}
    a = rows[units["A"].name]
    assert a[header.index("总分")] == 85 and a[header.index("总排名")] == 1
    assert a[header.index("否决事由")] == "问责通报批评；被通报批评"
    assert rows[units["C"].name][header.index("等次")] == "较差"
    assert rows[units["C"].name][header.index("总排名")] == 4
    assert rows[units["D"].name][header.index("通报表扬")] == "是"
    assert a[header.index("数据截至")] == "2026-12-05（阶段性结果）"


def test_complaints_count_against_the_handling_unit_where_the_scheme_says_so(county):
    scheme = county["scheme"]
    AssessmentScheme.objects.filter(pk=scheme.pk).update(complaint_unit="handling")
    _compute(county)
    counts = _line_counts(county)
    # c8 (about 县教育局, handled late by 县市场监督管理局) moves from B to A.
    assert counts[("A", "投诉逾期办结")] == 3 and counts[("B", "投诉逾期办结")] == 1


def test_the_whole_year_once_it_is_over(county, today):
    today(AFTER_YEAR)
    scheme = _compute(county)
    # Judged on 1 January 2027: every deadline of 2026 has passed; the results are final.
    assert scheme.facts_as_of == D(2027, 1, 1) and not scheme.is_provisional
    assert scheme.facts_through == D(2026, 12, 31)
    counts = _line_counts(county)
    # 年底未销号: A's items due 11-30, 12-20, 12-31 and 10-31 (not 2027-01-04, not the
    # long-term one); B's due 12-20; C's. The same items are now 整改事项逾期 too.
    assert counts[("A", "整改事项年底未销号")] == 4
    assert counts[("B", "整改事项年底未销号")] == 1
    assert counts[("C", "整改事项年底未销号")] == 1
    assert counts[("A", "整改事项逾期")] == 4 and counts[("B", "整改事项逾期")] == 2
    # c4 (due 12-20, still assigned) is now late too; 总结报告 (due 12-20) is missing for all
    # four units: A 0 → 1, B 1 → 2, C 1 → 2, D 2 → 3.
    assert counts[("A", "投诉逾期办结")] == 3
    assert [counts.get((c, "规定动作材料未报"), 0) for c in "ABCD"] == [1, 2, 2, 3]
    # The figures page, read on 1 January, counts the same.
    assert (
        complaint_selectors.late_complaints(year=YEAR, as_of=D(2027, 1, 1))
        .filter(fig_unit=county["units"]["A"].pk)
        .count()
        == 3
    )


@postgres_floor
def test_the_benchmark_floor_adds_up_the_same_totals(county):
    """bench/floor.py's hand-written SQL, the floor scoring is measured against, agrees."""
    units = county["units"]
    scheme = _compute(county)
    floor = floor_totals(scheme=scheme, cutoff=scheme.facts_as_of)
    assert {_code(units, pk): str(total) for pk, total in floor.items()} == {
        code: expected[0] for code, expected in RESULTS.items()
    }


@postgres_floor
def test_the_benchmark_floor_adds_up_the_whole_year(county, today):
    today(AFTER_YEAR)
    scheme = _compute(county)
    assert not scheme.is_provisional
    totals = {r.unit_id: r.total for r in AssessmentResult.objects.filter(scheme=scheme)}
    assert len(totals) == len(county["units"])
    assert floor_totals(scheme=scheme, cutoff=scheme.facts_as_of) == totals
