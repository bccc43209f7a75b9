"""服务承诺: a unit's staff write, publish and withdraw commitments; the public reads the
published ones unit by unit, searched and paged in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints import services
from complaints.identity import Identity
from complaints.models import Complaint, ServiceCommitment, ServiceCommitmentTransition
from tests.commitments.conftest import FIELDS, commitment_make
from tests.factories import make_unit
from units.transitions import InvalidTransition

pytestmark = pytest.mark.django_db
S = ServiceCommitment.Status


def _form(**overrides):
    return {**FIELDS, **overrides}


# --- Services ------------------------------------------------------------------------------


def test_create_publish_withdraw_republish_with_records(cast):
    commitment = commitment_make(cast.dept_a, cast.head_a, publish=False)
    assert commitment.status == S.DRAFT and commitment.created_by == cast.head_a
    assert commitment.material_list == ["营业执照正本", "法定代表人身份证", "变更登记申请书"]
    published = services.commitment_publish(commitment=commitment, actor=cast.head_a)
    assert published.status == S.PUBLISHED and published.published_at is not None
    withdrawn = services.commitment_withdraw(
        commitment=published, actor=cast.head_a, comment="时限调整"
    )
    assert withdrawn.status == S.WITHDRAWN and withdrawn.withdrawn_at is not None
    again = services.commitment_publish(commitment=withdrawn, actor=cast.head_a)
    assert again.status == S.PUBLISHED and again.withdrawn_at is None
    records = ServiceCommitmentTransition.objects.filter(commitment=commitment).order_by("pk")
    assert [(r.from_status, r.to_status, r.actor) for r in records] == [
        ("", S.DRAFT, cast.head_a),
        (S.DRAFT, S.PUBLISHED, cast.head_a),
        (S.PUBLISHED, S.WITHDRAWN, cast.head_a),
        (S.WITHDRAWN, S.PUBLISHED, cast.head_a),
    ]
    assert records[2].comment == "时限调整"


def test_illegal_moves_and_edits_are_refused(cast):
    commitment = commitment_make(cast.dept_a, cast.head_a)
    with pytest.raises(InvalidTransition):
        services.commitment_publish(commitment=commitment, actor=cast.head_a)
    with pytest.raises(InvalidTransition):
        services.commitment_update(commitment=commitment, actor=cast.head_a, service="改名")
    draft = commitment_make(cast.dept_a, cast.head_a, publish=False)
    with pytest.raises(InvalidTransition):
        services.commitment_withdraw(commitment=draft, actor=cast.head_a)
    assert ServiceCommitment.objects.get(pk=commitment.pk).service == FIELDS["service"]


def test_only_the_units_own_staff_write(cast):
    for user in (cast.head_b, cast.officer, cast.leader, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.commitment_create(unit=cast.dept_a, actor=user, **FIELDS)
    commitment = commitment_make(cast.dept_a, cast.head_a, publish=False)
    with pytest.raises(PermissionDenied):
        services.commitment_publish(commitment=commitment, actor=cast.officer)
    assert ServiceCommitment.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service", "  "),
        ("promise", ""),
        ("time_limit_days", 0),
        ("time_limit_days", 400),
        ("contact", ""),
        ("first_responsible", " "),
    ],
)
def test_service_refuses_bad_input_and_saves_nothing(cast, field, value):
    with pytest.raises(ValidationError) as caught:
        services.commitment_create(unit=cast.dept_a, actor=cast.head_a, **_form(**{field: value}))
    assert field in caught.value.message_dict
    assert ServiceCommitment.objects.count() == 0
    assert ServiceCommitmentTransition.objects.count() == 0


# --- Pages ---------------------------------------------------------------------------------


def test_new_commitment_page_refuses_bad_input_in_chinese(cast, client_for):
    client = client_for(cast.head_a)
    url = reverse("complaints:commitment_new")
    response = client.post(url, _form(unit=cast.dept_a.pk, time_limit_days="0", contact=""))
    assert response.status_code == 400
    text = response.content.decode()
    assert "这个字段是必填项。" in text  # contact (Django's own Chinese)
    assert _("The time limit is at least 1 working day.") in text
    assert _("Nothing was saved. Please correct the entries marked below.") in text
    assert ServiceCommitment.objects.count() == 0
    # Another unit's staff cannot file for dept_a: the unit is not among their choices.
    other = client_for(cast.head_b).post(url, _form(unit=cast.dept_a.pk))
    assert other.status_code == 400 and ServiceCommitment.objects.count() == 0


def test_page_flow_create_edit_publish_withdraw(cast, client_for):
    client = client_for(cast.head_a)
    response = client.post(reverse("complaints:commitment_new"), _form(unit=cast.dept_a.pk))
    commitment = ServiceCommitment.objects.get()
    assert response.status_code == 302 and commitment.status == S.DRAFT
    url = reverse("complaints:commitment", args=[commitment.pk])
    assert client.post(url, _form(time_limit_days="2")).status_code == 302
    assert ServiceCommitment.objects.get().time_limit_days == 2
    assert client.post(url, _form(promise="")).status_code == 400
    assert ServiceCommitment.objects.get().promise == FIELDS["promise"]
    act = reverse("complaints:commitment_act", args=[commitment.pk, "publish"])
    assert client.post(act).status_code == 302
    assert ServiceCommitment.objects.get().status == S.PUBLISHED
    # Published: no edit, a Chinese refusal (400), nothing changed.
    refused = client.post(url, _form(time_limit_days="9"))
    assert refused.status_code == 400
    assert _("A published commitment cannot be changed: withdraw it first.") in (
        refused.content.decode()
    )
    assert ServiceCommitment.objects.get().time_limit_days == 2
    withdraw = reverse("complaints:commitment_act", args=[commitment.pk, "withdraw"])
    assert client.post(withdraw, {"comment": "调整"}).status_code == 302
    assert ServiceCommitment.objects.get().status == S.WITHDRAWN
    # Publishing twice is a refused move: 400, not 500.
    client.post(act)
    assert client.post(act).status_code == 400


def test_internal_list_is_scoped(cast, client_for, django_assert_max_num_queries):
    mine = commitment_make(cast.dept_a, cast.head_a, service="甲局承诺")
    theirs = commitment_make(cast.dept_b, cast.head_b, service="乙局承诺")
    url = reverse("complaints:commitments")
    text = client_for(cast.head_a).get(url).content.decode()
    assert mine.service in text and theirs.service not in text
    client = client_for(cast.officer)
    with django_assert_max_num_queries(40) as few:
        text = client.get(url).content.decode()
    assert mine.service in text and theirs.service in text
    # More units, commitments and breaches: the same queries (counts in one GROUP BY).
    _many_units(cast, 40, "V")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"page": 2}).status_code == 200


def _many_units(cast, count: int, prefix: str) -> None:
    for n in range(count):
        unit = make_unit(f"测试局{prefix}{n:03d}", parent=cast.root, code=f"{prefix}{n:03d}")
        ServiceCommitment.objects.create(
            unit=unit,
            service=f"事项{prefix}{n:03d}",
            promise="5个工作日内办结",
            time_limit_days=5,
            first_responsible="首问岗",
            contact="12345",
            status=S.PUBLISHED,
        )


def test_public_page_lists_only_published_in_a_fixed_number_of_queries(
    cast, client, django_assert_max_num_queries
):
    published = commitment_make(cast.dept_a, cast.head_a, service="公开的承诺")
    commitment_make(cast.dept_a, cast.head_a, publish=False, service="草稿承诺")
    withdrawn = commitment_make(cast.dept_b, cast.head_b, service="撤回的承诺")
    services.commitment_withdraw(commitment=withdrawn, actor=cast.head_b)
    url = reverse("complaints:public_commitments")
    text = client.get(url).content.decode()
    assert published.service in text
    assert "草稿承诺" not in text and "撤回的承诺" not in text
    assert f"?unit={cast.dept_a.pk}&amp;commitment={published.pk}" in text
    _many_units(cast, 45, "T")
    with django_assert_max_num_queries(6) as few:
        response = client.get(url)
    assert response.status_code == 200
    # Twice the units and commitments: the same queries (no per-row or per-unit query).
    _many_units(cast, 45, "U")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url, {"page": 2}).status_code == 200


def test_public_page_search_and_unit_filter(cast, client):
    commitment_make(cast.dept_a, cast.head_a, service="营业执照变更登记")
    commitment_make(cast.dept_b, cast.head_b, service="教师资格认定")
    url = reverse("complaints:public_commitments")
    text = client.get(url, {"q": "教师"}).content.decode()
    assert "教师资格认定" in text and "营业执照变更登记" not in text
    text = client.get(url, {"unit": cast.dept_a.pk}).content.decode()
    assert "营业执照变更登记" in text and "教师资格认定" not in text
    # A unit that is no unit: the filter is ignored, not a 500.
    assert client.get(url, {"unit": "abc"}).status_code == 200


def test_public_page_shows_no_complainant(cast, client):
    commitment = commitment_make(cast.dept_a, cast.head_a)
    services.complaint_submit(
        channel=Complaint.Channel.WEB,
        title="承诺3天办结实际拖了两周",
        content="……",
        subject_unit=cast.dept_a,
        commitment=commitment,
        identity=Identity(name="张秘密", phone="13912345678"),
    )
    text = client.get(reverse("complaints:public_commitments")).content.decode()
    assert "张秘密" not in text and "13912345678" not in text
    assert "承诺3天办结实际拖了两周" not in text
