"""延期申请 on complaints through the one extension request (units.extension_requests)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from campaign.models import ExtensionRequest as ItemExtensionRequest
from complaints import services
from complaints.models import Complaint, ExtensionRequest, ExtensionTransition
from units.extension_requests import ExtensionRequestBase
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db
S = ExtensionRequest.Status


def _request(cast, complaint: Complaint, days: int = 10, reason: str = "需现场核查"):
    return services.extension_request_create(
        complaint=complaint,
        actor=cast.head_a,
        new_deadline=complaint.deadline + datetime.timedelta(days=days),
        reason=reason,
    )


def test_both_apps_share_one_request_and_its_transition_map():
    for model in (ExtensionRequest, ItemExtensionRequest):
        assert issubclass(model, ExtensionRequestBase)
        assert model.TRANSITIONS is ExtensionRequestBase.TRANSITIONS
        assert model._meta.get_field("transitions").related_model._meta.app_label == (
            model._meta.app_label
        )


def test_approval_moves_the_deadline_and_records_the_decision(cast, make_complaint):
    complaint = make_complaint(Complaint.Status.ASSIGNED)
    old = complaint.deadline
    request = _request(cast, complaint)
    assert request.old_deadline == old and request.requested_by == cast.head_a
    decided = services.extension_request_decide(
        request=request, actor=cast.officer, approve=True, note=" 同意 "
    )
    complaint.refresh_from_db()
    assert complaint.deadline == decided.requested_deadline == old + datetime.timedelta(days=10)
    assert decided.status == S.APPROVED and decided.decision_note == "同意"
    assert decided.decided_by == cast.officer and decided.decided_at is not None
    record = ExtensionTransition.objects.get(request=decided)
    assert (record.from_status, record.to_status, record.actor) == (
        S.PENDING,
        S.APPROVED,
        cast.officer,
    )
    with pytest.raises(InvalidTransition):
        services.extension_request_decide(request=decided, actor=cast.officer, approve=False)
    assert ExtensionTransition.objects.filter(request=decided).count() == 1


def test_refusal_keeps_the_deadline_and_a_new_request_may_follow(cast, make_complaint):
    complaint = make_complaint(Complaint.Status.ASSIGNED)
    old = complaint.deadline
    request = _request(cast, complaint)
    refused = services.extension_request_decide(
        request=request, actor=cast.officer, approve=False, note="理由不充分"
    )
    complaint.refresh_from_db()
    assert complaint.deadline == old and refused.status == S.REFUSED
    assert "理由不充分" in complaint.transitions.last().comment
    assert _request(cast, complaint, days=5).status == S.PENDING


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(0, "需现场核查", "new_deadline"), (-1, "需现场核查", "new_deadline"), (5, "  ", "reason")],
)
def test_bad_requests_name_the_field(cast, make_complaint, days, reason, field):
    complaint = make_complaint(Complaint.Status.ASSIGNED)
    with pytest.raises(ValidationError) as refused:
        _request(cast, complaint, days=days, reason=reason)
    assert field in refused.value.message_dict
    assert not ExtensionRequest.objects.filter(complaint=complaint).exists()
