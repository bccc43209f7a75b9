"""催报: officers remind the units that have not handed in a deliverable, one unit or all at
once, at most once a day, on the record; units that handed in are not reminded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaign import services
from campaign.models import Reminder
from units.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliverable(campaign):
    return campaign.deliverables.order_by("due_date", "pk").first()


def _urge(deliverable, unit):
    return reverse("campaign:deliverable_urge", args=[deliverable.pk, unit.pk])


def test_officer_urges_a_unit_that_has_not_handed_in(client_for, cast, deliverable):
    client = client_for(cast.officer)
    page = client.get(reverse("campaign:deliverable_detail", args=[deliverable.pk]))
    assert f'data-testid="urge-{cast.dept_b.pk}"' in page.content.decode()
    response = client.post(_urge(deliverable, cast.dept_b), {"text": "请于本周五前报送"})
    assert response.status_code == 302
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.unit, reminder.subject) == (
        "urge_report",
        cast.dept_b,
        deliverable,
    )
    notice = Notification.objects.get(object_key=f"campaign.reminder:{reminder.pk}")
    assert notice.recipient == cast.head_b and "请于本周五前报送" in notice.body
    assert notice.url == reverse("campaign:deliverables")
    # Once a day: the second says so (400 with the page), nothing new.
    again = client.post(_urge(deliverable, cast.dept_b), {"text": ""})
    assert again.status_code == 400 and Reminder.objects.count() == 1
    assert "今天" in again.content.decode() or "today" in again.content.decode()
    page = client.get(reverse("campaign:deliverable_detail", args=[deliverable.pk]))
    assert 'data-testid="last-urge"' in page.content.decode()
    assert [r.pk for r in page.context["reminders"]] == [reminder.pk]


def test_a_unit_that_handed_in_is_not_urged(client_for, cast, deliverable):
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="方案"
    )
    client = client_for(cast.officer)
    page = client.get(reverse("campaign:deliverable_detail", args=[deliverable.pk]))
    assert f'data-testid="urge-{cast.dept_a.pk}"' not in page.content.decode()
    response = client.post(_urge(deliverable, cast.dept_a), {"text": ""})
    assert response.status_code == 400 and not Reminder.objects.exists()
    with pytest.raises(ValidationError):
        services.deliverable_urge(deliverable=deliverable, unit=cast.division_a, actor=cast.officer)


def test_urge_every_missing_unit_at_once(client_for, cast, deliverable):
    services.submission_submit(
        deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="方案"
    )
    services.deliverable_urge(deliverable=deliverable, unit=cast.township, actor=cast.officer)
    client = client_for(cast.officer)
    url = reverse("campaign:deliverable_urge_missing", args=[deliverable.pk])
    response = client.post(url, {"text": ""}, follow=True)
    assert set(Reminder.objects.values_list("unit__code", flat=True)) == {"SLX-JYJ", "SLX-CGZ"}
    assert Reminder.objects.count() == 2
    text = response.content.decode()
    assert "1" in text  # one sent now, one already today (the township's)
    result = services.deliverable_urge_missing(deliverable=deliverable, actor=cast.officer)
    assert (result.sent, result.already) == (0, 2)


def test_a_township_officer_urges_only_within_the_subtree(cast, deliverable):
    result = services.deliverable_urge_missing(deliverable=deliverable, actor=cast.officer)
    assert result.sent == 3
    Reminder.objects.all().delete()
    # dept_a's subtree holds one of the units that owe it: dept_a itself.
    result = services.deliverable_urge_missing(deliverable=deliverable, actor=cast.township_officer)
    assert result.sent == 1
    assert list(Reminder.objects.values_list("unit", flat=True)) == [cast.dept_a.pk]
    with pytest.raises(PermissionDenied):
        services.deliverable_urge(
            deliverable=deliverable, unit=cast.dept_b, actor=cast.township_officer
        )


def test_units_and_readers_cannot_urge(client_for, cast, deliverable):
    assert client_for(cast.head_a).post(_urge(deliverable, cast.dept_b)).status_code == 404
    assert client_for(cast.leader).post(_urge(deliverable, cast.dept_b)).status_code == 403
    url = reverse("campaign:deliverable_urge_missing", args=[deliverable.pk])
    assert client_for(cast.leader).post(url).status_code == 403
    assert client_for(cast.head_a).post(url).status_code == 403
    assert not Reminder.objects.exists()
