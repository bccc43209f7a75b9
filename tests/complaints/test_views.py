"""Staff and unit pages: allowed user, outsider 404, read-only 403, wrong method, queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, IdentityReveal

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def _act(pk, action):
    return reverse("complaints:act", args=[pk, action])


def test_anonymous_staff_pages_redirect_to_login(client, cast, make_complaint):
    complaint = make_complaint()
    for url in (
        reverse("complaints:list"),
        reverse("complaints:queue"),
        reverse("complaints:intake"),
        reverse("complaints:mine"),
        reverse("complaints:ledger"),
        reverse("complaints:figures"),
        reverse("complaints:export"),
        reverse("complaints:detail", args=[complaint.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_officer_triages_accepts_and_assigns_with_suggestion(client_for, cast, make_complaint):
    complaint = make_complaint()
    client = client_for(cast.officer)
    queue = client.get(reverse("complaints:queue")).content.decode()
    assert complaint.number in queue
    assert client.post(_act(complaint.pk, "accept"), {"comment": ""}).status_code == 302
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert detail.context["suggested_unit"] == cast.dept_a
    assert "建议承办单位：县市场监督管理局" in detail.content.decode()
    response = client.post(
        _act(complaint.pk, "assign"),
        {"unit": cast.dept_a.pk, "deadline": "", "instructions": "限期核查"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "assigned" and complaint.unit == cast.dept_a
    assert complaint.deadline == detail.context["suggested_deadline"]


def test_bad_staff_input_is_400_in_chinese_and_saves_nothing(client_for, cast, make_complaint):
    complaint = make_complaint()
    client = client_for(cast.officer)
    response = client.post(_act(complaint.pk, "reject"), {"reason": ""})
    assert response.status_code == 400 and "未保存" in response.content.decode()
    response = client.post(_act(complaint.pk, "assign"), {"unit": cast.dept_a.pk})
    assert response.status_code == 400
    assert "无法从" in response.content.decode() or "不能从" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == "registered"


def test_unit_head_answers_own_case_sibling_404_read_only_403(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    answer = {
        "facts": "经查属实",
        "verdict": "substantiated",
        "measures": "批评教育",
        "public_reply": "已整改",
    }
    assert (
        client_for(cast.head_b).get(reverse("complaints:detail", args=[complaint.pk])).status_code
        == 404
    )
    assert client_for(cast.head_b).post(_act(complaint.pk, "answer"), answer).status_code == 404
    assert (
        client_for(cast.outsider).get(reverse("complaints:detail", args=[complaint.pk])).status_code
        == 404
    )
    for reader in (cast.in_charge, cast.leader):
        client = client_for(reader)
        assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 200
        assert client.post(_act(complaint.pk, "answer"), answer).status_code == 403
        assert client.post(_act(complaint.pk, "accept"), {}).status_code == 403
    client = client_for(cast.head_a)
    mine = client.get(reverse("complaints:mine")).content.decode()
    assert complaint.number in mine
    assert client.post(_act(complaint.pk, "accept"), {}).status_code == 403
    assert client.post(_act(complaint.pk, "answer"), {**answer, "verdict": ""}).status_code == 400
    assert client.post(_act(complaint.pk, "answer"), answer).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "answered" and complaint.verdict == "substantiated"


def test_wrong_methods(client_for, cast, make_complaint):
    complaint = make_complaint()
    client = client_for(cast.officer)
    assert client.get(_act(complaint.pk, "accept")).status_code == 405
    assert client.post(reverse("complaints:detail", args=[complaint.pk])).status_code == 405
    assert client.post(reverse("complaints:list")).status_code == 405
    assert client.post(reverse("complaints:ledger")).status_code == 405
    assert client.get(reverse("complaints:reveal", args=[complaint.pk])).status_code == 405
    assert client.post(_act(complaint.pk, "no_such_action")).status_code == 404


def test_staff_only_pages_refuse_others(client_for, cast):
    for user in (cast.head_a, cast.in_charge, cast.leader, cast.evaluator):
        client = client_for(user)
        assert client.get(reverse("complaints:queue")).status_code == 403
        assert client.get(reverse("complaints:intake")).status_code == 403
        assert client.get(reverse("complaints:import")).status_code == 403
    assert client_for(cast.head_a).get(reverse("complaints:figures")).status_code == 403
    assert client_for(cast.evaluator).get(reverse("complaints:figures")).status_code == 200


def test_staff_intake_from_hotline(client_for, cast, category):
    client = client_for(cast.officer)
    response = client.post(
        reverse("complaints:intake"),
        {
            "channel": "hotline",
            "received_at": "2026-11-20T10:30",
            "urgent": "on",
            "title": "12345转办：乡镇办事难",
            "content": "来电反映城关镇办事窗口长期无人。",
            "category": category.pk,
            "subject_unit": cast.township.pk,
            "name": "王来电",
            "phone": "13700000000",
            "attachments": [SimpleUploadedFile("rec.png", PNG)],
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (
        complaint.channel == "hotline"
        and complaint.urgent
        and complaint.registered_by == cast.officer
    )
    assert timezone.localtime(complaint.received_at).date() == datetime.date(2026, 11, 20)
    bad = client.post(
        reverse("complaints:intake"), {"channel": "web", "title": "x", "content": "y"}
    )
    assert bad.status_code == 400 and Complaint.objects.count() == 1


def test_one_step_identity_reveal_is_logged_and_listed(client_for, cast, make_complaint, settings):
    """The one-step reveal of a small office (approval off); the approval flow is in
    test_identity_views.py."""
    settings.ZUOFENG_IDENTITY_NEEDS_APPROVAL = False
    complaint = make_complaint("assigned")
    client = client_for(cast.officer)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "张秘密" not in page
    assert (
        client.post(reverse("complaints:reveal", args=[complaint.pk]), {"reason": ""}).status_code
        == 400
    )
    response = client.post(
        reverse("complaints:reveal", args=[complaint.pk]), {"reason": "回访联系"}
    )
    assert response.status_code == 200 and "张秘密" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert IdentityReveal.objects.filter(user=cast.officer, complaint=complaint).count() == 1
    log = client.get(reverse("complaints:reveal_log")).content.decode()
    assert complaint.number in log and "回访联系" in log
    assert (
        client_for(cast.leader)
        .post(reverse("complaints:reveal", args=[complaint.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    assert client_for(cast.leader).get(reverse("complaints:reveal_log")).status_code == 403


def test_extension_request_via_pages(client_for, cast, make_complaint):
    complaint = make_complaint("assigned")
    new = (complaint.deadline + datetime.timedelta(days=7)).isoformat()
    response = client_for(cast.head_a).post(
        _act(complaint.pk, "extension"), {"new_deadline": new, "reason": "需现场核查"}
    )
    assert response.status_code == 302
    response = client_for(cast.officer).post(
        _act(complaint.pk, "extension_decide"), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.deadline.isoformat() == new


def test_list_query_count_is_flat(client_for, cast, make_complaint, django_assert_max_num_queries):
    make_complaint("assigned")
    client = client_for(cast.head_a)
    client.get(reverse("complaints:mine"))
    with django_assert_max_num_queries(14):
        client.get(reverse("complaints:mine"))
    for _ in range(15):
        make_complaint("assigned")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("complaints:mine"))
    assert len(response.context["page"]) == 16
    officer = client_for(cast.officer)
    officer.get(reverse("complaints:list"))
    with django_assert_max_num_queries(14):
        officer.get(reverse("complaints:list"))


def test_workspace_panel_and_nav(client_for, cast, make_complaint):
    make_complaint()
    make_complaint("assigned")
    content = client_for(cast.officer).get(reverse("units:workspace")).content.decode()
    assert 'data-testid="complaints-panel"' in content and "待受理" in content
    head = client_for(cast.head_a).get(reverse("units:workspace")).content.decode()
    assert 'data-testid="complaints-panel"' in head and reverse("complaints:mine") in head


def test_attachment_download_scoped(client_for, cast, category):
    from complaints import services
    from complaints.services import Upload

    upload = SimpleUploadedFile("x.png", PNG)
    complaint = services.complaint_submit(
        channel="web",
        title="t",
        content="c",
        category=category,
        uploads=[Upload(file=upload, content_type="image/png", extension="png")],
    )
    attachment = complaint.attachments.get()
    url = reverse("complaints:attachment", args=[complaint.pk, attachment.pk])
    assert client_for(cast.officer).get(url).status_code == 200
    assert client_for(cast.head_a).get(url).status_code == 404


def test_units_do_not_get_the_complainants_files(client_for, cast, category):
    from complaints import services
    from complaints.services import Upload

    complaint = services.complaint_submit(
        channel="web",
        title="t",
        content="c",
        category=category,
        uploads=[
            Upload(file=SimpleUploadedFile("x.png", PNG), content_type="image/png", extension="png")
        ],
    )
    complaint = services.complaint_accept(complaint=complaint, actor=cast.officer)
    complaint = services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=cast.officer)
    url = reverse("complaints:attachment", args=[complaint.pk, complaint.attachments.get().pk])
    assert client_for(cast.head_a).get(url).status_code == 403
    assert client_for(cast.in_charge).get(url).status_code == 403
    assert client_for(cast.leader).get(url).status_code == 200
    detail = client_for(cast.head_a).get(reverse("complaints:detail", args=[complaint.pk]))
    assert detail.context["attachments"] == []


def test_accountability_from_substantiated_complaint_via_page(client_for, cast, make_complaint):
    from campaign.models import AccountabilityAction

    complaint = make_complaint("closed")
    url = _act(complaint.pk, "follow_up")
    data = {
        "kind": "warning_talk",
        "reason": "推诿扯皮属实",
        "document_number": "县纪〔2026〕7号",
        "date": "",
    }
    assert client_for(cast.in_charge).post(url, data).status_code == 403
    assert client_for(cast.officer).post(url, {**data, "reason": ""}).status_code == 400
    assert client_for(cast.officer).post(url, data).status_code == 302
    action = AccountabilityAction.objects.get()
    assert action.source == complaint and action.unit == cast.dept_a
    assert action.document_number == "县纪〔2026〕7号"
