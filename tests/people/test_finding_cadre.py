"""An inspection finding names the cadre answerable for it: the item it becomes is theirs."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign import services
from campaign.models import AccountabilityAction, Finding, RectificationItem

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 9, 30)


@pytest.fixture
def inspection(cast, campaign):
    return services.inspection_record(
        campaign=campaign, kind="secret", date=datetime.date(2026, 6, 3), actor=cast.officer
    )


def _post(client, inspection, **data):
    values = {
        "unit": data.pop("unit").pk,
        "severity": "major",
        "description": "窗口人员上班时间玩手机游戏",
        "deadline": DEADLINE.isoformat(),
        **data,
    }
    return client.post(reverse("campaign:inspection_detail", args=[inspection.pk]), values)


def test_finding_naming_a_cadre_ties_its_item_to_them(client_for, cast, cadre, inspection):
    response = _post(client_for(cast.officer), inspection, unit=cast.dept_a, cadre=cadre.pk)
    assert response.status_code == 302
    item = RectificationItem.objects.get(finding__inspection=inspection)
    assert (item.cadre, item.level, item.source) == (cadre, "individual", "inspection")
    page = client_for(cast.officer).get(reverse("campaign:inspection_detail", args=[inspection.pk]))
    assert "责任干部：赵局长" in page.content.decode()
    # The item is on the cadre's record.
    record = client_for(cast.officer).get(reverse("campaign:cadre_record", args=[cadre.pk]))
    assert [i.pk for i in record.context["items"]] == [item.pk]


def test_finding_without_a_cadre_stays_a_unit_item(cast, inspection):
    finding = services.finding_add(
        inspection=inspection,
        actor=cast.officer,
        data=services.FindingInput(
            unit=cast.dept_a, severity="minor", description="台账不全", deadline=DEADLINE
        ),
    )
    assert (finding.item.cadre, finding.item.level) == (None, "unit")


def test_a_cadre_of_another_unit_is_refused_and_nothing_saved(client_for, cast, inspection):
    # The form refuses a person of another unit (not a choice for that unit) in Chinese.
    with pytest.raises(ValidationError) as refused:
        services.finding_add(
            inspection=inspection,
            actor=cast.officer,
            data=services.FindingInput(
                unit=cast.dept_a,
                severity="minor",
                description="x",
                deadline=DEADLINE,
                cadre=cast.head_b.person,
            ),
        )
    assert "cadre" in refused.value.message_dict
    response = _post(
        client_for(cast.officer), inspection, unit=cast.dept_a, cadre=cast.head_b.person.pk
    )
    assert response.status_code == 400
    assert "请选择该问题所在单位的干部" in response.content.decode()
    assert not Finding.objects.exists() and not RectificationItem.objects.exists()


def test_accountability_from_a_finding_against_its_cadre(client_for, cast, cadre, inspection):
    """赵局长 leads dept_a by a post (no home unit): still a cadre the 问责 may name."""
    _post(client_for(cast.officer), inspection, unit=cast.dept_a, cadre=cadre.pk)
    finding = Finding.objects.get()
    url = reverse("campaign:inspection_detail", args=[inspection.pk])
    data = {
        "accountability": "1",
        "finding": finding.pk,
        "kind": "admonition_talk",
        "reason": "工作纪律松弛",
        "document_number": "县纪发〔2026〕12号",
        "date": "2026-06-10",
    }
    # Another unit's cadre is refused, nothing saved.
    response = client_for(cast.officer).post(url, {**data, "person": cast.head_b.person.pk})
    assert response.status_code == 400 and not AccountabilityAction.objects.exists()
    response = client_for(cast.officer).post(url, {**data, "person": cadre.pk})
    assert response.status_code == 302
    action = AccountabilityAction.objects.get()
    assert (action.person, action.unit, action.document_number) == (
        cadre,
        cast.dept_a,
        "县纪发〔2026〕12号",
    )


def test_unit_page_links_records_through_the_shell_hook(client_for, cast, cadre):
    """units renders the link the campaign app's hook gives it (units never names campaign)."""
    from pathlib import Path

    from django.conf import settings

    template = Path(settings.BASE_DIR) / "templates" / "units" / "unit_detail.html"
    assert "campaign:" not in template.read_text()
    page = client_for(cast.head_a).get(reverse("units:unit_detail", args=[cast.dept_a.pk]))
    assert reverse("campaign:cadre_record", args=[cadre.pk]) in page.content.decode()
