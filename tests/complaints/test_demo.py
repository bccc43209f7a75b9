"""The demo complaints: every state, anonymous and named, some overdue and escalated."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from complaints.models import Complaint

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
