"""The 督办 pages: documents on the case page and to print, 挂牌督办 by hand, the review of a
second 不满意, the 通报批评 proposal, the 督办 board's new rows and the public 一事一评 form."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from complaints import services
from complaints.models import Complaint, ComplaintEscalation
from units.models import CalendarOverride

D = datetime.date
U = Complaint.Satisfaction.UNSATISFIED


@pytest.fixture
def overdue_case(cast, make_complaint, django_capture_on_commit_callbacks):
    """A case two weeks past its deadline, swept: 催办通知书, 挂牌督办, 通报批评 proposal."""
    CalendarOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="元旦")
    complaint = make_complaint("assigned")
    Complaint.objects.filter(pk=complaint.pk).update(deadline=D(2026, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        services.complaints_escalation_sweep(today=D(2027, 1, 14))
    return complaint


def _twice_unsatisfied(cast, complaint):
    complaint = services.complaint_rate(complaint=complaint, satisfaction=U)
    complaint = services.complaint_answer(
        complaint=complaint,
        actor=cast.head_a,
        facts="复查",
        verdict="substantiated",
        measures="整改",
        public_reply="已重新办理",
    )
    return services.complaint_review(complaint=complaint, actor=cast.officer, approve=True)


def test_the_unit_reads_and_prints_the_notice_not_the_proposal(
    client_for, cast, overdue_case, django_assert_max_num_queries
):
    notice = overdue_case.escalations.get(kind=ComplaintEscalation.Kind.NOTICE)
    proposal = overdue_case.escalations.get(kind=ComplaintEscalation.Kind.CRITICISM)
    client = client_for(cast.head_a)
    page = client.get(overdue_case.get_absolute_url()).content.decode()
    assert reverse("complaints:escalation", args=[notice.pk]) in page
    assert reverse("complaints:escalation", args=[proposal.pk]) not in page
    with django_assert_max_num_queries(20):
        printed = client.get(reverse("complaints:escalation", args=[notice.pk]))
    assert printed.status_code == 200
    body = printed.content.decode()
    assert overdue_case.number in body and "2026-12-31" in body and "data-zf-print" in body
    assert "张秘密" not in body
    assert client.get(reverse("complaints:escalation", args=[proposal.pk])).status_code == 404


def test_officer_turns_the_proposal_into_a_draft_circular(client_for, cast, overdue_case):
    from tests.campaign.conftest import campaign_start

    campaign = campaign_start(cast)
    proposal = overdue_case.escalations.get(kind=ComplaintEscalation.Kind.CRITICISM)
    client = client_for(cast.officer)
    board = client.get(reverse("campaign:overdue_board")).content.decode()
    assert reverse("complaints:escalation", args=[proposal.pk]) in board
    page = client.get(reverse("complaints:escalation", args=[proposal.pk])).content.decode()
    assert 'data-testid="draft-form"' in page
    url = reverse("complaints:escalation_act", args=[proposal.pk, "draft"])
    assert client.post(url, {"campaign": campaign.pk}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.decision == "drafted" and proposal.circular.campaign == campaign
    again = client.post(url, {"campaign": campaign.pk})
    assert again.status_code == 400
    board = client.get(reverse("campaign:overdue_board")).content.decode()
    assert reverse("complaints:escalation", args=[proposal.pk]) not in board


def test_listing_by_hand_from_the_case_page(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    client = client_for(cast.officer)
    url = reverse("complaints:supervision_act", args=[complaint.pk, "list"])
    assert 'data-testid="listing-form"' in client.get(complaint.get_absolute_url()).content.decode()
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    complaint.refresh_from_db()
    assert complaint.supervision == "none" and not complaint.escalations.exists()
    assert client.post(url, {"reason": "群众多次反映，县纪委挂牌督办"}).status_code == 302
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="listing"' in page and "群众多次反映，县纪委挂牌督办" in page
    assert 'data-testid="listing-form"' not in page
    # Listed, the case shows on the 督办 board with the reason though not yet overdue.
    board = client.get(reverse("campaign:overdue_board")).content.decode()
    assert complaint.number in board and "群众多次反映" in board
    head_page = client_for(cast.head_a).get(complaint.get_absolute_url()).content.decode()
    assert "群众多次反映，县纪委挂牌督办" in head_page


def test_second_dissatisfaction_is_reviewed_from_the_case_page(client_for, cast, make_complaint):
    complaint = _twice_unsatisfied(cast, make_complaint("return_visit"))
    services.complaint_rate(complaint=complaint, satisfaction=U, comment="仍未解决")
    client = client_for(cast.officer)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="rating-review-form"' in page
    assert reverse("complaints:act", args=[complaint.pk, "rate"]) not in page
    board = client.get(reverse("campaign:overdue_board")).content.decode()
    assert 'data-kind="complaint_review"' in board
    url = reverse("complaints:supervision_act", args=[complaint.pk, "rating_review"])
    assert client.post(url, {"decision": "close"}).status_code == 400
    assert client.post(url, {"decision": "close", "note": "已依法答复"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "closed" and not complaint.rating_review


def test_public_rating_once_per_round(client, cast, make_complaint):
    complaint = make_complaint("return_visit")
    code = complaint.tracking_code  # (known to the instance that filed it only)
    complaint = _twice_unsatisfied(cast, complaint)
    url = reverse("complaints:public_rate")
    first = client.post(url, {"code": code, "satisfaction": U, "comment": "仍未解决"})
    assert first.status_code == 200
    assert 'data-testid="rating-in-review"' in first.content.decode()
    assert 'name="satisfaction"' not in first.content.decode()
    complaint.refresh_from_db()
    assert complaint.rating_review and complaint.status == "return_visit"
    records = complaint.transitions.count()
    again = client.post(url, {"code": code, "satisfaction": "satisfied"})
    assert again.status_code == 409
    complaint.refresh_from_db()
    assert complaint.satisfaction == U and complaint.transitions.count() == records


def test_board_shows_acceptance_and_return_visits_overdue_to_the_staff_only(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    registered = make_complaint("registered")
    visit = make_complaint("return_visit")
    past = D(2026, 1, 5)
    Complaint.objects.filter(pk=registered.pk).update(accept_deadline=past)
    Complaint.objects.filter(pk=visit.pk).update(visit_due=past)
    client = client_for(cast.officer)
    with django_assert_max_num_queries(40):
        board = client.get(reverse("campaign:overdue_board")).content.decode()
    assert 'data-kind="complaint_accept"' in board and 'data-kind="complaint_visit"' in board
    head = client_for(cast.head_a).get(reverse("campaign:overdue_board")).content.decode()
    assert 'data-kind="complaint_accept"' not in head and 'data-kind="complaint_visit"' not in head
