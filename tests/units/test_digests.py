"""Leadership digests (周检查、月点评、季小结): periods, one digest per jurisdiction, who reads
and who reviews it, the drafted comment, sending and the fallback, the query count."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from tests.complaints.conftest import ID_NUMBER, NAME, PHONE
from tests.factories import make_unit
from tests.units import digest_county
from tests.units.digest_county import EXPECTED, bottom, lines
from units import digests, tasks
from units.digest_comment import draft_comment
from units.models import Digest, DigestTransition, JobRun, Notification

D = datetime.date
WEEKLY = Digest.Kind.WEEKLY


@pytest.mark.parametrize(
    ("kind", "today", "start", "end", "previous"),
    [
        # Monday 2026-11-23: last week is Mon 16th – Sun 22nd.
        ("weekly", D(2026, 11, 23), D(2026, 11, 16), D(2026, 11, 22), D(2026, 11, 9)),
        # Run late on a Wednesday: still the last complete week.
        ("weekly", D(2026, 11, 25), D(2026, 11, 16), D(2026, 11, 22), D(2026, 11, 9)),
        ("monthly", D(2026, 12, 1), D(2026, 11, 1), D(2026, 11, 30), D(2026, 10, 1)),
        ("monthly", D(2027, 1, 1), D(2026, 12, 1), D(2026, 12, 31), D(2026, 11, 1)),
        ("quarterly", D(2027, 1, 1), D(2026, 10, 1), D(2026, 12, 31), D(2026, 7, 1)),
        ("quarterly", D(2026, 5, 20), D(2026, 1, 1), D(2026, 3, 31), D(2025, 10, 1)),
    ],
)
def test_period_is_the_last_complete_one(kind, today, start, end, previous):
    period = digests.period_before(kind=kind, today=today)
    assert (period.start, period.end, period.previous_start) == (start, end, previous)
    assert period.previous_end == start - datetime.timedelta(days=1)


@pytest.fixture
def county(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        built = digest_county.build(cast)
    mail.outbox.clear()
    Notification.objects.all().delete()
    return built


def _compile(county, scope=None) -> Digest:
    return digests.digest_compile(period=county.period, scope=scope)[0]


def _staff(cast) -> set[str]:
    """The county's inspection staff in the cast (the officer, and the identity custodian)."""
    return {u.username for u in (cast.officer, getattr(cast, "custodian", None)) if u}


def _notified(kind_key: str) -> set[str]:
    return set(
        Notification.objects.filter(object_key__startswith=kind_key).values_list(
            "recipient__username", flat=True
        )
    )


# --- One digest per jurisdiction -------------------------------------------------------------


@pytest.mark.django_db
def test_each_jurisdiction_counts_its_own_subtree(county):
    cast = county.cast
    whole = _compile(county)
    township = _compile(county, cast.dept_a)
    for key, (in_county, in_township) in EXPECTED.items():
        assert (lines(whole)[key]["value"], lines(whole)[key]["previous"]) == in_county, key
        assert (lines(township)[key]["value"], lines(township)[key]["previous"]) == in_township, key
    # The units at the bottom: overdue items and complaints per unit, from the subtree only.
    assert bottom(whole) == [
        (cast.dept_a.name, 2, [1, 1]),
        (cast.dept_b.name, 2, [1, 1]),
        (cast.division_a.name, 1, [1, 0]),
    ]
    assert bottom(township) == [(cast.dept_a.name, 2, [1, 1]), (cast.division_a.name, 1, [1, 0])]
    assert whole.scope is None and township.scope == cast.dept_a
    assert township.title.startswith(cast.dept_a.name) and cast.dept_a.name not in whole.title
    # A digest is about figures: no complainant identity ever appears in it.
    for digest in (whole, township):
        text = str(digest.sections) + digest.comment
        assert NAME not in text and PHONE not in text and ID_NUMBER not in text


@pytest.mark.django_db
def test_compiled_once_per_period_and_jurisdiction(county):
    first, created = digests.digest_compile(period=county.period, scope=county.cast.dept_a)
    again, created_again = digests.digest_compile(period=county.period, scope=county.cast.dept_a)
    county_digest, county_created = digests.digest_compile(period=county.period)
    assert created and not created_again and first.pk == again.pk
    assert county_created and county_digest.pk != first.pk
    assert Digest.objects.count() == 2


@pytest.mark.django_db
def test_readers_and_reviewers_of_each_jurisdiction(county):
    cast = county.cast
    found = digests.digest_jurisdictions()
    assert set(found) == {"", cast.dept_a.path}
    whole, township = found[""], found[cast.dept_a.path]
    assert whole.scope is None and township.scope == cast.dept_a
    assert {u.username for u in whole.readers} == {*_staff(cast), "leader"}
    assert {u.username for u in whole.editors} == _staff(cast)
    assert {u.username for u in township.readers} == {"township_officer"}
    assert {u.username for u in township.editors} == {"township_officer"}


# --- Drafts, review, sending, the fallback --------------------------------------------------


@pytest.mark.django_db
def test_prepare_makes_drafts_and_tells_each_jurisdictions_inspection_staff(
    county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        addressed = digests.digests_prepare(kind=WEEKLY, today=county.today)
    staff = _staff(county.cast)
    assert addressed == len(staff) + 1
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.DRAFT}
    assert _notified("digest-draft:") == {*staff, "township_officer"}
    assert not _notified("digest:")  # nothing reaches the leaders before review
    notice = Notification.objects.get(recipient__username="township_officer")
    township = Digest.objects.get(scope=county.cast.dept_a)
    assert notice.url == reverse("units:digest_detail", args=[township.pk])
    assert township.comment in notice.body
    # Safe to run twice: nothing new compiled, nobody told twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.digests_prepare(kind=WEEKLY, today=county.today) == 0
    assert Digest.objects.count() == 2 and Notification.objects.count() == len(staff) + 1


@pytest.mark.django_db
def test_sending_notifies_the_jurisdiction_with_the_comment(
    county, django_capture_on_commit_callbacks
):
    cast = county.cast
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_prepare(kind=WEEKLY, today=county.today)
    whole = Digest.objects.get(scope=None)
    with django_capture_on_commit_callbacks(execute=True):
        digests.digest_send(digest=whole, actor=cast.officer, comment="本周情况总体平稳。")
    whole.refresh_from_db()
    assert whole.status == Digest.Status.SENT and whole.comment == "本周情况总体平稳。"
    record = DigestTransition.objects.get(digest=whole)
    assert (record.actor, record.from_status, record.to_status) == (cast.officer, "draft", "sent")
    assert _notified(f"digest:{whole.pk}") == {*_staff(cast), "leader"}
    notice = Notification.objects.get(recipient=cast.leader, object_key=f"digest:{whole.pk}")
    assert notice.body.startswith("本周情况总体平稳。")
    assert notice.title == whole.title
    assert {m.to[0] for m in mail.outbox if m.subject == whole.title} >= {
        cast.officer.email,
        cast.leader.email,
    }
    # Sent once: a second send is refused; the township's digest is still its officer's.
    from units.transitions import InvalidTransition

    with pytest.raises(InvalidTransition):
        digests.digest_send(digest=whole, actor=cast.officer)
    assert Digest.objects.get(scope=cast.dept_a).status == Digest.Status.DRAFT


@pytest.mark.django_db
def test_only_inspection_staff_of_the_jurisdiction_review(county):
    from django.core.exceptions import PermissionDenied, ValidationError

    cast = county.cast
    whole, township = _compile(county), _compile(county, cast.dept_a)
    for user, digest in (
        (cast.leader, whole),
        (cast.township_officer, whole),
        (cast.head_a, township),
    ):
        with pytest.raises(PermissionDenied):
            digests.digest_comment_update(digest=digest, comment="改", actor=user)
        with pytest.raises(PermissionDenied):
            digests.digest_send(digest=digest, actor=user)
    # The county's officers may also review a subtree's digest.
    digests.digest_comment_update(digest=township, comment="辖区情况。", actor=cast.officer)
    with pytest.raises(ValidationError):
        digests.digest_comment_update(digest=township, comment="   ", actor=cast.officer)
    with pytest.raises(ValidationError):
        digests.digest_send(digest=township, actor=cast.township_officer, comment="长" * 2001)
    township.refresh_from_db()
    assert township.comment == "辖区情况。" and township.is_draft


@pytest.mark.django_db
def test_fallback_sends_what_nobody_sent_after_a_working_day(
    county, django_capture_on_commit_callbacks
):
    cast = county.cast
    compiled_at = timezone.make_aware(datetime.datetime(2026, 11, 23, 8, 0))  # a Monday
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_prepare(kind=WEEKLY, today=county.today, now=compiled_at)
    whole = Digest.objects.get(scope=None)
    assert whole.send_by == timezone.make_aware(datetime.datetime(2026, 11, 24, 8, 0))
    officer_sent = Digest.objects.get(scope=cast.dept_a)
    with django_capture_on_commit_callbacks(execute=True):
        digests.digest_send(digest=officer_sent, actor=cast.township_officer)
    # Not yet due: nothing goes.
    assert digests.digests_send_due(now=whole.send_by - datetime.timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.digests_send_due(now=whole.send_by) == 1
        assert digests.digests_send_due(now=whole.send_by) == 0  # safe twice
    whole.refresh_from_db()
    assert whole.status == Digest.Status.SENT
    record = DigestTransition.objects.get(digest=whole)
    assert record.actor is None and record.comment
    assert _notified(f"digest:{whole.pk}") == {*_staff(cast), "leader"}
    assert Notification.objects.get(
        recipient=cast.leader, object_key=f"digest:{whole.pk}"
    ).body.startswith(whole.comment)


@pytest.mark.django_db
@override_settings(ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS=0)
def test_no_review_time_sends_at_once(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_prepare(kind=WEEKLY, today=county.today)
    assert set(Digest.objects.values_list("status", flat=True)) == {Digest.Status.SENT}
    assert _notified("digest:") == {*_staff(county.cast), "leader", "township_officer"}
    assert not _notified("digest-draft:")


@pytest.mark.django_db
def test_a_jurisdiction_nobody_reviews_gets_its_digest_at_once(
    county, django_capture_on_commit_callbacks
):
    """A leader confined to dept_b: no inspection staff of that subtree would send it."""
    from django.contrib.auth.models import Group, Permission
    from guardian.shortcuts import assign_perm

    from units import roles

    cast = county.cast
    Group.objects.get(name=roles.LEADERSHIP).permissions.remove(
        Permission.objects.get(codename="view_all_units")
    )
    assign_perm("units.view_unit", cast.leader, cast.dept_b)
    with django_capture_on_commit_callbacks(execute=True):
        digests.digests_prepare(kind=WEEKLY, today=county.today)
    theirs = Digest.objects.get(scope=cast.dept_b)
    assert theirs.status == Digest.Status.SENT
    assert _notified(f"digest:{theirs.pk}") == {"leader"}
    assert lines(theirs)["complaints.overdue"]["value"] == 1  # dept_b's own
    assert Digest.objects.get(scope=None).is_draft  # the county's officer reviews it
    assert _notified("digest-draft:") == {*_staff(cast), "township_officer"}


# --- The comment ---------------------------------------------------------------------------


def _section(*rows):
    return {
        "title": "t",
        "compare": True,
        "lines": [
            {
                "key": key,
                "label": label,
                "value": value,
                "previous": previous,
                "measure": measure,
                "overdue": overdue,
            }
            for key, label, value, previous, measure, overdue in rows
        ],
    }


def _bottom(*names):
    return {"lines": [{"label": n, "short_name": n, "value": 1} for n in names]}


SECTIONS = [
    _section(
        ("items.filed", "Items filed", 3, 3, "items", False),
        ("items.closed", "Items closed", 1, 4, "items", False),
        ("items.overdue", "Items overdue", 2, None, "items", True),
    ),
    _section(
        ("complaints.received", "New complaints", 12, 7, "cases", False),
        ("complaints.overdue", "Complaints overdue", 3, None, "cases", True),
    ),
]

# The same figures as compiled in Chinese (labels and measure words are stored translated).
SECTIONS_ZH = [
    _section(
        ("items.filed", "新增整改事项", 3, 3, "项", False),
        ("items.closed", "已销号整改事项", 1, 4, "项", False),
        ("items.overdue", "逾期未销号整改事项", 2, None, "项", True),
    ),
    _section(
        ("complaints.received", "新增投诉举报", 12, 7, "件", False),
        ("complaints.overdue", "逾期未办结投诉举报", 3, None, "件", True),
    ),
]


def test_comment_names_the_biggest_changes_and_the_worst_units():
    period = digests.period_before(kind=WEEKLY, today=D(2026, 11, 23))
    with translation.override("en"):
        text = draft_comment(
            period=period, sections=SECTIONS, bottom=_bottom("县市场监管局", "县住建局")
        )
    assert text == (
        "New complaints this week: 12 cases, up 5 on last week; "
        "Items closed: 1 items, down 3 on last week. "
        "At the end of the period, Items overdue: 2 items, Complaints overdue: 3 cases, "
        "mostly at 县市场监管局, 县住建局. "
        "The units concerned should deal with the overdue work without delay; "
        "inspection staff will keep up supervision."
    )
    with translation.override("zh-hans"):
        chinese = draft_comment(
            period=period, sections=SECTIONS_ZH, bottom=_bottom("县市场监管局", "县住建局")
        )
        if translation.gettext("this week") != "this week":  # the catalogue is merged
            assert chinese.startswith("本周新增投诉举报12件，较上周增加5件；")
            assert "截至期末，" in chinese and "主要集中在县市场监管局、县住建局。" in chinese


def test_comment_with_nothing_overdue_and_nothing_changed_is_two_sentences():
    period = digests.period_before(kind=Digest.Kind.MONTHLY, today=D(2026, 12, 1))
    calm = [_section(("complaints.received", "New complaints", 4, 4, "cases", False))]
    with translation.override("en"):
        text = draft_comment(period=period, sections=calm, bottom=_bottom())
    assert text == (
        "New complaints this month: 4 cases, the same as last month. "
        "At the end of the period nothing is overdue."
    )


@pytest.mark.django_db
def test_compiled_comment_uses_the_digests_own_figures(county):
    with translation.override("en"):
        whole = _compile(county)
    # The largest moves (items closed 2 after 0, new complaints 4 after 2), in the digest's
    # order; then the overdue figures and the units they are at.
    assert whole.comment.startswith(
        "Items closed this week: 2 items, up 2 on last week; "
        "New complaints: 4 cases, up 2 on last week. "
        "At the end of the period, Items overdue: 3 items, Complaints overdue: 2 cases, mostly at "
    )
    cast = county.cast
    assert f"{cast.dept_a.name}, {cast.dept_b.name}, {cast.division_a.name}." in whole.comment


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_reads_which_digest(county, client_for, django_assert_max_num_queries):
    cast = county.cast
    whole, township = _compile(county), _compile(county, cast.dept_a)
    detail = lambda d: reverse("units:digest_detail", args=[d.pk])  # noqa: E731
    link = lambda d: f'href="{detail(d)}"'  # noqa: E731

    # Drafts: only the inspection staff of the jurisdiction (and of the county) see them.
    officer = client_for(cast.officer)
    with django_assert_max_num_queries(14):
        page = officer.get(reverse("units:digest_list"))
    assert link(whole) in page.content.decode() and link(township) in page.content.decode()
    with django_assert_max_num_queries(16):
        page = officer.get(detail(whole))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="digest-send"' in html
    assert whole.comment.split("；")[0][:10] in html
    officer.logout()

    leader = client_for(cast.leader)
    assert leader.get(detail(whole)).status_code == 404  # a draft is not theirs yet
    assert link(whole) not in leader.get(reverse("units:digest_list")).content.decode()
    leader.logout()

    township_officer = client_for(cast.township_officer)
    assert township_officer.get(detail(whole)).status_code == 404  # the county's: not theirs
    assert township_officer.get(detail(township)).status_code == 200
    listed = township_officer.get(reverse("units:digest_list")).content.decode()
    assert link(township) in listed and link(whole) not in listed
    township_officer.logout()

    digests.digest_send(digest=whole, actor=cast.officer)
    digests.digest_send(digest=township, actor=cast.township_officer)
    leader = client_for(cast.leader)
    with django_assert_max_num_queries(16):
        page = leader.get(detail(whole))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="digest-send"' not in html
    assert 'data-testid="digest-comment"' in html
    # Within the leader's jurisdiction: the township's digest too, once sent.
    assert leader.get(detail(township)).status_code == 200
    leader.logout()
    for user in (cast.head_a, cast.head_b, cast.in_charge, cast.evaluator, cast.outsider):
        client = client_for(user)
        assert client.get(reverse("units:digest_list")).status_code == 404
        assert client.get(detail(township)).status_code == 404
        client.logout()


@pytest.mark.django_db
def test_edit_then_send_from_the_page(county, client_for, django_capture_on_commit_callbacks):
    cast = county.cast
    township = _compile(county, cast.dept_a)
    act = lambda name: reverse("units:digest_act", args=[township.pk, name])  # noqa: E731
    client = client_for(cast.township_officer)

    response = client.post(act("comment"), {"comment": "  "})
    assert response.status_code == 400
    assert 'data-testid="digest-comment-form"' in response.content.decode()
    township.refresh_from_db()
    assert township.comment and township.is_draft  # nothing saved

    response = client.post(act("comment"), {"comment": "辖区本周情况：逾期事项需抓紧办理。"})
    assert response.status_code == 302
    township.refresh_from_db()
    assert township.comment == "辖区本周情况：逾期事项需抓紧办理。" and township.is_draft

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(act("send"), {"comment": "辖区本周情况：已督促整改。"})
    assert response.status_code == 302
    township.refresh_from_db()
    assert (
        township.status == Digest.Status.SENT and township.comment == "辖区本周情况：已督促整改。"
    )
    notice = Notification.objects.get(object_key=f"digest:{township.pk}")
    assert notice.recipient == cast.township_officer
    assert notice.body.startswith("辖区本周情况：已督促整改。")
    page = client.get(reverse("units:digest_detail", args=[township.pk])).content.decode()
    assert 'data-testid="digest-sent"' in page and 'data-testid="digest-send"' not in page

    # Sent: a second send or edit is a refused move (400), not a change.
    assert client.post(act("send"), {"comment": "再发一次"}).status_code == 400
    assert client.post(act("comment"), {"comment": "改"}).status_code == 400
    client.logout()
    # The leader reads it but may not edit: 403; an unknown action: 404; GET: 405.
    leader = client_for(cast.leader)
    assert leader.post(act("comment"), {"comment": "改"}).status_code == 403
    assert leader.post(act("publish"), {}).status_code == 404
    assert leader.get(act("send")).status_code == 405
    township.refresh_from_db()
    assert township.comment == "辖区本周情况：已督促整改。"


# --- Tasks and the query count ------------------------------------------------------------


@pytest.mark.django_db
def test_each_digest_task_records_its_run(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_weekly_digest.apply()
        tasks.send_monthly_digest.apply()
        tasks.send_quarterly_digest.apply()
        tasks.send_due_digests.apply()
    kinds = set(Digest.objects.values_list("kind", "scope__code"))
    assert kinds == {
        (kind, scope) for kind in ("weekly", "monthly", "quarterly") for scope in (None, "SLX-SCJ")
    }
    jobs = [f"units.send_{kind}_digest" for kind in ("weekly", "monthly", "quarterly")]
    runs = JobRun.objects.filter(job__in=[*jobs, "units.send_due_digests"])
    assert runs.count() == 4
    assert set(runs.values_list("status", flat=True)) == {JobRun.Status.SUCCEEDED}
    # With nothing overdue the units section says so instead of an empty table.
    quarterly = Digest.objects.get(kind="quarterly", scope=None)
    assert lines(quarterly)["units:none"]["value"] == ""


# Finding the jurisdictions (7), then per jurisdiction: the figures (2), the units at the
# bottom (1), the working-day calendar, the insert and the draft notice, with savepoints.
MAX_PREPARE_QUERIES = 30  # 25 today: 7 + 9 for each of the two


def _grow(cast, n: int) -> None:
    """n more units, under the root and under dept_a."""
    for i in range(n):
        make_unit(f"扩充单位{i}", parent=cast.dept_a if i % 2 else cast.root)


@pytest.mark.django_db
def test_compile_queries_do_not_grow_with_units(
    county, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Two jurisdictions compiled for 7 units, then for 47: the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for kind, extra in ((WEEKLY, 2), (Digest.Kind.MONTHLY, 40)):
        _grow(county.cast, extra)
        with (
            django_assert_max_num_queries(MAX_PREPARE_QUERIES),
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=False),
        ):
            digests.digests_prepare(kind=kind, today=county.today)
        counts.append(len(queries))
    assert Digest.objects.count() == 4
    assert counts[0] == counts[1], counts
