"""领导接待日: officers publish reception days; the public sees those to come; each visit
received is registered as a complaint of the channel 来访 with the leader who received it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from complaints import services
from complaints.models import Complaint, ReceptionDay
from tests.commitments.conftest import commitment_make, reception_day_make

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_officer_publishes_a_day_and_bad_input_is_refused(cast, client_for):
    client = client_for(cast.officer)
    url = reverse("complaints:reception_day_new")
    data = {
        "leader": cast.leader.pk,
        "leader_name": "",
        "leader_post": "县长",
        "unit": "",
        "place": "县人民来访接待中心",
        "date": (TODAY + datetime.timedelta(days=3)).isoformat(),
        "starts_at": "14:30",
        "ends_at": "09:00",
        "topic": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert _("The time slot must end after it starts.") in response.content.decode()
    response = client.post(url, {**data, "ends_at": "17:00", "leader": "", "place": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert "这个字段是必填项。" in text
    assert escape(_("Choose the leader's account or give the name.")) in text
    assert ReceptionDay.objects.count() == 0
    response = client.post(url, {**data, "ends_at": "17:00"})
    day = ReceptionDay.objects.get()
    assert response.status_code == 302
    assert (day.leader, day.leader_name, day.created_by) == (cast.leader, "李领导", cast.officer)


def test_only_complaint_staff_publish_days(cast):
    for user in (cast.head_a, cast.leader, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.reception_day_create(
                actor=user,
                leader_name="李领导",
                leader_post="县长",
                place="接待室",
                date=TODAY,
                starts_at=datetime.time(9),
                ends_at=datetime.time(10),
            )
    # A subtree officer: days hosted in the subtree, not the county's nor another unit's.
    with pytest.raises(PermissionDenied):
        services.reception_day_create(
            actor=cast.township_officer,
            leader_name="李领导",
            leader_post="县长",
            unit=cast.dept_b,
            place="接待室",
            date=TODAY,
            starts_at=datetime.time(9),
            ends_at=datetime.time(10),
        )
    with pytest.raises(ValidationError):
        services.reception_day_create(
            actor=cast.officer,
            leader_name="",
            leader_post="",
            place="",
            date=None,
            starts_at=None,
            ends_at=None,
        )
    assert ReceptionDay.objects.count() == 0


def test_public_page_lists_upcoming_days_only(cast, client, django_assert_max_num_queries):
    reception_day_make(cast, topic="即将到来的接待日")
    reception_day_make(cast, date=TODAY - datetime.timedelta(days=1), topic="已过的接待日")
    url = reverse("complaints:public_reception_days")
    with django_assert_max_num_queries(5) as few:
        text = client.get(url).content.decode()
    assert "即将到来的接待日" in text and "已过的接待日" not in text
    assert "县长 李领导" in text
    for n in range(35):
        reception_day_make(cast, date=TODAY + datetime.timedelta(days=n), unit=cast.dept_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"page": 2}).status_code == 200


def test_a_visit_is_registered_as_a_visit_complaint_with_its_leader(cast, client_for, category):
    day = reception_day_make(cast, unit=cast.dept_a)
    commitment = commitment_make(cast.dept_a, cast.head_a)
    client = client_for(cast.officer)
    url = reverse("complaints:reception_visit", args=[day.pk])
    data = {
        "received_by_leader": "",
        "received_at": "",
        "title": "营业执照变更久拖不办",
        "content": "群众来访反映：承诺3个工作日办结，两周未办。",
        "category": category.pk,
        "subject_unit": cast.dept_a.pk,
        "subject_person": "",
        "commitment": commitment.pk,
        "name": "张来访",
        "phone": "13900001111",
        "id_number": "",
        "contact": "",
    }
    # Bad input: nothing saved.
    assert client.post(url, {**data, "title": ""}).status_code == 400
    assert Complaint.objects.count() == 0
    response = client.post(url, data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.channel == Complaint.Channel.VISIT
    assert complaint.reception_day == day
    assert complaint.received_by_leader == "县长 李领导"
    assert complaint.commitment == commitment
    assert complaint.status == Complaint.Status.REGISTERED  # the ordinary handling follows
    assert complaint.registered_by == cast.officer
    # The day's page lists it (no visitor shown); the case page says who received it.
    page = client.get(reverse("complaints:reception_day", args=[day.pk])).content.decode()
    assert complaint.number in page and "营业执照变更久拖不办" in page
    assert "张来访" not in page and "13900001111" not in page
    detail = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "县长 李领导" in detail
    # It follows the normal workflow: accepted and assigned like any case.
    complaint = services.complaint_accept(complaint=complaint, actor=cast.officer)
    complaint = services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=cast.officer)
    assert complaint.status == Complaint.Status.ASSIGNED
    # The unit complained about sees the case, never who came.
    unit_page = client_for(cast.head_a).get(reverse("complaints:detail", args=[complaint.pk]))
    assert unit_page.status_code == 200
    assert "张来访" not in unit_page.content.decode()


def test_a_named_deputy_received_the_visit(cast):
    day = reception_day_make(cast)
    complaint = services.reception_visit_record(
        day=day, actor=cast.officer, title="反映", content="……", received_by_leader="副县长 孙某"
    )
    assert complaint.received_by_leader == "副县长 孙某"
    assert complaint.channel == Complaint.Channel.VISIT
    with pytest.raises(PermissionDenied):
        services.reception_visit_record(day=day, actor=cast.head_a, title="反映", content="……")
    # A reception-day visit is a visit: no other channel carries a day.
    with pytest.raises(ValidationError):
        services.complaint_submit(
            channel=Complaint.Channel.HOTLINE,
            title="t",
            content="c",
            actor=cast.officer,
            reception_day=day,
        )
    assert Complaint.objects.count() == 1
