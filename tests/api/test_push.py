"""Complaints in: POST /api/v1/complaints/ with the hotline's ticket number."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from complaints.identity import decrypt
from complaints.models import Complaint, ComplaintCategory, ComplaintTransition
from tests.api.conftest import keyed, make_client
from units.models import ApiCall

URL = "/api/v1/complaints/"
PAYLOAD = {
    "ticket": "12345-20261205-0001",
    "title": "窗口工作人员推诿",
    "content": "在县政务服务中心办理营业执照，窗口工作人员让我下周再来。",
    "subject_unit": "SLX-SCJ",
    "name": "张三",
    "phone": "13800000000",
    "id_number": "110101199001011234",
    "received_at": "2026-12-05T09:30:00+08:00",
}
SECRETS = ("张三", "13800000000", "110101199001011234")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def units(cast):
    return cast


def test_push_registers_a_case_with_the_ticket_and_encrypted_identity(units, api, hotline):
    response = api.post(URL, PAYLOAD, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    complaint = Complaint.objects.get(pk=body["id"])
    assert body["number"] == complaint.number and body["ticket"] == PAYLOAD["ticket"]
    assert complaint.source_client == hotline and complaint.source_ticket == PAYLOAD["ticket"]
    assert complaint.channel == Complaint.Channel.HOTLINE
    assert complaint.subject_unit == units.dept_a and complaint.status == "registered"
    # Encrypted exactly as the web form does it, and nowhere in the answer.
    identity = decrypt(complaint.identity_token)
    assert (identity.name, identity.phone, identity.id_number) == SECRETS
    assert complaint.has_identity
    for secret in SECRETS:
        assert secret not in response.content.decode()
        assert secret not in complaint.identity_token
    first = ComplaintTransition.objects.get(complaint=complaint)
    assert first.to_status == "registered" and PAYLOAD["ticket"] in first.comment
    call = ApiCall.objects.get()
    assert (call.client, call.method, call.endpoint, call.status) == (
        hotline,
        "POST",
        "api/v1/complaints/",
        201,
    )


def test_the_same_ticket_twice_is_one_case(units, api):
    first = api.post(URL, PAYLOAD, format="json")
    again = api.post(URL, PAYLOAD, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Complaint.objects.count() == 1


def test_a_changed_payload_for_a_known_ticket_is_409(units, api):
    first = api.post(URL, PAYLOAD, format="json").json()
    changed = api.post(URL, {**PAYLOAD, "content": "另一件事"}, format="json")
    assert changed.status_code == 409
    assert changed.json()["id"] == first["id"]
    assert Complaint.objects.get().content == PAYLOAD["content"]


def test_a_body_without_a_media_type_is_415_as_documented_and_saves_nothing(units, api):
    response = api.generic("POST", URL, json.dumps(PAYLOAD), content_type="")
    assert response.status_code == 415
    assert response.json()["detail"]
    assert not Complaint.objects.exists()
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "415" in schema["paths"][URL]["post"]["responses"]


def test_tickets_are_unique_per_client_not_globally(units, api):
    other = keyed(make_client("门户网站"))
    a = api.post(URL, PAYLOAD, format="json").json()
    b = other.post(URL, PAYLOAD, format="json").json()
    assert a["id"] != b["id"] and Complaint.objects.count() == 2


@pytest.mark.parametrize(
    "field,label", [("subject_unit", "Unit complained about"), ("category", "Category")]
)
def test_unknown_codes_are_400_naming_the_field(units, api, field, label):
    response = api.post(
        URL, {**PAYLOAD, field: "NO-SUCH"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    message = response.json()[field][0]
    # The field as the interface names it in Chinese (被投诉单位, 投诉类别), and the code.
    with translation.override("zh-hans"):
        assert message.startswith(gettext(label)) and "NO-SUCH" in message
    assert Complaint.objects.count() == 0


def test_category_by_code(units, api):
    category = ComplaintCategory.objects.get(name="服务态度")
    category.code = "FWTD"
    category.save(update_fields=["code"])
    body = api.post(URL, {**PAYLOAD, "category": "FWTD"}, format="json").json()
    assert Complaint.objects.get(pk=body["id"]).category == category
    assert body["category"] == {"code": "FWTD", "name": "服务态度"}


def test_bad_input_follows_the_intake_forms_rules_and_saves_nothing(units, api):
    response = api.post(URL, {**PAYLOAD, "id_number": "123", "phone": "abc"}, format="json")
    assert response.status_code == 400
    assert {"id_number", "phone"} <= set(response.json())
    assert api.post(URL, {**PAYLOAD, "title": ""}, format="json").status_code == 400
    hidden = api.post(URL, {**PAYLOAD, "content": "正常\u202etxt.exe"}, format="json")
    assert hidden.status_code == 400 and "content" in hidden.json()
    assert Complaint.objects.count() == 0


def test_attachments_by_upload(units, api):
    picture = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = api.post(URL, {**PAYLOAD, "attachments": [picture]}, format="multipart")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(pk=response.json()["id"])
    attachment = complaint.attachments.get()
    assert attachment.content_type == "image/png" and not attachment.is_shared
    # The same files again: the same case; another file: a conflict.
    again = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    assert api.post(URL, {**PAYLOAD, "attachments": [again]}, format="multipart").status_code == 200
    script = SimpleUploadedFile("a.png", b"#!/bin/sh\necho", content_type="image/png")
    refused = api.post(
        URL, {**PAYLOAD, "ticket": "T2", "attachments": [script]}, format="multipart"
    )
    assert refused.status_code == 400 and "attachments" in refused.json()


def test_a_client_limited_to_a_subtree_pushes_only_about_it(units, db):
    township = keyed(make_client("城关镇平台", unit=units.township))
    response = township.post(URL, PAYLOAD, format="json")  # dept_a is outside the township
    assert response.status_code == 400 and "subject_unit" in response.json()
    inside = township.post(URL, {**PAYLOAD, "subject_unit": "SLX-CGZ"}, format="json")
    assert inside.status_code == 201


def test_no_key_401_no_scope_403_session_401(units, client_for, db):
    from rest_framework.test import APIClient

    assert APIClient().post(URL, PAYLOAD, format="json").status_code == 401
    reader = keyed(make_client("门户网站", push_complaints=False))
    assert reader.post(URL, PAYLOAD, format="json").status_code == 403
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer zf_00000000_nothing")
    assert bad.post(URL, PAYLOAD, format="json").status_code == 401
    # Pushing takes a key: an officer's session is not one.
    session = client_for(units.officer)
    assert session.post(URL, PAYLOAD, content_type="application/json").status_code == 401
    assert Complaint.objects.count() == 0


def test_the_ticket_is_in_the_export(units, api, client_for):
    api.post(URL, PAYLOAD, format="json")
    response = client_for(units.officer).get(reverse("complaints:export_csv"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8-sig", errors="replace")
    assert "来源工单号" in text and PAYLOAD["ticket"] in text


def test_query_count_of_a_push_stays_flat(units, api, django_assert_max_num_queries):
    api.post(URL, {**PAYLOAD, "ticket": "warm"}, format="json")
    with django_assert_max_num_queries(30):
        assert api.post(URL, {**PAYLOAD, "ticket": "T-9"}, format="json").status_code == 201


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_pushes_of_one_ticket_make_one_case():
    import threading

    from tests.conftest import build_cast

    build_cast()
    client = make_client("并发热线")
    apis = [keyed(client) for _ in range(6)]
    barrier = threading.Barrier(len(apis))
    answers: list[tuple[int, int]] = []

    def push(api):
        try:
            barrier.wait()
            response = api.post(URL, PAYLOAD, format="json")
            answers.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(a,)) for a in apis]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(code for code, _ in answers) == [200] * 5 + [201]
    assert len({pk for _, pk in answers}) == 1
    assert Complaint.objects.filter(source_ticket=PAYLOAD["ticket"]).count() == 1


def test_staff_see_the_ticket_on_the_case_page(units, api, client_for):
    body = api.post(URL, PAYLOAD, format="json").json()
    page = client_for(units.officer).get(reverse("complaints:detail", args=[body["id"]]))
    assert page.status_code == 200
    assert PAYLOAD["ticket"] in page.content.decode()
