"""问责 pages and records from findings; items raised by officers; closing a campaign."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaign import services
from campaign.forms import ItemForm
from campaign.models import (
    ITEM_COLUMNS,
    AccountabilityAction,
    Campaign,
    Finding,
    RectificationItem,
    RectificationTransition,
)
from campaign.resources import LedgerResource
from tests.campaign.conftest import DEFAULT_DEADLINE, campaign_start, item_drive
from units import services as unit_services
from units.transitions import InvalidTransition

S = RectificationItem.Status


def _finding(cast, campaign) -> Finding:
    inspection = services.inspection_record(
        campaign=campaign,
        kind="secret",
        date=datetime.date(2026, 3, 2),
        actor=cast.officer,
        findings=[
            services.FindingInput(
                unit=cast.dept_a,
                severity="major",
                description="窗口人员脱岗",
                deadline=DEFAULT_DEADLINE(),
            )
        ],
    )
    return inspection.findings.get()


@pytest.fixture
def clerk(cast):
    return unit_services.person_create(name="张科员", title="窗口负责人", unit=cast.dept_a)


# --- The accountability page -------------------------------------------------------------


def test_accountability_page_shows_what_whom_why_and_its_source(
    client_for, cast, campaign, clerk, django_assert_max_num_queries
):
    finding = _finding(cast, campaign)
    action = services.accountability_action_record(
        kind=AccountabilityAction.Kind.ADMONITION_TALK,
        reason="窗口人员脱岗，群众等候超过一小时",
        actor=cast.officer,
        unit=cast.dept_a,
        person=clerk,
        document_number="示纪〔2026〕3号",
        source=finding,
    )
    url = reverse("campaign:accountability_detail", args=[action.pk])
    assert action.get_absolute_url() == url
    for user in (cast.officer, cast.leader, cast.head_a, cast.in_charge):
        client = client_for(user)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, user
        page = response.content.decode()
        assert "张科员" in page and "示纪〔2026〕3号" in page and "窗口人员脱岗" in page
        assert finding.get_absolute_url() in page
    for user in (cast.head_b, cast.outsider, cast.evaluator):
        assert client_for(user).get(url).status_code == 404, user
    assert client_for(cast.officer).post(url).status_code == 405


def test_an_action_against_a_person_alone_is_scoped_by_the_persons_unit(
    client_for, cast, campaign, clerk
):
    action = services.accountability_action_record(
        kind=AccountabilityAction.Kind.REMINDER_TALK,
        reason="提醒谈话",
        actor=cast.officer,
        person=clerk,
    )
    url = reverse("campaign:accountability_detail", args=[action.pk])
    assert client_for(cast.head_a).get(url).status_code == 200
    assert client_for(cast.head_b).get(url).status_code == 404


def test_officer_records_accountability_from_a_finding_against_a_named_person(
    client_for, cast, campaign, clerk
):
    finding = _finding(cast, campaign)
    url = reverse("campaign:inspection_detail", args=[finding.inspection_id])
    data = {
        "accountability": "1",
        "finding": finding.pk,
        "kind": AccountabilityAction.Kind.ADMONITION_TALK,
        "person": clerk.pk,
        "reason": "脱岗",
        "document_number": "示纪〔2026〕5号",
    }
    assert client_for(cast.officer).post(url, data).status_code == 302
    action = AccountabilityAction.objects.get()
    assert (action.unit, action.person, action.source) == (cast.dept_a, clerk, finding)
    page = client_for(cast.officer).get(url).content.decode()
    assert action.get_absolute_url() in page
    # Against the unit alone: no person chosen.
    assert client_for(cast.officer).post(url, {**data, "person": ""}).status_code == 302
    assert AccountabilityAction.objects.filter(person__isnull=True, unit=cast.dept_a).exists()
    # A cadre of another unit is refused, with the page again.
    other = unit_services.person_create(name="李干部", unit=cast.dept_b)
    response = client_for(cast.officer).post(url, {**data, "person": other.pk})
    assert response.status_code == 400
    assert AccountabilityAction.objects.count() == 2
    # Read-only users cannot record it.
    assert client_for(cast.head_a).post(url, data).status_code == 403


# --- Items raised by officers --------------------------------------------------------------


def test_officer_raises_an_accepted_item_linked_to_its_source(cast, campaign):
    finding = _finding(cast, campaign)
    item = services.item_raise(
        campaign=campaign,
        unit=cast.dept_a,
        actor=cast.officer,
        problem="群众反映窗口推诿",
        deadline=DEFAULT_DEADLINE(),
        source_object=finding,
        source=RectificationItem.Source.COMPLAINT,
    )
    assert item.status == S.ACCEPTED and item.source == "complaint"
    assert item.source_object == finding
    record = RectificationTransition.objects.get(item=item)
    assert (record.from_status, record.to_status, record.actor) == ("", "accepted", cast.officer)
    # The unit works it off as any accepted item.
    services.progress_post(item=item, actor=cast.head_a, text="已约谈窗口人员")
    with pytest.raises(PermissionDenied):
        services.item_raise(
            campaign=campaign,
            unit=cast.dept_a,
            actor=cast.head_a,
            problem="x",
            deadline=DEFAULT_DEADLINE(),
        )


# --- Closing a campaign ------------------------------------------------------------------


def test_closing_keeps_open_items_on_the_ledger(client_for, cast, campaign):
    open_item = item_drive(cast, campaign, S.IN_PROGRESS)
    url = reverse("campaign:campaign_close", args=[campaign.pk])
    page = client_for(cast.officer).get(url)
    assert page.status_code == 200 and 'data-testid="close-meaning"' in page.content.decode()
    assert client_for(cast.leader).get(url).status_code == 403
    assert client_for(cast.head_a).post(url, {"open_items": "keep"}).status_code == 403
    response = client_for(cast.officer).post(url, {"open_items": "keep"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    # Open items are worked off and closed as before.
    item = services.item_request_closure(item=open_item, actor=cast.head_a, evidence="已整改")
    item = services.item_close(item=item, actor=cast.officer, verification_note="实地核查")
    assert item.campaign_id == campaign.pk and item.status == S.CLOSED
    # A second close is refused with the page again and a message.
    again = client_for(cast.officer).post(url, {"open_items": "keep"})
    assert again.status_code == 400


def test_closing_carries_open_items_into_another_campaign(client_for, cast, campaign):
    open_item = item_drive(cast, campaign, S.IN_PROGRESS)
    done = item_drive(cast, campaign, S.CLOSED, problem="已销号")
    history = RectificationTransition.objects.filter(item=open_item).count()
    next_one = campaign_start(cast)
    url = reverse("campaign:campaign_close", args=[campaign.pk])
    # Carrying needs a campaign to carry into.
    assert client_for(cast.officer).post(url, {"open_items": "carry"}).status_code == 400
    response = client_for(cast.officer).post(
        url, {"open_items": "carry", "carry_into": next_one.pk, "comment": "转入下一年度"}
    )
    assert response.status_code == 302
    open_item.refresh_from_db()
    done.refresh_from_db()
    assert (open_item.campaign, open_item.carried_from) == (next_one, campaign)
    assert open_item.status == S.IN_PROGRESS
    assert done.campaign == campaign  # closed items stay where they were closed
    records = RectificationTransition.objects.filter(item=open_item).order_by("pk")
    assert records.count() == history + 1
    assert campaign.name in records.last().comment
    page = client_for(cast.head_a).get(open_item.get_absolute_url()).content.decode()
    assert 'data-testid="carried-from"' in page


def test_nothing_new_is_filed_into_a_closed_campaign(client_for, cast, campaign):
    services.campaign_close(campaign=campaign, actor=cast.officer)
    with pytest.raises(ValidationError):
        item_drive(cast, campaign)
    with pytest.raises(ValidationError):
        services.item_raise(
            campaign=campaign,
            unit=cast.dept_a,
            actor=cast.officer,
            problem="x",
            deadline=DEFAULT_DEADLINE(),
        )
    deliverable = campaign.deliverables.first()
    with pytest.raises(ValidationError):
        services.submission_submit(
            deliverable=deliverable, unit=cast.dept_a, actor=cast.head_a, text="材料"
        )
    response = client_for(cast.head_a).post(
        reverse("campaign:item_create", args=[campaign.pk]),
        {"unit": cast.dept_a.pk, "problem": "新问题", "deadline": "2026-12-01"},
    )
    assert response.status_code == 200 and not RectificationItem.objects.exists()
    with pytest.raises(InvalidTransition):
        services.campaign_close(campaign=campaign, actor=cast.officer)


def test_carrying_into_a_closed_or_the_same_campaign_is_refused(cast, campaign):
    item_drive(cast, campaign, S.ACCEPTED)
    with pytest.raises(ValidationError):
        services.campaign_close(campaign=campaign, actor=cast.officer, carry_into=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE  # all or nothing


# --- One declaration of the item fields --------------------------------------------------


def test_every_declared_item_field_reaches_the_service_the_form_and_the_ledger():
    declared = set(ITEM_COLUMNS)
    resource = LedgerResource(campaign=Campaign(), user=None)
    headers = {field.column_name for name, field in resource.fields.items() if name in declared}
    assert declared <= set(services.ITEM_EDITABLE)
    assert declared <= set(ItemForm.Meta.fields)
    assert declared <= set(resource.fields)
    assert headers == set(ITEM_COLUMNS.values())
    snapshot = {name.removesuffix("_id") for name in LedgerResource.snapshot_fields}
    assert declared <= snapshot
