"""A substantiated complaint raises a rectification item (and, if chosen, 问责) in one step."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign import services as campaign_services
from campaign.models import AccountabilityAction, Campaign, RectificationItem
from complaints import services
from complaints.models import Complaint
from tests.complaints.conftest import ID_NUMBER, NAME, PHONE
from units.workdays import add_working_days

pytestmark = pytest.mark.django_db
S = Complaint.Status


@pytest.fixture
def campaign(cast) -> Campaign:
    created = campaign_services.campaign_create(
        name="2026年集中整顿作风提升行政效能专项活动",
        year=2026,
        scope=cast.root,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        template=Campaign.Template.SPECIAL,
        actor=cast.officer,
    )
    return campaign_services.campaign_activate(campaign=created, actor=cast.officer)


def _act(complaint):
    return reverse("complaints:act", args=[complaint.pk, "follow_up"])


def _post_data(campaign, **extra):
    return {
        "raise_item": "on",
        "campaign": campaign.pk,
        "problem": "窗口工作人员推诿扯皮，群众办事多次往返",
        "working_days": "10",
        "kind": "",
        "reason": "",
        "document_number": "",
        "date": "",
        **extra,
    }


def _identity_free(item: RectificationItem) -> bool:
    text = " ".join(
        str(getattr(item, f.attname) or "") for f in RectificationItem._meta.concrete_fields
    )
    return not any(secret in text for secret in (NAME, PHONE, ID_NUMBER))


def test_officer_raises_item_and_accountability_in_one_step(cast, make_complaint, campaign):
    complaint = make_complaint(S.CLOSED)
    records_before = complaint.transitions.count()
    item = services.complaint_raise_item(
        complaint=complaint,
        actor=cast.officer,
        campaign=campaign,
        problem="窗口推诿扯皮",
        working_days=10,
        accountability=services.Accountability(
            kind="warning_talk", reason="推诿扯皮属实", document_number="县纪〔2026〕9号"
        ),
    )
    item.refresh_from_db()
    assert item.unit == cast.dept_a and item.campaign == campaign
    assert item.status == RectificationItem.Status.ACCEPTED
    assert item.source == RectificationItem.Source.COMPLAINT
    assert item.source_object == complaint
    assert item.deadline == add_working_days(timezone.localdate(), 10)
    assert item.transitions.get().to_status == RectificationItem.Status.ACCEPTED
    assert complaint.number in item.transitions.get().comment
    action = AccountabilityAction.objects.get()
    assert action.source == complaint and action.unit == cast.dept_a
    assert action.document_number == "县纪〔2026〕9号"
    # The case's history says both, without changing its status.
    notes = list(complaint.transitions.all()[records_before:])
    assert len(notes) == 2 and all(n.from_status == n.to_status == S.CLOSED for n in notes)
    assert all(n.actor == cast.officer for n in notes)
    assert _identity_free(item)


def test_raising_an_item_is_refused_unless_substantiated_and_reviewed(
    cast, make_complaint, campaign
):
    for complaint in (
        make_complaint(S.CLOSED, verdict=Complaint.Verdict.UNSUBSTANTIATED),
        make_complaint(S.ANSWERED),  # the verdict is not yet accepted on review
    ):
        with pytest.raises(ValidationError):
            services.complaint_raise_item(
                complaint=complaint,
                actor=cast.officer,
                campaign=campaign,
                problem="x",
                working_days=5,
                accountability=services.Accountability(kind="warning_talk", reason="x"),
            )
    assert not RectificationItem.objects.exists()
    assert not AccountabilityAction.objects.exists()


def test_raising_an_item_refuses_the_unit_a_second_one_and_other_people(
    cast, make_complaint, campaign
):
    complaint = make_complaint(S.RETURN_VISIT, verdict=Complaint.Verdict.PARTLY)
    kwargs = {"campaign": campaign, "problem": "推诿", "working_days": 5}
    services.complaint_raise_item(complaint=complaint, actor=cast.officer, **kwargs)
    with pytest.raises(ValidationError):
        services.complaint_raise_item(complaint=complaint, actor=cast.officer, **kwargs)
    for user in (cast.head_a, cast.leader, cast.in_charge):
        with pytest.raises(PermissionDenied):
            services.complaint_raise_item(complaint=complaint, actor=user, **kwargs)
    with pytest.raises(ValidationError):
        services.complaint_raise_item(
            complaint=complaint, actor=cast.officer, **{**kwargs, "problem": " "}
        )
    assert RectificationItem.objects.count() == 1


def test_item_and_accountability_fail_together(cast, make_complaint, campaign):
    """One transaction: an unknown accountability kind leaves no item behind."""
    complaint = make_complaint(S.CLOSED)
    with pytest.raises(ValidationError):
        services.complaint_raise_item(
            complaint=complaint,
            actor=cast.officer,
            campaign=campaign,
            problem="推诿",
            working_days=5,
            accountability=services.Accountability(kind="no-such-kind", reason="x"),
        )
    assert not RectificationItem.objects.exists()
    assert (
        complaint.transitions.count() == Complaint.objects.get(pk=complaint.pk).transitions.count()
    )


def test_page_offers_the_item_prefilled_from_the_subject_never_the_identity(
    client_for, cast, make_complaint, campaign
):
    complaint = make_complaint(S.CLOSED)
    response = client_for(cast.officer).get(complaint.get_absolute_url())
    form = response.context["follow_up_form"]
    assert form["problem"].value() == complaint.title
    assert form["campaign"].value() == campaign.pk
    assert form["raise_item"].value() is True
    page = response.content.decode()
    assert 'data-testid="follow-up"' in page
    # The apology for a missing feature is gone.
    assert "cannot yet be raised" not in page and "尚不能" not in page
    # Unit heads do not get the form.
    head = client_for(cast.head_a).get(complaint.get_absolute_url())
    assert "follow_up_form" not in head.context


def test_officer_raises_item_from_the_page_and_the_unit_head_sees_it(
    client_for, cast, make_complaint, campaign
):
    complaint = make_complaint(S.CLOSED)
    data = _post_data(campaign, kind="criticism", reason="推诿扯皮属实")
    assert client_for(cast.leader).post(_act(complaint), data).status_code == 403
    assert client_for(cast.head_b).post(_act(complaint), data).status_code == 404
    officer = client_for(cast.officer)  # one test client: each login replaces the last
    assert officer.get(_act(complaint)).status_code == 405
    response = officer.post(_act(complaint), data)
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    item = RectificationItem.objects.get()
    assert item.source_object == complaint and _identity_free(item)
    assert AccountabilityAction.objects.get().kind == "criticism"
    # Linked both ways: the complaint page lists the item, the item page its source.
    page = officer.get(complaint.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in page
    item_page = officer.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="source-record"' in item_page
    assert complaint.get_absolute_url() in item_page
    # The unit head sees the item in the unit's ledger and on the complaint page.
    head = client_for(cast.head_a)
    ledger = head.get(reverse("campaign:ledger", args=[campaign.pk])).content.decode()
    assert item.get_absolute_url() in ledger and "推诿扯皮，群众办事多次往返" in ledger
    head_page = head.get(complaint.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in head_page
    assert NAME not in head_page and PHONE not in head_page
    head_item = head.get(item.get_absolute_url()).content.decode()
    assert NAME not in head_item and PHONE not in head_item


def test_page_refuses_a_complaint_that_is_not_substantiated(
    client_for, cast, make_complaint, campaign
):
    complaint = make_complaint(S.CLOSED, verdict=Complaint.Verdict.UNSUBSTANTIATED)
    records = complaint.transitions.count()
    response = client_for(cast.officer).post(_act(complaint), _post_data(campaign))
    assert response.status_code == 400
    assert response.context["failed_action"] == "follow_up"
    assert response.context["error"]
    assert not RectificationItem.objects.exists()
    assert complaint.transitions.count() == records


def test_refusal_is_in_chinese(client_for, cast, make_complaint, campaign):
    complaint = make_complaint(S.CLOSED, verdict=Complaint.Verdict.UNSUBSTANTIATED)
    response = client_for(cast.officer).post(_act(complaint), _post_data(campaign))
    assert response.status_code == 400
    assert "属实" in response.context["error"]


def test_page_needs_an_item_or_an_accountability_action(client_for, cast, make_complaint, campaign):
    complaint = make_complaint(S.CLOSED)
    officer = client_for(cast.officer)
    nothing = _post_data(campaign, raise_item="")
    assert officer.post(_act(complaint), nothing).status_code == 400
    no_days = _post_data(campaign, working_days="")
    assert officer.post(_act(complaint), no_days).status_code == 400
    assert not RectificationItem.objects.exists()


def test_complaint_page_query_count_with_items(
    client_for, cast, make_complaint, campaign, django_assert_max_num_queries
):
    complaint = make_complaint(S.CLOSED)
    services.complaint_raise_item(
        complaint=complaint, actor=cast.officer, campaign=campaign, problem="推诿", working_days=5
    )
    officer = client_for(cast.officer)
    officer.get(complaint.get_absolute_url())
    with django_assert_max_num_queries(30):
        response = officer.get(complaint.get_absolute_url())
    assert len(response.context["raised_items"]) == 1
