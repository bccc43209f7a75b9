"""Deliverable, inspection and circular pages; campaign creation; the public circular page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign import services
from campaign.models import Campaign, Circular, Finding, Inspection, RectificationItem, Submission

pytestmark = pytest.mark.django_db


def test_officer_creates_a_campaign_from_a_template(client_for, cast):
    url = reverse("campaign:campaign_list")
    assert "按模板新建专项活动" in client_for(cast.officer).get(url).content.decode()
    response = client_for(cast.officer).post(
        url,
        {
            "name": "2026年机关作风建设年活动",
            "year": 2026,
            "scope": cast.root.pk,
            "template": "annual",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
    )
    campaign = Campaign.objects.get(name="2026年机关作风建设年活动")
    assert response.status_code == 302 and campaign.phases.count() == 3
    assert (
        client_for(cast.officer)
        .post(reverse("campaign:campaign_activate", args=[campaign.pk]))
        .status_code
        == 302
    )
    campaign.refresh_from_db()
    assert campaign.status == "active"
    # Unit heads see the list but cannot create; outsiders see nothing.
    assert "按模板新建专项活动" not in client_for(cast.head_a).get(url).content.decode()
    assert client_for(cast.head_a).post(url, {"name": "x"}).status_code == 403
    assert (
        client_for(cast.head_a)
        .post(reverse("campaign:campaign_activate", args=[campaign.pk]))
        .status_code
        == 403
    )
    assert client_for(cast.outsider).get(url).status_code == 404


def test_deliverable_pages(client_for, cast, campaign):
    deliverable = campaign.deliverables.get(kind="action_plan")
    content = client_for(cast.head_a).get(reverse("campaign:deliverables")).content.decode()
    assert "行动方案" in content and "未报送" in content
    response = client_for(cast.head_a).post(
        reverse("campaign:submission_submit", args=[deliverable.pk]),
        {
            "unit": cast.dept_a.pk,
            "text": "",
            "attachment": SimpleUploadedFile("方案.docx", b"PK\x03\x04 docx"),
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.attachment.name.endswith(".docx")
    # Empty submissions and forbidden file types are refused with a message.
    other = campaign.deliverables.get(kind="self_inspection")
    client_for(cast.head_a).post(
        reverse("campaign:submission_submit", args=[other.pk]), {"unit": cast.dept_a.pk, "text": ""}
    )
    client_for(cast.head_a).post(
        reverse("campaign:submission_submit", args=[other.pk]),
        {"unit": cast.dept_a.pk, "attachment": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert Submission.objects.count() == 1
    # Sibling unit: not a choice.
    client_for(cast.head_a).post(
        reverse("campaign:submission_submit", args=[other.pk]),
        {"unit": cast.dept_b.pk, "text": "x"},
    )
    assert Submission.objects.count() == 1
    # Read-only and outsiders.
    assert (
        client_for(cast.leader)
        .post(reverse("campaign:submission_submit", args=[other.pk]), {"text": "x"})
        .status_code
        == 403
    )
    assert client_for(cast.outsider).get(reverse("campaign:deliverables")).status_code == 404
    # The officer reviews.
    page = client_for(cast.officer).get(
        reverse("campaign:deliverable_detail", args=[deliverable.pk])
    )
    assert page.status_code == 200 and "县教育局" in page.content.decode()
    client_for(cast.officer).post(
        reverse("campaign:submission_review", args=[submission.pk, "return"]),
        {"reason": "请补充措施"},
    )
    submission.refresh_from_db()
    assert submission.status == "returned"
    assert (
        client_for(cast.head_a)
        .post(reverse("campaign:submission_review", args=[submission.pk, "accept"]))
        .status_code
        == 403
    )
    assert (
        client_for(cast.head_b)
        .post(reverse("campaign:submission_review", args=[submission.pk, "accept"]))
        .status_code
        == 404
    )
    assert (
        client_for(cast.officer)
        .get(reverse("campaign:submission_review", args=[submission.pk, "accept"]))
        .status_code
        == 405
    )


def test_inspection_pages(client_for, cast, campaign):
    response = client_for(cast.officer).post(
        reverse("campaign:inspection_list"),
        {
            "campaign": campaign.pk,
            "kind": "secret",
            "date": "2026-11-20",
            "team": "明察暗访组",
            "summary": "",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    url = reverse("campaign:inspection_detail", args=[inspection.pk])
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client_for(cast.officer).post(
        url,
        {
            "unit": cast.dept_a.pk,
            "severity": "major",
            "description": "窗口无人值守",
            "deadline": deadline,
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.item.status == "accepted" and finding.item.source == "inspection"
    response = client_for(cast.officer).post(
        url, {"warning_talk": "1", "unit": cast.dept_a.pk, "reason": "发现问题较多"}
    )
    assert response.status_code == 302
    # The unit head sees the inspection that concerns it, but cannot record anything.
    assert "窗口无人值守" in client_for(cast.head_a).get(url).content.decode()
    assert client_for(cast.head_a).post(url, {"unit": cast.dept_a.pk}).status_code == 403
    assert client_for(cast.head_b).get(url).status_code == 404
    assert client_for(cast.outsider).get(reverse("campaign:inspection_list")).status_code == 404
    assert client_for(cast.leader).post(reverse("campaign:inspection_list"), {}).status_code == 403


def test_circular_pages(client_for, cast, campaign, make_item):
    make_item(RectificationItem.Status.CLOSED)
    response = client_for(cast.officer).post(
        reverse("campaign:circular_draft_progress", args=[campaign.pk])
    )
    circular = Circular.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/circulars/{circular.pk}/edit/"
    )
    response = client_for(cast.officer).post(
        reverse("campaign:circular_edit", args=[circular.pk]),
        {
            "kind": "progress",
            "title": "第一期整改情况通报",
            "body": circular.body + "\n特此通报。",
            "commended": [cast.dept_a.pk],
            "criticised": [cast.dept_a.pk],
        },
    )
    assert response.status_code == 200 and "不能同时表扬和批评" in response.content.decode()
    client_for(cast.officer).post(
        reverse("campaign:circular_edit", args=[circular.pk]),
        {
            "kind": "progress",
            "title": "第一期整改情况通报",
            "body": circular.body,
            "commended": [cast.dept_a.pk],
        },
    )
    assert (
        client_for(cast.head_a)
        .get(reverse("campaign:circular_detail", args=[circular.pk]))
        .status_code
        == 404
    )  # draft
    assert (
        client_for(cast.head_a)
        .post(reverse("campaign:circular_publish", args=[circular.pk]))
        .status_code
        == 404
    )
    client_for(cast.officer).post(
        reverse("campaign:circular_publish", args=[circular.pk]), {"is_public": "on"}
    )
    circular.refresh_from_db()
    assert circular.status == "published" and circular.is_public
    content = (
        client_for(cast.head_a)
        .get(reverse("campaign:circular_detail", args=[circular.pk]))
        .content.decode()
    )
    assert "第一期整改情况通报" in content and "第1期" in content and "通报表扬单位" in content
    assert (
        client_for(cast.head_a)
        .post(reverse("campaign:circular_publish", args=[circular.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(cast.head_a)
        .get(reverse("campaign:circular_create", args=[campaign.pk]))
        .status_code
        == 403
    )
    # The public page needs no login.
    from django.test import Client

    public = Client()
    assert (
        "第一期整改情况通报"
        in public.get(reverse("campaign:public_circular_list")).content.decode()
    )
    assert (
        public.get(reverse("campaign:public_circular_detail", args=[circular.pk])).status_code
        == 200
    )
    draft = services.circular_create(
        campaign=campaign, kind="briefing", title="简报", body="x", actor=cast.officer
    )
    assert (
        public.get(reverse("campaign:public_circular_detail", args=[draft.pk])).status_code == 404
    )
    assert public.post(reverse("campaign:public_circular_list")).status_code == 405


def test_officer_adjusts_a_due_date(client_for, cast, campaign):
    deliverable = campaign.deliverables.get(kind="summary")
    url = reverse("campaign:deliverable_due_date", args=[deliverable.pk])
    assert client_for(cast.officer).post(url, {"due_date": "2026-12-20"}).status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.due_date == datetime.date(2026, 12, 20)
    assert client_for(cast.officer).post(url, {"due_date": "不是日期"}).status_code == 302
    assert client_for(cast.head_a).post(url, {"due_date": "2026-12-01"}).status_code == 403
    assert client_for(cast.outsider).post(url, {"due_date": "2026-12-01"}).status_code == 404
    assert client_for(cast.officer).get(url).status_code == 405
    deliverable.refresh_from_db()
    assert deliverable.due_date == datetime.date(2026, 12, 20)
