"""The figures' roll-up equals the live count after every kind of change (PostgreSQL).

complaints.figures_db keeps per-dimension counts with a trigger; the figures page adds them
up and counts live only the open cases past their deadline. Whatever changes a complaint
(a service, a bulk UPDATE, a delete), `figures` must print what `figures_live` counts.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import figures_db, selectors, services
from complaints.models import Complaint, ComplaintCategory, ComplaintFigure
from tests.complaints.conftest import complaint_drive
from units import services as unit_services

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the roll-up is PostgreSQL's"),
]
S = Complaint.Status
DAY = datetime.timedelta(days=1)


def _assert_rolled_up_equals_live(user) -> None:
    today = timezone.localdate()
    years = (None, today.year, today.year - 1)
    for by in selectors.DIMENSIONS:
        for year in years:
            for day in (today, today + 40 * DAY):
                rolled = selectors.figures(user=user, by=by, year=year, today=day)
                live = selectors.figures_live(user=user, by=by, year=year, today=day)
                assert rolled == live, (by, year, day)


@pytest.fixture
def check(cast):
    def run() -> None:
        assert ComplaintFigure.objects.exists() or not Complaint.objects.exists()
        _assert_rolled_up_equals_live(cast.officer)
        # Readers confined to a subtree add up the scoped rows their scope lets them see:
        # the subtree's inspection staff (who also see intake not yet routed), unit heads,
        # the leader in charge of several units.
        for user in (cast.township_officer, cast.head_a, cast.head_b, cast.in_charge):
            _assert_rolled_up_equals_live(user)

    return run


def _answer(complaint, head, verdict="partly"):
    return services.complaint_answer(
        complaint=complaint,
        actor=head,
        facts="经查，窗口工作人员态度生硬。",
        verdict=verdict,
        measures="批评教育",
        public_reply="已整改",
    )


def test_every_kind_of_change_keeps_the_figures_equal(cast, category, check):
    officer, head = cast.officer, cast.head_a
    other = ComplaintCategory.objects.exclude(pk=category.pk).first()
    check()
    # Intake: named unit, no unit, another channel and category, one received last year.
    a = services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title="窗口态度恶劣",
        content="工作人员态度恶劣",
        category=category,
        subject_unit=cast.dept_a,
    )
    b = services.complaint_submit(
        channel=Complaint.Channel.HOTLINE,
        title="推诿扯皮",
        content="多次往返",
        category=other,
        actor=officer,
    )
    old = services.complaint_submit(
        channel=Complaint.Channel.LETTER,
        title="去年的来信",
        content="来信反映",
        subject_unit=cast.dept_b,
        received_at=timezone.now() - datetime.timedelta(days=400),
        actor=officer,
    )
    check()
    a = services.complaint_accept(complaint=a, actor=officer)
    b = services.complaint_reject(complaint=b, actor=officer, reason="不属受理范围")
    old = services.complaint_accept(complaint=old, actor=officer)
    check()
    a = services.complaint_assign(complaint=a, unit=cast.dept_a, actor=officer)
    old = services.complaint_assign(complaint=old, unit=cast.dept_a, actor=officer)
    check()
    # Re-routed to another unit: the handling unit changes.
    old = services.complaint_request_reroute(complaint=old, actor=head, reason="非本单位职责")
    old = services.complaint_assign(complaint=old, unit=cast.dept_b, actor=officer)
    check()
    # Past its deadline (a bulk UPDATE, as an extension decision or a correction would).
    Complaint.objects.filter(pk=a.pk).update(deadline=timezone.localdate() - 3 * DAY)
    check()
    a = _answer(a, head)
    check()
    a = services.complaint_review(complaint=a, actor=officer, approve=False, note="事实不清")
    a = _answer(a, head, verdict="substantiated")
    a = services.complaint_review(complaint=a, actor=officer, approve=True)
    check()
    # Unsatisfied: reopened with the unit; then closed satisfied.
    a = services.complaint_rate(complaint=a, satisfaction=Complaint.Satisfaction.UNSATISFIED)
    check()
    a = _answer(a, head, verdict="unsubstantiated")
    a = services.complaint_review(complaint=a, actor=officer, approve=True)
    a = services.complaint_rate(complaint=a, satisfaction=Complaint.Satisfaction.BASICALLY)
    assert a.status == S.CLOSED
    check()
    # Closed without a rating, answered late (the answer moved after the deadline).
    c = complaint_drive(cast, category, S.RETURN_VISIT)
    c = services.complaint_close(complaint=c, actor=officer, comment="多次联系未果")
    Complaint.objects.filter(pk=c.pk).update(
        deadline=timezone.localdate() - 10 * DAY,
        answered_at=timezone.now() - 5 * DAY,
    )
    check()
    # Merged as a duplicate: no longer counted.
    d = complaint_drive(cast, category, S.REGISTERED)
    check()
    services.complaint_merge(complaint=d, into=a, actor=officer)
    check()
    # A case of the division, then the division moved to another department: the scoped
    # rows follow the unit wherever the tree puts it.
    complaint_drive(cast, category, S.ASSIGNED, unit=cast.division_a)
    check()
    unit_services.unit_move(unit=cast.division_a, new_parent=cast.dept_b, actor=officer)
    check()
    # Written and deleted without any service (a bulk load, a clean-up).
    e = Complaint.objects.create(
        number="TS-RAW-1",
        tracking_hash="raw-1",
        channel=Complaint.Channel.MEDIA,
        status=S.ASSIGNED,
        title="舆情",
        content="网络反映",
        category=other,
        unit=cast.dept_b,
        deadline=timezone.localdate() - 2 * DAY,
    )
    check()
    Complaint.objects.filter(pk=e.pk).delete()
    check()
    # Compaction and a full rebuild change nothing, and compaction leaves one row per key.
    before = ComplaintFigure.objects.count()
    services.complaint_figures_compact()
    assert ComplaintFigure.objects.count() < before
    check()
    services.complaint_figures_rebuild()
    check()


@pytest.mark.parametrize("who", ["officer", "township_officer"])
def test_the_page_reads_the_roll_up_in_a_fixed_number_of_queries(
    cast, category, client_for, django_assert_num_queries, who
):
    client = client_for(getattr(cast, who))
    url = reverse("complaints:figures")
    client.get(url)  # warm the session and permission caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url + "?by=unit").status_code == 200
        assert not any(
            'complaints_complaint"' in q["sql"]
            and "GROUP BY" in q["sql"]
            and "deadline" not in q["sql"]
            for q in ctx.captured_queries
        )
        return len(ctx.captured_queries)

    complaint_drive(cast, category, S.CLOSED)
    small = count()
    for status in (S.ASSIGNED, S.CLOSED, S.REJECTED, S.ANSWERED):
        complaint_drive(cast, category, status)
        complaint_drive(cast, category, status, unit=cast.dept_b)
    assert count() == small


def test_another_day_is_counted_live_a_subtree_from_the_roll_up(cast, category, monkeypatch):
    complaint_drive(cast, category, S.ASSIGNED)
    calls = []
    real = selectors.figures_live
    monkeypatch.setattr(selectors, "figures_live", lambda **kw: calls.append(kw) or real(**kw))
    selectors.figures(user=cast.officer, by="unit")
    with CaptureQueriesContext(connection) as ctx:
        scoped = selectors.figures(user=cast.township_officer, by="category")
    assert calls == []
    assert scoped == real(user=cast.township_officer, by="category")
    assert not any(
        'complaints_complaint"' in q["sql"] and "deadline" not in q["sql"]
        for q in ctx.captured_queries
    )
    # A day in the past (the roll-up knows only the present).
    selectors.figures(user=cast.officer, by="unit", today=timezone.localdate() - DAY)
    assert len(calls) == 1
    # SQLite, or any database without the roll-up.
    monkeypatch.setattr(figures_db, "enabled", lambda using=None: False)
    assert selectors.figures(user=cast.officer, by="channel") == real(
        user=cast.officer, by="channel"
    )
    assert len(calls) == 2


def test_a_bulk_load_is_counted_once_afterwards(cast, category, check):
    """bench/generate.py loads with the triggers off and the search index dropped."""
    complaint_drive(cast, category, S.CLOSED)
    with figures_db.bulk_load():
        for i, status in enumerate((S.ASSIGNED, S.CLOSED, S.REJECTED)):
            Complaint.objects.create(
                number=f"TS-BULK-{i}",
                tracking_hash=f"bulk-{i}",
                channel=Complaint.Channel.HOTLINE,
                status=status,
                title="批量导入的态度问题",
                content="工作人员态度生硬",
                category=category,
                subject_unit=cast.dept_b,
                unit=cast.dept_b,
                deadline=timezone.localdate() - 2 * DAY,
                closed_at=timezone.now() if status == S.CLOSED else None,
            )
    check()
    found = selectors.text_search(Complaint.objects.all(), "态度")
    assert found.filter(number__startswith="TS-BULK").count() == 3


def test_a_page_of_units_sums_its_own_rows(cast, category, monkeypatch):
    """By unit, a province has ten thousand rows: the keys are put in order in the
    database, and a slice sums, names and counts live its own keys only (a few queries
    whatever its size); read whole (or a slice of many keys), the rows are the same."""
    for unit in (cast.dept_a, cast.dept_b):
        complaint_drive(cast, category, S.CLOSED, unit=unit)
    for unit in (cast.dept_a, cast.dept_b, cast.division_a, cast.township):
        complaint_drive(cast, category, S.ASSIGNED, unit=unit)
    complaint_drive(cast, category, S.REJECTED, unit=cast.township)
    later = timezone.localdate() + 40 * DAY  # the open cases past their deadline by then
    for user in (cast.officer, cast.township_officer, cast.head_b):
        for by in ("unit", "handling_unit"):
            live = selectors.figures_live(user=user, by=by, today=later)
            assert live
            assert any(row["overdue"] for row in live) or user == cast.head_b
            for start in range(len(live)):
                rows = selectors.figures(user=user, by=by, today=later)
                assert isinstance(rows, selectors.UnitFigureRows)
                with CaptureQueriesContext(connection) as ctx:
                    assert rows[start : start + 2] == live[start : start + 2], (user, by)
                    assert rows[start] == live[start]
                # The keys, the sums (one per part: a subtree's two), names, open cases.
                assert len(ctx.captured_queries) <= 5
                assert len(rows) == len(live)
            # Read whole, as the API and the comparisons read it.
            monkeypatch.setattr(selectors.UnitFigureRows, "KEYS_AT_ONCE", 1)
            rows = selectors.figures(user=user, by=by, today=later)
            with CaptureQueriesContext(connection) as ctx:
                assert list(rows) == live
            assert len(ctx.captured_queries) <= 5
            monkeypatch.undo()
