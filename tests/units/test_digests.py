"""Leadership digests (周检查、月点评、季小结): periods, figures, once per period, who reads them."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaign.models import RectificationItem
from complaints.models import Complaint
from tests.campaign.conftest import campaign_start, item_drive
from tests.complaints.conftest import ID_NUMBER, NAME, PHONE, complaint_drive
from units import digests, roles, tasks
from units.models import Digest, JobRun, Notification

D = datetime.date


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


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@pytest.fixture
def busy_county(cast, django_capture_on_commit_callbacks):
    """Last week (16–22 Nov 2026): complaints and items filed and closed; some overdue."""
    from complaints.models import ComplaintCategory

    category = ComplaintCategory.objects.get(name="服务态度")
    campaign = campaign_start(cast)
    with django_capture_on_commit_callbacks(execute=True):
        new = complaint_drive(cast, category, Complaint.Status.REGISTERED)
        closed = complaint_drive(cast, category, Complaint.Status.CLOSED)
        late = complaint_drive(cast, category, Complaint.Status.ASSIGNED)
        older = complaint_drive(cast, category, Complaint.Status.REGISTERED, unit=cast.dept_b)
        done = item_drive(cast, campaign, RectificationItem.Status.CLOSED)
        overdue = item_drive(cast, campaign, RectificationItem.Status.IN_PROGRESS)
    # Put the facts where the period is: the services stamp "now".
    Complaint.objects.filter(pk__in=[new.pk, closed.pk, late.pk]).update(
        received_at=_at(D(2026, 11, 17))
    )
    Complaint.objects.filter(pk=older.pk).update(received_at=_at(D(2026, 11, 10)))
    Complaint.objects.filter(pk=closed.pk).update(closed_at=_at(D(2026, 11, 20)))
    Complaint.objects.filter(pk=late.pk).update(deadline=D(2026, 11, 18))
    RectificationItem.objects.filter(pk=done.pk).update(
        created_at=_at(D(2026, 11, 16)), closed_at=_at(D(2026, 11, 19))
    )
    RectificationItem.objects.filter(pk=overdue.pk).update(
        created_at=_at(D(2026, 11, 16)), deadline=D(2026, 11, 20)
    )
    mail.outbox.clear()
    return cast


def _figures(digest: Digest) -> dict[str, dict]:
    return {line["label"]: line for section in digest.sections for line in section["lines"]}


@pytest.mark.django_db
def test_weekly_digest_counts_the_week_and_names_units_at_the_bottom(
    busy_county, django_capture_on_commit_callbacks, monkeypatch
):
    cast = busy_county
    monkeypatch.setattr(timezone, "localdate", lambda *a: D(2026, 11, 23))
    with django_capture_on_commit_callbacks(execute=True):
        sent = digests.digest_send(kind=Digest.Kind.WEEKLY, today=D(2026, 11, 23))

    digest = Digest.objects.get()
    assert digest.title == "周检查（2026-11-16 至 2026-11-22）"
    figures = _figures(digest)
    assert figures["新增投诉举报"]["value"] == 3
    assert figures["新增投诉举报"]["previous"] == 1
    assert figures["已办结投诉举报"]["value"] == 1
    assert figures["逾期未办结投诉举报"]["value"] == 1
    assert figures["已销号整改事项"]["value"] == 1
    assert figures["逾期未销号整改事项"]["value"] == 1
    bottom = next(s for s in digest.sections if s["title"] == "逾期事项最多的单位")
    assert bottom["lines"][0]["label"] == cast.dept_a.name
    assert bottom["lines"][0]["value"] == 2  # one overdue item, one overdue complaint
    assert bottom["lines"][0]["url"] == reverse("units:unit_detail", args=[cast.dept_a.pk])

    # Leaders and inspection staff, in-app and by e-mail with a link; nobody else.
    recipients = set(
        Notification.objects.filter(kind=Notification.Kind.DIGEST).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"officer", "leader"} and sent == 2
    assert {m.to[0] for m in mail.outbox} == {cast.officer.email, cast.leader.email}
    message = mail.outbox[0]
    assert message.subject == digest.title
    assert f"/digests/{digest.pk}/" in message.body
    assert "逾期未销号整改事项：1" in message.body
    # A digest is about figures: no complainant identity ever appears in it.
    for text in (message.body, str(digest.sections)):
        assert NAME not in text and PHONE not in text and ID_NUMBER not in text


@pytest.mark.django_db
def test_whoever_sees_only_a_subtree_gets_no_digest(
    busy_county, django_capture_on_commit_callbacks
):
    """The digest names every unit: a leader narrowed to one department is not told."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    cast = busy_county
    Group.objects.get(name=roles.LEADERSHIP).permissions.remove(
        Permission.objects.get(codename="view_all_units")
    )
    assign_perm("units.view_unit", cast.leader, cast.dept_a)
    assert Digest.objects.visible_to(cast.leader).count() == 0  # the page agrees
    with django_capture_on_commit_callbacks(execute=True):
        sent = digests.digest_send(kind=Digest.Kind.WEEKLY, today=D(2026, 11, 23))
    assert sent == 1
    assert list(
        Notification.objects.filter(kind=Notification.Kind.DIGEST).values_list(
            "recipient__username", flat=True
        )
    ) == ["officer"]


@pytest.mark.django_db
def test_running_twice_sends_once(busy_county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digests.digest_send(kind=Digest.Kind.MONTHLY, today=D(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        digests.digest_send(kind=Digest.Kind.MONTHLY, today=D(2026, 12, 3))
    assert Digest.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.DIGEST).count() == 2
    assert len(mail.outbox) == 2
    assert Digest.objects.get().title == "月点评（2026年11月）"


@pytest.mark.django_db
def test_each_digest_task_records_its_run(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_weekly_digest.apply()
        tasks.send_monthly_digest.apply()
        tasks.send_quarterly_digest.apply()
    assert set(Digest.objects.values_list("kind", flat=True)) == {"weekly", "monthly", "quarterly"}
    runs = JobRun.objects.filter(job__startswith="units.send_")
    assert runs.count() == 3
    assert set(runs.values_list("status", flat=True)) == {JobRun.Status.SUCCEEDED}
    assert set(runs.values_list("items", flat=True)) == {2}
    # With nothing overdue the units section says so instead of an empty table.
    quarterly = Digest.objects.get(kind="quarterly")
    assert _figures(quarterly)["没有单位存在逾期事项。"]["value"] == ""


@pytest.mark.django_db
def test_leaders_and_officers_read_digests_others_get_404(
    busy_county, client_for, django_assert_max_num_queries
):
    cast = busy_county
    digest = digests.digest_compile(
        period=digests.period_before(kind="weekly", today=D(2026, 11, 23))
    )
    for user in (cast.officer, cast.leader):
        client = client_for(user)
        with django_assert_max_num_queries(12):
            page = client.get(reverse("units:digest_list"))
        assert page.status_code == 200 and digest.title in page.content.decode()
        with django_assert_max_num_queries(12):
            page = client.get(reverse("units:digest_detail", args=[digest.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        assert "逾期未销号整改事项" in html and reverse("campaign:overdue_board") in html
        assert "上期" in html
        client.logout()
    for user in (cast.head_a, cast.head_b, cast.in_charge, cast.evaluator, cast.outsider):
        client = client_for(user)
        assert client.get(reverse("units:digest_list")).status_code == 404
        assert client.get(reverse("units:digest_detail", args=[digest.pk])).status_code == 404
        client.logout()
    anonymous = client_for(cast.officer)
    anonymous.logout()
    response = anonymous.get(reverse("units:digest_detail", args=[digest.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    officer = client_for(cast.officer)
    assert officer.post(reverse("units:digest_list")).status_code == 405
