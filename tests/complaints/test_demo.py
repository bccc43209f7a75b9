"""The demo complaints: every state, anonymous and named, some overdue and escalated."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from complaints import permissions, selectors
from complaints.models import Complaint, IdentityRequest
from units.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_complaints_in_every_state_once():
    call_command("seed_demo", stdout=io.StringIO())
    total = Complaint.objects.count()
    assert 200 <= total <= 400
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(Complaint.Status.values)
    assert Complaint.objects.filter(has_identity=False).exists()
    assert Complaint.objects.filter(has_identity=True).exists()
    assert Complaint.objects.filter(supervision="supervised").exists()
    assert Complaint.objects.filter(supervision="listed").exists()
    assert Complaint.objects.filter(satisfaction="satisfied", status="closed").exists()
    months = {c.received_at.month for c in Complaint.objects.only("received_at")}
    assert len(months) >= 6
    call_command("seed_demo", stdout=io.StringIO())
    assert Complaint.objects.count() == total


def test_seed_demo_has_a_custodian_with_a_request_waiting():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "baoguan" in out.getvalue()  # printed with the other logins
    custodian = get_user_model().objects.get(username="baoguan")
    assert custodian.groups.filter(name=permissions.CUSTODIANS).exists()
    assert permissions.is_identity_custodian(custodian)
    waiting = IdentityRequest.objects.get()
    assert waiting.status == IdentityRequest.Status.PENDING
    assert waiting.requested_by.username == "jiwei"
    assert list(selectors.identity_requests_to_decide(user=custodian)) == [waiting]
    assert Notification.objects.filter(
        recipient=custodian, object_key=f"identity-request:{waiting.pk}"
    ).exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert IdentityRequest.objects.count() == 1
