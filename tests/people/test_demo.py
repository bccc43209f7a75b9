"""The demo county shows the people and follow-through records and serving the public
(issues 17, 18): built through the services, once however often seed_demo runs, and on the
pages of the demo logins who use them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaign.models import (
    CircularCadre,
    DutyReport,
    MilestoneProgress,
    PeopleProject,
    ProjectMilestone,
    SupervisorReport,
)
from complaints.models import Complaint, ReceptionDay, ServiceCommitment
from tests.otp import verify_session
from units.models import Supervisor

pytestmark = pytest.mark.django_db
User = get_user_model()

MODELS = (
    DutyReport,
    CircularCadre,
    PeopleProject,
    ProjectMilestone,
    MilestoneProgress,
    SupervisorReport,
    Supervisor,
    ServiceCommitment,
    ReceptionDay,
)


def seed() -> None:
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


def counts() -> dict[str, int]:
    return {
        **{model.__name__: model.objects.count() for model in MODELS},
        "visits": Complaint.objects.filter(reception_day__isnull=False).count(),
        "users": User.objects.count(),
    }


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert counts() == first  # a second run duplicates nothing
    return first


def test_every_new_feature_has_demo_rows_made_once(demo):
    assert all(demo[model.__name__] for model in MODELS), demo
    assert demo["visits"] == 2
    # Commitments: published, with their 首问负责人 and working days, for several units.
    published = ServiceCommitment.objects.filter(status="published")
    assert published.count() == demo["ServiceCommitment"]
    assert published.values("unit").distinct().count() >= 3
    assert all(c.first_responsible and c.time_limit_days for c in published)
    # Reception days: one past with its visits recorded (then accepted and assigned), and
    # days to come.
    today = timezone.localdate()
    assert ReceptionDay.objects.filter(date__lt=today).count() == 1
    assert ReceptionDay.objects.filter(date__gt=today).count() == 2
    visits = Complaint.objects.filter(reception_day__date__lt=today)
    assert set(visits.values_list("channel", flat=True)) == {Complaint.Channel.VISIT}
    assert set(visits.values_list("status", flat=True)) == {Complaint.Status.ASSIGNED}
    # Projects: both published; one on time, one with a milestone overdue and escalated.
    assert set(PeopleProject.objects.values_list("status", flat=True)) == {"published"}
    overdue = ProjectMilestone.objects.filter(status="open", due_date__lt=today)
    assert overdue.values("project").distinct().count() == 1
    assert overdue.filter(escalated_at__isnull=False).exists()
    on_time = PeopleProject.objects.exclude(milestones__in=overdue).get()
    assert on_time.milestones.filter(status="done").exists()
    assert on_time.milestones.filter(status="open", due_date__gte=today).exists()
    # The supervisor signs in with their own login; their report waits for the officer.
    supervisor = Supervisor.objects.get()
    assert supervisor.user.username == "jiandu"
    assert SupervisorReport.objects.get().status == SupervisorReport.Status.SUBMITTED
    # 述职 from a unit's first responsible person; a published circular names a cadre.
    report = DutyReport.objects.get()
    assert report.role == DutyReport.Role.FIRST_RESPONSIBLE and report.person.user.username == (
        "danwei"
    )
    named = CircularCadre.objects.select_related("circular").get()
    assert named.circular.status == "published" and not named.circular.is_public


def _get(client, user, url: str):
    client.force_login(user)
    if user.is_staff:
        verify_session(client, user)
    response = client.get(url)
    assert response.status_code == 200, (user.username, url, response.status_code)
    return response.content.decode()


def test_the_demo_pages_show_them_to_their_logins(demo, client):
    jiwei, danwei, danwei2, jiandu = (
        User.objects.get(username=name) for name in ("jiwei", "danwei", "danwei2", "jiandu")
    )
    project = PeopleProject.objects.get(unit__code="SLX-JYJ")
    report = SupervisorReport.objects.get()
    duty = DutyReport.objects.get()
    named = CircularCadre.objects.get()
    # The officer finds the supervisor's report waiting; the supervisor finds their own.
    detail = reverse("campaign:supervisor_report_detail", args=[report.pk])
    assert detail in _get(client, jiwei, reverse("campaign:supervisor_report_list"))
    assert report.place in _get(client, jiwei, detail)
    assert detail in _get(client, jiandu, reverse("campaign:supervisor_report_list"))
    assert project.title in _get(client, jiwei, reverse("campaign:project_list"))
    assert project.title in _get(
        client, danwei2, reverse("campaign:project_detail", args=[project.pk])
    )
    assert duty.deliverable.title in _get(
        client, jiwei, reverse("campaign:cadre_record", args=[duty.person.pk])
    )
    assert named.circular.title in _get(
        client, jiwei, reverse("campaign:cadre_record", args=[named.person.pk])
    )
    commitment = ServiceCommitment.objects.filter(unit__code="SLX-SCJ").first()
    assert commitment.service in _get(client, danwei, reverse("complaints:commitments"))
    day = ReceptionDay.objects.order_by("date").first()
    assert day.place in _get(client, jiwei, reverse("complaints:reception_days"))
    client.logout()
    for name in (
        "complaints:public_commitments",
        "complaints:public_reception_days",
        "campaign:public_project_list",
    ):
        assert client.get(reverse(name)).status_code == 200
    assert (
        commitment.service in client.get(reverse("complaints:public_commitments")).content.decode()
    )
    assert project.title in client.get(reverse("campaign:public_project_list")).content.decode()
    upcoming = ReceptionDay.objects.order_by("-date").first()
    assert (
        upcoming.place in client.get(reverse("complaints:public_reception_days")).content.decode()
    )
