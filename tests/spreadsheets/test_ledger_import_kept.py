"""The preview's checked rows kept with the staged upload (campaign.ledger_import).

The confirmation files the rows its preview checked without reading the file again, but
only while they are still true: the same file (its digest), and the units, campaign,
categories and items the checks read unchanged. Anything else and the file is read and
checked again, so nothing is filed that a fresh check would refuse.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaign import ledger_import as module
from campaign.ledger_import import ledger_confirm, ledger_preview
from campaign.models import Campaign, RectificationItem
from tests.campaign.test_excel import workbook
from tests.otp import verify_session
from tests.spreadsheets.test_ledger_import_loop import HEADERS, line
from units.models import Unit

pytestmark = pytest.mark.django_db

S = RectificationItem.Status


def upload(client, campaign, rows):
    url = reverse("campaign:ledger_import", args=[campaign.pk])
    content = workbook(rows, HEADERS)
    response = client.post(url, {"file": SimpleUploadedFile("台账.xlsx", content)})
    assert response.status_code == 200, response.content.decode()[:2000]
    return url, response.context["token"]


def no_reading(monkeypatch):
    def refuse(content):
        raise AssertionError("the confirmation read the file again")

    monkeypatch.setattr(module, "read_ledger", refuse)


def test_the_confirmation_files_the_checked_rows_without_reading_the_file(
    cast, campaign, client_for, monkeypatch
):
    rows = [line(1), line(2, deadline="长期坚持"), line(3, deadline="2027年3月1日")]
    url, token = upload(client_for(cast.head_a), campaign, rows)
    no_reading(monkeypatch)
    response = client_for(cast.head_a).post(url, {"token": token})
    assert response.status_code == 302
    filed = {i.problem: i for i in RectificationItem.objects.filter(campaign=campaign)}
    assert set(filed) == {"问题1", "问题2", "问题3"}
    assert filed["问题2"].long_term and filed["问题2"].deadline == campaign.end_date
    assert filed["问题3"].deadline == datetime.date(2027, 3, 1)
    for item in filed.values():
        assert item.unit == cast.dept_a and item.status == S.DRAFT
        assert item.category is not None and item.category.name == "不担当"
        assert (item.list_kind, item.measures, item.responsible_person) == (
            "problem",
            "措施",
            "张三",
        )


def test_a_unit_code_gone_since_the_preview_is_refused_and_nothing_filed(
    cast, campaign, client_for
):
    url, token = upload(client_for(cast.head_a), campaign, [line(1), line(2)])
    Unit.objects.filter(pk=cast.dept_a.pk).update(code="SLX-SCJ-OLD")
    response = client_for(cast.head_a).post(url, {"token": token})
    assert response.status_code == 400
    messages = [p["message"] for p in response.context["problems"]]
    assert any("SLX-SCJ" in message for message in messages), messages
    assert not RectificationItem.objects.exists()


def test_a_code_moved_to_a_unit_the_importer_may_not_act_for_files_nothing(
    cast, campaign, client_for
):
    url, token = upload(client_for(cast.head_a), campaign, [line(1), line(2)])
    # The office renumbers its units after the preview: SLX-SCJ now names the education
    # bureau, which head_a may not file for. The preview's units would file under dept_a;
    # the file now says otherwise, and the fresh check refuses it.
    Unit.objects.filter(pk=cast.dept_a.pk).update(code="SLX-SCJ-OLD")
    Unit.objects.filter(pk=cast.dept_b.pk).update(code="SLX-SCJ")
    response = client_for(cast.head_a).post(url, {"token": token})
    assert response.status_code == 400
    assert {p["column"] for p in response.context["problems"]} == {"单位编码"}
    assert not RectificationItem.objects.exists()


def test_a_campaign_end_moved_since_the_preview_gives_long_term_rows_the_new_end(
    cast, campaign, client_for
):
    url, token = upload(client_for(cast.head_a), campaign, [line(1, deadline="长期坚持")])
    Campaign.objects.filter(pk=campaign.pk).update(end_date=datetime.date(2027, 6, 30))
    response = client_for(cast.head_a).post(url, {"token": token})
    assert response.status_code == 302
    (item,) = RectificationItem.objects.all()
    assert item.long_term and item.deadline == datetime.date(2027, 6, 30)


def test_an_item_moved_on_since_the_preview_is_not_updated(cast, campaign, client_for, make_item):
    draft = make_item(problem="草稿问题")
    row = [draft.pk, "SLX-SCJ", "问题清单", "单位", "自查", "", "草稿问题", "新的措施", "", "", "",
           draft.deadline.isoformat(), "否"]  # fmt: skip
    url, token = upload(client_for(cast.head_a), campaign, [row, line(1)])
    RectificationItem.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    response = client_for(cast.head_a).post(url, {"token": token})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.measures == "" and RectificationItem.objects.count() == 1


def test_double_confirm_files_once(cast, campaign, client_for, monkeypatch):
    url, token = upload(client_for(cast.head_a), campaign, [line(1), line(2)])
    client = client_for(cast.head_a)
    assert client.post(url, {"token": token}).status_code == 302
    again = client.post(url, {"token": token}, follow=True)
    assert again.status_code == 200
    assert RectificationItem.objects.filter(campaign=campaign).count() == 2


def test_the_same_file_previewed_twice_and_confirmed_twice_files_its_rows_once(
    cast, campaign, client_for
):
    # Two browsers: both previews were checked before either was confirmed. The repeats
    # are looked for again at confirmation, so the second leaves out what the first filed.
    rows = [line(1), line(2)]
    other = Client()
    other.force_login(cast.head_a)
    verify_session(other, cast.head_a)
    url, first = upload(client_for(cast.head_a), campaign, rows)
    _url, second = upload(other, campaign, rows)
    assert client_for(cast.head_a).post(url, {"token": first}).status_code == 302
    assert other.post(url, {"token": second}).status_code == 302
    problems = RectificationItem.objects.filter(campaign=campaign).values_list("problem", flat=True)
    assert sorted(problems) == ["问题1", "问题2"]


def test_rows_kept_for_another_file_are_not_trusted(cast, campaign):
    first = workbook([line(1)], HEADERS)
    other = workbook([line(2)], HEADERS)
    checked = ledger_preview(campaign=campaign, actor=cast.head_a, content=first).checked
    assert checked is not None and len(checked["new"]) == 1
    report = ledger_confirm(campaign=campaign, actor=cast.head_a, content=other, checked=checked)
    assert report.problems == [] and report.filed == 1
    assert list(RectificationItem.objects.values_list("problem", flat=True)) == ["问题2"]


def test_a_refused_preview_keeps_nothing(cast, campaign):
    content = workbook([line(1), line(2, unit="SLX-JYJ")], HEADERS)
    report = ledger_preview(campaign=campaign, actor=cast.head_a, content=content)
    assert report.problems and report.checked is None
