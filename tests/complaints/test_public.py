"""The public pages: submit (anonymous, attachments, bots, rate limit), track, rate."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import forms, identity
from complaints.models import Complaint, ComplaintAttachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
PDF = b"%PDF-1.4\n" + b"0" * 200


def _post_data(**overrides):
    data = {
        "title": "窗口人员态度恶劣",
        "content": "2026年11月在县市场监督管理局办事窗口，工作人员态度恶劣。",
        "category": "",
        "subject_unit": "",
        "subject_person": "",
        "name": "",
        "phone": "",
        "id_number": "",
        "contact": "",
        "website": "",
        "token": forms.form_token(time.time() - 30),
    }
    data.update(overrides)
    return data


def _submit(client, files=None, **overrides):
    data = _post_data(**overrides)
    if files is not None:
        data["attachments"] = files
    return client.post(reverse("complaints:public_submit"), data)


def test_form_page_renders_in_chinese_without_login(client, cast):
    response = client.get(reverse("complaints:public_submit"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "投诉" in content and 'name="website"' in content and 'name="token"' in content


def test_anonymous_submission_with_attachment_shows_code_once(client, cast):
    response = _submit(
        client, files=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")]
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and not complaint.has_identity
    assert complaint.status == Complaint.Status.REGISTERED
    attachment = ComplaintAttachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")
    page = client.get(response["Location"])
    assert complaint.tracking_code_display in page.content.decode()
    assert "只显示一次" in page.content.decode()
    # Shown once: the second visit no longer has it.
    again = client.get(response["Location"])
    assert again.status_code == 302


def test_new_code_travels_in_a_signed_cookie_for_the_next_page_only(client, cast):
    """No session row is written for a complaint, and no row holds its code in clear."""
    response = _submit(client)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    cookie = response.cookies["zf_new_code"]
    assert cookie["path"] == reverse("complaints:public_submitted") == response["Location"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"] == 600
    assert complaint.tracking_code_display in cookie.value  # signed, shown to its sender
    assert "sessionid" not in response.cookies and not Session.objects.exists()
    # A cookie forged or altered is not shown: the page sends the visitor to tracking.
    other = "ABCD-EFGH-JKMN-PQRS"
    assert other != complaint.tracking_code_display
    client.cookies["zf_new_code"] = cookie.value.replace(complaint.tracking_code_display, other)
    assert client.get(response["Location"]).status_code == 302


def test_named_submission_encrypts_identity_and_records_ip(client, cast):
    _submit(client, name="李四", phone="13800001111", id_number="11010119900101123x")
    complaint = Complaint.objects.get()
    assert complaint.has_identity and "李四" not in complaint.identity_token
    shown = identity.decrypt(complaint.identity_token)
    assert shown.id_number == "11010119900101123X" and shown.ip == "127.0.0.1"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an exe" * 20)],
            "不是允许的文件类型",
        ),
        ([SimpleUploadedFile("notes.jpg", "这是一段文字".encode() * 50)], "不是允许的文件类型"),
        ([SimpleUploadedFile(f"p{i}.png", PNG) for i in range(6)], "最多 5 个附件"),
        ([SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))], "超过 10 MB"),
    ],
)
def test_bad_uploads_are_refused_in_chinese_and_save_nothing(client, cast, files, message):
    response = _submit(client, files=files)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content and "未保存" in content
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "这个字段是必填项"),
        ({"content": ""}, "这个字段是必填项"),
        ({"phone": "abc"}, "请输入有效的电话号码"),
        ({"id_number": "12345"}, "身份证号码为 18 位"),
        ({"website": "http://spam.example"}, "无法受理"),
        ({"token": "forged"}, "已过期"),
    ],
)
def test_bad_input_and_bots_get_clear_errors_and_nothing_saved(client, cast, overrides, message):
    response = _submit(client, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_time_trap_refuses_instant_posts(client, cast):
    response = _submit(client, token=forms.form_token(time.time()))
    assert response.status_code == 400
    assert "提交过快" in response.content.decode()
    assert not Complaint.objects.exists()


def test_rate_limited_per_ip(client, cast, settings):
    settings.COMPLAINTS_SUBMIT_RATE = "2/h"
    assert _submit(client).status_code == 302
    assert _submit(client).status_code == 302
    response = _submit(client)
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert Complaint.objects.count() == 2
    other_ip = client.post(
        reverse("complaints:public_submit"), _post_data(), REMOTE_ADDR="10.1.2.3"
    )
    assert other_ip.status_code == 302


def test_status_page_shows_reply_never_internal_notes(client, cast, make_complaint):
    complaint = make_complaint("return_visit")
    code = complaint.tracking_code_display.lower().replace("-", " ")
    response = client.post(reverse("complaints:public_track"), {"code": code})
    assert response.status_code == 200
    content = response.content.decode()
    assert "经核查，情况属实" in content  # the public reply
    assert "经查，窗口工作人员确有推诿" not in content  # facts found (internal)
    assert "已对当事人批评教育" not in content  # measures (internal)
    assert "张秘密" not in content and "13912345678" not in content
    assert complaint.number in content and "回访" in content


def test_reply_hidden_until_reviewed(client, cast, make_complaint):
    complaint = make_complaint("answered")
    content = client.post(
        reverse("complaints:public_track"), {"code": complaint.tracking_code}
    ).content.decode()
    assert "经核查，情况属实" not in content


def test_unknown_code_is_a_clear_error(client, cast):
    response = client.post(reverse("complaints:public_track"), {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert response.status_code == 400
    assert "没有找到" in response.content.decode()
    assert client.get(reverse("complaints:public_track")).status_code == 200
    assert client.put(reverse("complaints:public_track")).status_code == 405


def test_rejected_case_shows_the_reason(client, cast, make_complaint):
    complaint = make_complaint("rejected")
    content = client.post(
        reverse("complaints:public_track"), {"code": complaint.tracking_code}
    ).content.decode()
    assert "不属于作风问题投诉范围" in content


def test_complainant_rates_and_the_case_closes(client, cast, make_complaint):
    complaint = make_complaint("return_visit")
    url = reverse("complaints:public_rate")
    bad = client.post(url, {"code": complaint.tracking_code, "satisfaction": "great"})
    assert bad.status_code == 400
    response = client.post(
        url, {"code": complaint.tracking_code, "satisfaction": "satisfied", "comment": "谢谢"}
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.satisfaction == "satisfied"
    again = client.post(url, {"code": complaint.tracking_code, "satisfaction": "unsatisfied"})
    assert again.status_code == 409
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert (
        client.post(url, {"code": "0000000000000000", "satisfaction": "satisfied"}).status_code
        == 404
    )
    assert client.get(url).status_code == 405


def test_public_pages_are_mobile_friendly(client, cast):
    content = client.get(reverse("complaints:public_submit")).content.decode()
    assert 'name="viewport"' in content
