"""The benchmark data generator: deterministic from its seed, every state, no plain identity.

Runs the tiny scale (20 units, 400 complaints) twice in one test: a second or two.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from assessments.models import Evaluation, RaterToken, SurveyAnswer
from bench.generate import generate
from campaign.models import AccountabilityAction, RectificationItem
from complaints.identity import decrypt
from complaints.models import Complaint
from units.models import Unit

TODAY = datetime.date(2026, 11, 23)


def snapshot() -> dict[str, object]:
    """What the generator made, by content (ids of rows made by services may differ)."""
    complaints = [
        (*row[:-1], decrypt(row[-1]))
        for row in Complaint.objects.order_by("number").values_list(
            "number",
            "tracking_hash",
            "status",
            "channel",
            "title",
            "content",
            "received_at",
            "deadline",
            "supervision",
            "verdict",
            "unit__code",
            "identity_token",
        )
    ]
    answers: dict[str, Decimal] = {}
    for code, value in SurveyAnswer.objects.values_list(
        "response__unit__code", "option__value"
    ).iterator():
        answers[code] = answers.get(code, Decimal(0)) + value
    return {
        "units": list(
            Unit.objects.order_by("path").values_list(
                "path", "depth", "numchild", "code", "name", "kind", "group__name"
            )
        ),
        "complaints": complaints,
        "items": list(
            RectificationItem.objects.order_by("pk").values_list(
                "pk", "unit__code", "status", "problem", "deadline", "closed_at", "long_term"
            )
        ),
        "tokens": list(RaterToken.objects.order_by("code").values_list("code", "used_at")),
        "answers": answers,
        "evaluations": sorted(
            Evaluation.objects.values_list("unit__code", "indicator__name", "score")
        ),
        "actions": list(
            AccountabilityAction.objects.order_by("pk").values_list("kind", "date", "reason")
        ),
    }


def generated(seed: int) -> dict[str, object]:
    with transaction.atomic():
        generate(scale="tiny", seed=seed, today=TODAY)
        found = snapshot()
        transaction.set_rollback(True)
    return found


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data():
    first = generated(seed=11)
    assert first == generated(seed=11)
    other = generated(seed=12)
    # The tree's shape does not depend on chance, its names do.
    shape = [(path, depth, numchild, code) for path, depth, numchild, code, *_ in first["units"]]
    assert [row[:4] for row in other["units"]] == shape
    assert other["units"] != first["units"]
    assert other["complaints"] != first["complaints"]
    assert other["answers"] != first["answers"]


@pytest.mark.django_db
def test_every_state_a_consistent_tree_and_encrypted_identities():
    generate(scale="tiny", seed=3, today=TODAY)
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Complaint.Status.values)
    assert set(RectificationItem.objects.values_list("status", flat=True)) == set(
        RectificationItem.Status.values
    )
    assert Unit.objects.count() == 20
    assert set(Unit.objects.values_list("depth", flat=True)) == {1, 2, 3, 4}
    # treebeard's own check: paths, depths and child counts agree.
    assert all(not problem for problem in Unit.find_problems())
    assert Unit.objects.get(depth=1).get_descendant_count() == 19
    named = Complaint.objects.filter(has_identity=True)
    assert named.exists() and Complaint.objects.filter(has_identity=False).exists()
    for complaint in named:
        identity = decrypt(complaint.identity_token)
        assert identity.name and identity.phone
        assert identity.phone not in complaint.identity_token
        assert identity.name not in complaint.identity_token
    assert not Complaint.objects.filter(has_identity=False).exclude(identity_token="").exists()
    merged = Complaint.objects.filter(status=Complaint.Status.MERGED)
    assert all(c.merged_into_id and c.merged_into_id < c.pk for c in merged)
    handling = Complaint.objects.filter(status__in=Complaint.HANDLING_STATUSES)
    assert not handling.filter(unit__isnull=True).exists()
    assert not handling.filter(deadline__isnull=True).exists()
