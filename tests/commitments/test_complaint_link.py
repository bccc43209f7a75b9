"""违诺: a complaint names the commitment it says was broken (only the unit's own published
ones); substantiated, it counts in the unit's complaint figures and in scoring."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import services as assessment_services
from assessments.models import AdjustmentLine, AdjustmentRule, Indicator
from complaints import forms, selectors, services
from complaints.models import Complaint
from tests.commitments.conftest import commitment_make
from tests.complaints.conftest import complaint_drive

pytestmark = pytest.mark.django_db


def _public_post(**overrides):
    data = {
        "title": "承诺三天办结，两周没有结果",
        "content": "在县市场监督管理局申请营业执照变更，窗口承诺3个工作日办结，至今未办。",
        "category": "",
        "subject_unit": "",
        "subject_person": "",
        "commitment": "",
        "name": "",
        "phone": "",
        "id_number": "",
        "contact": "",
        "website": "",
        "token": forms.form_token(time.time() - 30),
    }
    data.update(overrides)
    return data


def test_commitments_page_links_to_a_prefilled_complaint_form(cast, client):
    commitment = commitment_make(cast.dept_a, cast.head_a)
    commitment_make(cast.dept_b, cast.head_b, service="教师资格认定")
    response = client.get(
        reverse("complaints:public_submit"),
        {"unit": cast.dept_a.pk, "commitment": commitment.pk},
    )
    text = response.content.decode()
    assert f'<option value="{commitment.pk}" selected>' in text
    # Only the chosen unit's published commitments are offered.
    assert "教师资格认定" not in text


def test_public_complaint_names_a_commitment(cast, client):
    commitment = commitment_make(cast.dept_a, cast.head_a)
    response = client.post(
        reverse("complaints:public_submit"),
        _public_post(subject_unit=cast.dept_a.pk, commitment=commitment.pk),
    )
    assert response.status_code == 302
    assert Complaint.objects.get().commitment == commitment


def test_a_commitment_of_another_unit_is_refused(cast, client, client_for):
    theirs = commitment_make(cast.dept_b, cast.head_b, service="教师资格认定")
    response = client.post(
        reverse("complaints:public_submit"),
        _public_post(subject_unit=cast.dept_a.pk, commitment=theirs.pk),
    )
    assert response.status_code == 400
    assert (
        _("Choose one of the published service commitments of the unit complained about.")
        in response.content.decode()
    )
    # Staff intake: the same field, the same refusal.
    staff = client_for(cast.officer).post(
        reverse("complaints:intake"),
        {**_public_post(subject_unit=cast.dept_a.pk, commitment=theirs.pk), "channel": "hotline"},
    )
    assert staff.status_code == 400
    assert Complaint.objects.count() == 0
    # The service checks it too (whoever calls it: the API, an import).
    with pytest.raises(ValidationError) as caught:
        services.complaint_submit(
            channel=Complaint.Channel.WEB,
            title="t",
            content="c",
            subject_unit=cast.dept_a,
            commitment=theirs,
        )
    assert "commitment" in caught.value.message_dict
    draft = commitment_make(cast.dept_a, cast.head_a, publish=False)
    with pytest.raises(ValidationError):
        services.complaint_submit(
            channel=Complaint.Channel.WEB,
            title="t",
            content="c",
            subject_unit=cast.dept_a,
            commitment=draft,
        )
    assert Complaint.objects.count() == 0


def _breach(cast, category, commitment, verdict="substantiated"):
    complaint = complaint_drive(cast, category, Complaint.Status.CLOSED, verdict=verdict)
    # complaint_drive files without a commitment: name it as intake would have.
    Complaint.objects.filter(pk=complaint.pk).update(commitment=commitment)
    return complaint


def _row(rows, unit):
    return next(r for r in rows if r.get("fig_unit") == unit.pk)


def test_a_substantiated_complaint_naming_a_commitment_counts_in_the_figures(
    cast, category, client_for
):
    commitment = commitment_make(cast.dept_a, cast.head_a)
    _breach(cast, category, commitment)
    _breach(cast, category, commitment, verdict="partly")
    _breach(cast, category, commitment, verdict="unsubstantiated")  # not a breach
    complaint_drive(cast, category, Complaint.Status.CLOSED)  # substantiated, no commitment
    live = _row(selectors.figures_live(user=cast.officer, by="unit"), cast.dept_a)
    assert live["breached"] == 2 and live["substantiated"] == 3
    # The figures page (the roll-up on PostgreSQL) says the same.
    assert _row(selectors.figures(user=cast.officer, by="unit"), cast.dept_a)["breached"] == 2
    text = client_for(cast.officer).get(reverse("complaints:figures")).content.decode()
    assert 'data-figure="breached">2<' in text
    # And the commitment's own pages.
    page = client_for(cast.head_a).get(reverse("complaints:commitment", args=[commitment.pk]))
    assert 'data-testid="breaches">2<' in page.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the roll-up is PostgreSQL's")
def test_the_roll_up_follows_a_commitment_named_later(cast, category):
    commitment = commitment_make(cast.dept_a, cast.head_a)
    complaint = complaint_drive(cast, category, Complaint.Status.CLOSED)
    assert _row(selectors.figures(user=cast.officer, by="unit"), cast.dept_a)["breached"] == 0
    Complaint.objects.filter(pk=complaint.pk).update(commitment=commitment)
    rolled = selectors.figures(user=cast.officer, by="unit")
    assert rolled == selectors.figures_live(user=cast.officer, by="unit")
    assert _row(rolled, cast.dept_a)["breached"] == 1


def test_a_breach_is_deducted_by_a_commitment_breach_rule(cast, category):
    year = timezone.localdate().year
    commitment = commitment_make(cast.dept_a, cast.head_a)
    breach = _breach(cast, category, commitment)
    complaint_drive(cast, category, Complaint.Status.CLOSED)  # substantiated, no commitment
    scheme = assessment_services.scheme_create(
        year=year, name=f"{year}年度考核", actor=cast.officer
    )
    Indicator.objects.create(scheme=scheme, component="special", name="重点工作", max_points=100)
    Indicator.objects.create(
        scheme=scheme, component="organisational", name="活动成果", max_points=100
    )
    scheme = assessment_services.scheme_open(scheme=scheme, actor=cast.officer)
    rule = AdjustmentRule.objects.create(
        scheme=scheme,
        name="违反服务承诺",
        kind=AdjustmentRule.Kind.COMMITMENT_BREACH,
        points=Decimal("2"),
        sign=-1,
    )
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    lines = AdjustmentLine.objects.filter(scheme=scheme, rule=rule)
    assert [(line.unit, line.evidence, line.points) for line in lines] == [
        (cast.dept_a, breach, Decimal("-2.00"))
    ]
    assert lines.get().evidence_date == timezone.localtime(breach.received_at).date()
    assert lines.get().evidence_date >= datetime.date(year, 1, 1)
