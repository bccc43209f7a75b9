"""述职 per person: each leadership member owes their own report, handed in from their record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign import services
from campaign.models import Deliverable, DutyReport
from tests.factories import make_person_with_login
from units import services as unit_services
from units.models import Responsibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def annual(campaign):
    return campaign.deliverables.get(kind=Deliverable.Kind.ANNUAL_REPORT)


@pytest.fixture
def deputy(cast):
    person, _user = make_person_with_login("冯副局长", "deputy_a", title="副局长")
    unit_services.responsibility_assign(
        person=person,
        unit=cast.dept_a,
        role=Responsibility.Role.PRINCIPAL,
        start_date=datetime.date(2026, 1, 1),
    )
    return person


def _url(person):
    return reverse("campaign:cadre_duty_report", args=[person.pk])


def _record(client, person):
    return client.get(reverse("campaign:cadre_record", args=[person.pk]))


def test_each_leadership_member_owes_their_own_report(cast, cadre, deputy, annual):
    (first,) = services.duty_reports_due(person=cadre)
    (dual,) = services.duty_reports_due(person=deputy)
    assert (first.deliverable, first.unit, first.role) == (annual, cast.dept_a, "first")
    assert (dual.deliverable, dual.unit, dual.role) == (annual, cast.dept_a, "principal")
    assert first.year == 2026 and first.report is None
    # A leader in charge (分管领导) is not of the unit's leadership team: nothing owed.
    assert services.duty_reports_due(person=cast.in_charge.person) == []


def test_a_member_hands_in_from_their_record(client_for, cast, deputy, annual):
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.get(username="deputy_a"))
    response = client.post(
        _url(deputy), {"due": f"{annual.pk}-{cast.dept_a.pk}", "text": "一岗双责履职情况：……"}
    )
    assert response.status_code == 302
    report = DutyReport.objects.get()
    assert (report.person, report.unit, report.role) == (deputy, cast.dept_a, "principal")
    assert report.history.get().history_user.username == "deputy_a"
    row = _record(client_for(cast.officer), deputy).context["duty_reports"][0]
    expected = "late" if timezone.localdate() > annual.due_date else "submitted"
    assert row.report == report and row.state == expected
    # Handed in once: the form no longer offers it, and the service refuses a second.
    assert _record(client, deputy).context["report_form"] is None
    with pytest.raises(ValidationError):
        services.duty_report_submit(
            deliverable=annual, unit=cast.dept_a, person=deputy, actor=report.submitted_by, text="x"
        )


def test_late_and_missing(cast, cadre, deputy, annual):
    Deliverable.objects.filter(pk=annual.pk).update(due_date=datetime.date(2026, 3, 1))
    annual.refresh_from_db()
    services.duty_report_submit(
        deliverable=annual, unit=cast.dept_a, person=cadre, actor=cast.head_a, text="年度述职"
    )
    assert [d.state for d in services.duty_reports_due(person=cadre)] == ["late"]
    assert [d.state for d in services.duty_reports_due(person=deputy)] == ["missing"]


def test_bad_input_is_refused_in_chinese_and_nothing_saved(client_for, cast, cadre, annual):
    client = client_for(cast.head_a)
    response = client.post(_url(cadre), {"due": f"{annual.pk}-{cast.dept_a.pk}", "text": " "})
    assert response.status_code == 400
    assert "请填写内容或上传附件" in response.content.decode()
    response = client.post(_url(cadre), {"due": f"{annual.pk}-{cast.dept_b.pk}", "text": "述职"})
    assert response.status_code == 400
    assert not DutyReport.objects.exists()


def test_only_the_member_themself_hands_in(client_for, cast, cadre, annual):
    data = {"due": f"{annual.pk}-{cast.dept_a.pk}", "text": "代交"}
    # An officer may read the record but not hand in the cadre's report: 403.
    assert client_for(cast.officer).post(_url(cadre), data).status_code == 403
    # Another unit's head cannot even see the cadre: 404.
    assert client_for(cast.head_b).post(_url(cadre), data).status_code == 404
    assert client_for(cast.head_a).get(_url(cadre)).status_code == 405
    with pytest.raises(PermissionDenied):
        services.duty_report_submit(
            deliverable=annual, unit=cast.dept_a, person=cadre, actor=cast.officer, text="代交"
        )
    assert not DutyReport.objects.exists()


def test_record_query_count_is_flat(client_for, cast, cadre, record, django_assert_max_num_queries):
    """More items, 问责, circulars and reports: the record page costs the same queries."""
    from tests.campaign.conftest import item_drive

    client = client_for(cast.officer)
    url = reverse("campaign:cadre_record", args=[cadre.pk])
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    campaign = record["item"].campaign
    for n in range(4):
        item_drive(cast, campaign, level="individual", cadre=cadre, problem=f"问题{n}")
        services.accountability_action_record(
            kind="warning_talk", reason=f"事由{n}", actor=cast.officer, person=cadre
        )
        circular = services.circular_create(
            campaign=campaign,
            kind="criticism",
            title=f"通报{n}",
            body="正文",
            actor=cast.officer,
            cadres=[(cadre, "negative")],
        )
        services.circular_publish(circular=circular, actor=cast.officer)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["items"]) == 5 and len(response.context["circulars"]) == 4
