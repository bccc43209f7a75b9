"""Each adjustment-rule kind is declared once (assessments.rule_kinds): its parameter and the
dashboard column its lines count in, which must agree with the evidence its fact source writes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from assessments import facts, rule_kinds, selectors, services
from assessments.models import AdjustmentLine, AdjustmentRule
from campaign.models import RectificationItem
from complaints.models import Complaint
from units.models import Unit

pytestmark = pytest.mark.django_db

YEAR = 2025
COLUMN_OF_EVIDENCE = {Complaint: rule_kinds.COMPLAINTS, RectificationItem: rule_kinds.RECTIFICATION}


def test_every_kind_is_declared_once():
    assert set(rule_kinds.KINDS) == set(AdjustmentRule.Kind.values)


@pytest.mark.parametrize("kind", AdjustmentRule.Kind.values)
def test_a_kind_counts_in_the_column_of_the_evidence_its_facts_name(kind):
    ctx = facts.FactContext(
        year=YEAR, cutoff=datetime.date(YEAR, 12, 31), unit_ids=Unit.objects.values("pk")
    )
    evidence = {found.model for found in facts.facts_for(AdjustmentRule(kind=kind), ctx)}
    expected = {COLUMN_OF_EVIDENCE[model] for model in evidence if model in COLUMN_OF_EVIDENCE}
    assert {rule_kinds.KINDS[kind].figure} - {""} == expected, (
        f"{kind}: declare figure={sorted(expected)} in assessments/rule_kinds.py KINDS"
    )


def test_dashboard_figures_count_lines_by_the_declared_column(cast):
    scheme = services.scheme_create(year=YEAR, name="2025年度考核", actor=cast.officer)
    kinds = {
        AdjustmentRule.Kind.COMPLAINT_SUBSTANTIATED: 2,
        AdjustmentRule.Kind.COMPLAINT_OVERDUE: 1,
        AdjustmentRule.Kind.ITEM_OVERDUE: 3,
        AdjustmentRule.Kind.FINDING: 4,
    }
    for kind, count in kinds.items():
        rule = AdjustmentRule.objects.create(
            scheme=scheme, name=kind, kind=kind, points=Decimal("1")
        )
        AdjustmentLine.objects.bulk_create(
            AdjustmentLine(
                scheme=scheme,
                unit=cast.dept_a,
                rule=rule,
                evidence_type=ContentType.objects.get_for_model(Complaint),
                evidence_id=n + 1,
                occurrence=n + 1,
                points=Decimal("-1"),
            )
            for n in range(count)
        )
    row = selectors.line_figures(scheme=scheme)[cast.dept_a.pk]
    assert (row["complaints"], row["rectification"], row["lines"]) == (3, 3, 10)
