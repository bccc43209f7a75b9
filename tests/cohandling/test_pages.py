"""What each unit sees of a co-handled case, and the pages' writes and query counts."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, ComplaintPart, DispatchDispute
from complaints.services.cohandling import part_answer
from tests.complaints.conftest import NAME, PHONE

LEAD_FACTS = "经查，窗口工作人员确有推诿。"


def _answered(cast, cohandled, township_head) -> tuple[ComplaintPart, ComplaintPart]:
    part_b = cohandled.parts.get(unit=cast.dept_b)
    part_t = cohandled.parts.get(unit=cast.township)
    part_answer(
        part=part_b, actor=cast.head_b, facts="学校收费已核实。", internal_note="乙方内部说明"
    )
    part_answer(
        part=part_t, actor=township_head, facts="窗口人员已约谈。", internal_note="镇内部说明"
    )
    return part_b, part_t


def test_cohandler_sees_its_part_never_identity_nor_other_units_notes(
    client_for, cast, cohandled, township_head
):
    part_b, part_t = _answered(cast, cohandled, township_head)
    client = client_for(cast.head_b)
    page = client.get(reverse("complaints:part", args=[part_b.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "核实涉及学校收费的部分" in text and cohandled.content in text
    assert "乙方内部说明" in text  # its own note
    for secret in (
        NAME,
        PHONE,
        "镇内部说明",
        "窗口人员已约谈",
        "核实镇便民服务中心窗口情况",
        "主办单位牵头核查",
    ):
        assert secret not in text, secret
    # Another unit's part, and the case page itself, do not exist for it.
    assert client.get(reverse("complaints:part", args=[part_t.pk])).status_code == 404
    assert client.get(reverse("complaints:detail", args=[cohandled.pk])).status_code == 404
    # Its workspace list finds the part.
    listing = client.get(reverse("complaints:parts")).content.decode()
    assert f'data-part="{part_b.pk}"' in listing and f'data-part="{part_t.pk}"' not in listing


def test_outsiders_get_404_and_readers_cannot_write(client_for, cast, cohandled):
    part_b = cohandled.parts.get(unit=cast.dept_b)
    for who in (cast.outsider, cast.head_a, cast.evaluator):
        client = client_for(who)
        assert client.get(reverse("complaints:part", args=[part_b.pk])).status_code == 404
        response = client.post(
            reverse("complaints:part_act", args=[part_b.pk, "answer"]), {"facts": "x"}
        )
        assert response.status_code == 404
    # The officer reads the part but does not answer it for the unit.
    officer = client_for(cast.officer)
    assert officer.get(reverse("complaints:part", args=[part_b.pk])).status_code == 200
    response = officer.post(
        reverse("complaints:part_act", args=[part_b.pk, "answer"]), {"facts": "x"}
    )
    assert response.status_code == 403
    part_b.refresh_from_db()
    assert part_b.status == ComplaintPart.Status.ASSIGNED


def test_lead_unit_sees_parts_answers_but_not_internal_notes(
    client_for, cast, cohandled, township_head
):
    client = client_for(cast.head_a)
    refused = client.post(
        reverse("complaints:act", args=[cohandled.pk, "answer"]),
        {
            "facts": LEAD_FACTS,
            "verdict": "substantiated",
            "measures": "批评教育",
            "public_reply": "已整改",
        },
    )
    assert refused.status_code == 400
    assert cast.dept_b.name in refused.content.decode()
    _answered(cast, cohandled, township_head)
    text = client.get(reverse("complaints:detail", args=[cohandled.pk])).content.decode()
    assert "学校收费已核实。" in text and "窗口人员已约谈。" in text
    assert "乙方内部说明" not in text and "镇内部说明" not in text
    officer = client_for(cast.officer).get(reverse("complaints:detail", args=[cohandled.pk]))
    assert "乙方内部说明" in officer.content.decode()
    accepted = client_for(cast.head_a).post(
        reverse("complaints:act", args=[cohandled.pk, "answer"]),
        {
            "facts": LEAD_FACTS,
            "verdict": "substantiated",
            "measures": "批评教育",
            "public_reply": "已整改",
        },
    )
    assert accepted.status_code == 302
    cohandled.refresh_from_db()
    assert cohandled.status == Complaint.Status.ANSWERED


def test_officer_assigns_with_cohandlers_and_decides_a_dispute(client_for, cast, make_complaint):
    complaint = make_complaint(Complaint.Status.ACCEPTED)
    client = client_for(cast.officer)
    bad = client.post(
        reverse("complaints:act", args=[complaint.pk, "assign"]),
        {"unit": cast.dept_a.pk, "cohandler_1": cast.dept_b.pk, "cohandler_1_task": ""},
    )
    assert bad.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACCEPTED
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "assign"]),
        {
            "unit": cast.dept_a.pk,
            "instructions": "",
            "cohandler_1": cast.dept_b.pk,
            "cohandler_1_task": "核实学校部分",
            "cohandler_1_days": "4",
        },
    )
    assert response.status_code == 302
    part = ComplaintPart.objects.get(complaint=complaint)
    assert (part.unit, part.working_days) == (cast.dept_b, 4)
    # The co-handler disputes its part; the officer re-dispatches it on the case page.
    head_b = client_for(cast.head_b)
    disputed = head_b.post(
        reverse("complaints:part_act", args=[part.pk, "dispute"]), {"reason": "非本局职责"}
    )
    assert disputed.status_code == 302
    dispute = DispatchDispute.objects.get(part=part)
    client = client_for(cast.officer)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f'data-testid="dispute-{dispute.pk}"' in page
    listing = client.get(reverse("complaints:disputes")).content.decode()
    assert f'data-dispute="{dispute.pk}"' in listing and 'data-overdue="1"' not in listing
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "dispute_decide"]),
        {"dispute": dispute.pk, "decision": "redispatch", "unit": "", "note": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "dispute_decide"]),
        {
            "dispute": dispute.pk,
            "decision": "redispatch",
            "unit": cast.township.pk,
            "note": "改派城关镇",
        },
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.unit == cast.township
    # Past its decision date, a pending dispute is marked overdue on the list.
    complaint2 = make_complaint(Complaint.Status.REROUTE_REQUESTED)
    DispatchDispute.objects.filter(complaint=complaint2).update(
        decide_by=timezone.localdate() - datetime.timedelta(days=3)
    )
    listing = client.get(reverse("complaints:disputes")).content.decode()
    assert 'data-overdue="1"' in listing


def test_overdue_parts_show_on_the_case_page(client_for, cast, cohandled):
    ComplaintPart.objects.filter(complaint=cohandled, unit=cast.dept_b).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    page = client_for(cast.officer).get(reverse("complaints:detail", args=[cohandled.pk]))
    assert len(page.context["parts_overdue"]) == 1
    assert 'data-testid="parts-overdue"' in page.content.decode()


def test_cohandler_list_query_count_is_flat(
    client_for, cast, make_complaint, django_assert_max_num_queries
):
    from complaints.services.cohandling import part_add

    for n in range(12):
        complaint = make_complaint(Complaint.Status.ASSIGNED, title=f"协办案件{n}")
        part_add(
            complaint=complaint,
            unit=cast.dept_b,
            task=f"协办事项{n}",
            working_days=3,
            actor=cast.officer,
        )
    client = client_for(cast.head_b)
    client.get(reverse("complaints:parts"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("complaints:parts"))
    assert response.content.decode().count("data-part=") == 12
    part = ComplaintPart.objects.filter(unit=cast.dept_b).first()
    with django_assert_max_num_queries(14):
        assert client.get(reverse("complaints:part", args=[part.pk])).status_code == 200


def test_overdue_parts_show_on_the_board(client_for, cast, cohandled):
    part = cohandled.parts.get(unit=cast.dept_b)
    board = reverse("campaign:overdue_board")
    officer = client_for(cast.officer)
    assert reverse("complaints:part", args=[part.pk]) not in officer.get(board).content.decode()
    ComplaintPart.objects.filter(pk=part.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    page = officer.get(board).content.decode()
    assert reverse("complaints:part", args=[part.pk]) in page
