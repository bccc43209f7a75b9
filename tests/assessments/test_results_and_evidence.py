"""Results keep their identity across recomputes; every deduction links to its evidence,
through the viewer's own permissions, at a query count that does not grow with the lines."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from assessments import evidence, services
from assessments.models import AdjustmentLine, AdjustmentRule, AssessmentResult, Indicator
from campaign.models import AccountabilityAction, Campaign, RectificationItem
from campaign.services import accountability_action_record
from complaints import identity
from complaints.models import Complaint
from tests.assessments.county import build_county

pytestmark = pytest.mark.django_db

YEAR = 2025
COMPLAINANT = "钱多多"


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


# --- Identity across recomputes ---------------------------------------------------------------


def test_a_result_url_still_answers_after_a_recompute_with_the_new_figures(client_for, cast):
    county = build_county(cast.officer)
    scheme, units = county["scheme"], county["units"]
    services.scheme_compute(scheme_id=scheme.pk)
    before = {r.unit_id: r.pk for r in AssessmentResult.objects.filter(scheme=scheme)}
    u2 = AssessmentResult.objects.get(scheme=scheme, unit=units["U2"])
    assert u2.total == Decimal("87.60")
    url = reverse("assessments:result_detail", args=[u2.pk])
    client = client_for(cast.leader)
    assert client.get(url).status_code == 200

    # A new 问责 for U2: a 通报批评 takes 3 points and vetoes excellent.
    accountability_action_record(
        kind=AccountabilityAction.Kind.CRITICISM,
        reason="作风问题",
        actor=cast.officer,
        unit=units["U2"],
        date=datetime.date(2026, 9, 1),
    )
    services.scheme_compute(scheme_id=scheme.pk)

    after = {r.unit_id: r.pk for r in AssessmentResult.objects.filter(scheme=scheme)}
    assert after == before  # every result kept its id
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["result"].total == Decimal("84.60")
    assert page.context["result"].veto_excellent
    assert "84.60" in page.content.decode()
    # The lines are replaced, and name the same (stable) result's scheme and unit.
    assert AdjustmentLine.objects.filter(scheme=scheme, unit=units["U2"]).count() == 1


def test_only_results_of_units_no_longer_assessed_go(cast):
    county = build_county(cast.officer)
    scheme, units = county["scheme"], county["units"]
    services.scheme_compute(scheme_id=scheme.pk)
    kept = AssessmentResult.objects.get(scheme=scheme, unit=units["U1"]).pk
    units["U3"].status = "closed"
    units["U3"].save(update_fields=["status"])
    services.scheme_compute(scheme_id=scheme.pk)
    results = AssessmentResult.objects.filter(scheme=scheme)
    assert results.count() == 11
    assert not results.filter(unit=units["U3"]).exists()
    assert results.get(unit=units["U1"]).pk == kept
    # Ranks and grades are recomputed from scratch for the units that remain.
    assert sorted(results.values_list("rank_overall", flat=True))[-1] == 11
    assert not results.filter(grade="").exists()


# --- Evidence links ---------------------------------------------------------------------------


@pytest.fixture
def scheme(cast):
    scheme = services.scheme_create(year=YEAR, name="2025年度考核", actor=cast.officer)
    Indicator.objects.create(scheme=scheme, component="special", name="重点工作", max_points=100)
    Indicator.objects.create(
        scheme=scheme, component="organisational", name="活动成果", max_points=100
    )
    AdjustmentRule.objects.create(
        scheme=scheme,
        name="投诉举报属实",
        kind=AdjustmentRule.Kind.COMPLAINT_SUBSTANTIATED,
        points=Decimal("1"),
    )
    AdjustmentRule.objects.create(
        scheme=scheme,
        name="整改事项逾期",
        kind=AdjustmentRule.Kind.ITEM_OVERDUE,
        points=Decimal("1"),
    )
    return services.scheme_open(scheme=scheme, actor=cast.officer)


def _complaints(unit, count, start=1):
    return [
        Complaint.objects.create(
            number=f"TS{YEAR}{n:04d}",
            tracking_code=f"CODE{n:012d}",
            channel="web",
            title=f"办事难{n}",
            content="……",
            unit=unit,
            status="closed",
            verdict="substantiated",
            received_at=_aware(datetime.date(YEAR, 3, n)),
            deadline=datetime.date(YEAR, 4, 1),
            closed_at=_aware(datetime.date(YEAR, 3, 20)),
            identity_token=identity.encrypt(identity.Identity(name=COMPLAINANT)),
            has_identity=True,
        )
        for n in range(start, start + count)
    ]


def _items(cast, count, *, level):
    campaign, _ = Campaign.objects.get_or_create(
        name="2025年作风建设年",
        year=YEAR,
        defaults={
            "scope": cast.root,
            "start_date": datetime.date(YEAR, 1, 1),
            "end_date": datetime.date(YEAR, 12, 31),
        },
    )
    return [
        RectificationItem.objects.create(
            campaign=campaign,
            unit=cast.dept_a,
            problem=f"窗口服务态度差{n}",
            status="in_progress",
            deadline=datetime.date(YEAR, 6, 1),
            level=level,
        )
        for n in range(count)
    ]


def _published_result(cast, scheme):
    services.scheme_compute(scheme_id=scheme.pk)
    services.scheme_publish(scheme=scheme, actor=cast.officer, public=False)
    return AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_a)


def _evidence_cells(page):
    return {line.evidence: line.evidence_url for line in page.context["lines"]}


def test_unit_head_and_leader_follow_links_to_what_they_may_open(client_for, cast, scheme):
    complaint = _complaints(cast.dept_a, 1)[0]
    unit_item = _items(cast, 1, level=RectificationItem.Level.UNIT)[0]
    personal_item = _items(cast, 1, level=RectificationItem.Level.INDIVIDUAL)[0]
    result = _published_result(cast, scheme)
    url = reverse("assessments:result_detail", args=[result.pk])

    head = client_for(cast.head_a)
    cells = _evidence_cells(head.get(url))
    assert cells == {
        complaint: complaint.get_absolute_url(),
        unit_item: unit_item.get_absolute_url(),
        personal_item: personal_item.get_absolute_url(),
    }
    # The link lands on the complaint, without the complainant's identity.
    landed = head.get(cells[complaint])
    assert landed.status_code == 200
    assert complaint.title in landed.content.decode()
    assert COMPLAINANT not in landed.content.decode()

    # The leader reads the deduction but may not open an individual-level item: no link.
    leader_page = client_for(cast.leader).get(url)
    leader = _evidence_cells(leader_page)
    assert leader[personal_item] == ""
    assert client_for(cast.leader).get(personal_item.get_absolute_url()).status_code == 404
    for obj, link in leader.items():
        if link:
            assert client_for(cast.leader).get(link).status_code == 200, obj
    text = leader_page.content.decode()
    assert f'href="{personal_item.get_absolute_url()}"' not in text
    assert str(personal_item) in text  # still named, just not linked


def test_result_page_query_count_does_not_grow_with_lines(
    client_for, cast, scheme, django_assert_max_num_queries
):
    _complaints(cast.dept_a, 2)
    _items(cast, 2, level=RectificationItem.Level.UNIT)
    services.scheme_compute(scheme_id=scheme.pk)
    result = AssessmentResult.objects.get(scheme=scheme, unit=cast.dept_a)
    url = reverse("assessments:result_detail", args=[result.pk])
    client = client_for(cast.leader)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # Ten times the lines of each type behind the same result (same URL after recompute).
    _complaints(cast.dept_a, 18, start=3)
    _items(cast, 18, level=RectificationItem.Level.UNIT)
    services.scheme_compute(scheme_id=scheme.pk)
    assert AdjustmentLine.objects.filter(scheme=scheme, unit=cast.dept_a).count() == 40
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["lines"]) == 40
    assert all(line.evidence_url for line in page.context["lines"])
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_visible_evidence_asks_once_per_type(cast, scheme, django_assert_num_queries):
    _complaints(cast.dept_a, 5)
    _items(cast, 5, level=RectificationItem.Level.UNIT)
    services.scheme_compute(scheme_id=scheme.pk)
    lines = list(evidence.with_evidence(AdjustmentLine.objects.filter(scheme=scheme)))
    assert len(lines) == 10
    with CaptureQueriesContext(connection) as asked:
        visible = evidence.visible_evidence(user=cast.head_a, lines=lines)
    assert len(visible) == 10
    evidence.visible_evidence(user=cast.head_a, lines=lines)  # the user's permissions cached
    with CaptureQueriesContext(connection) as asked:
        evidence.visible_evidence(user=cast.head_a, lines=lines)
    # One query per evidence type (the rest is the apps' scoping of the user, paid once).
    tables = [
        q["sql"].split(" FROM ")[1].split()[0]
        for q in asked.captured_queries
        if q["sql"].startswith('SELECT "complaints_complaint"."id"')
        or q["sql"].startswith('SELECT "campaign_rectificationitem"."id"')
    ]
    assert sorted(tables) == ['"campaign_rectificationitem"', '"complaints_complaint"']
    with CaptureQueriesContext(connection) as fewer:
        evidence.visible_evidence(user=cast.head_a, lines=lines[:1] + lines[-1:])
    assert len(fewer.captured_queries) == len(asked.captured_queries)
    with django_assert_num_queries(0):  # naming every line's evidence costs nothing more
        [str(line.evidence) for line in lines]


def _accountability_url_registered() -> bool:
    try:
        reverse("campaign:accountability_detail", args=[1])
    except NoReverseMatch:
        return False
    return True


def test_accountability_deductions_link_to_the_action(client_for, cast, scheme):
    if not _accountability_url_registered():
        pytest.skip("campaign:accountability_detail is not registered yet")
    AdjustmentRule.objects.create(
        scheme=scheme,
        name="提醒谈话",
        kind=AdjustmentRule.Kind.ACCOUNTABILITY,
        parameter="reminder_talk",
        points=Decimal("0.5"),
    )
    action = accountability_action_record(
        kind=AccountabilityAction.Kind.REMINDER_TALK,
        reason="作风问题",
        actor=cast.officer,
        unit=cast.dept_a,
        date=datetime.date(YEAR, 5, 1),
    )
    result = _published_result(cast, scheme)
    head = client_for(cast.head_a)
    page = head.get(reverse("assessments:result_detail", args=[result.pk]))
    assert _evidence_cells(page) == {action: action.get_absolute_url()}
    assert head.get(action.get_absolute_url()).status_code == 200
