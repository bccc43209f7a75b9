"""Clicking 确认导入 twice files the scores once: the staged upload is claimed atomically,
and the second click is shown the finished import (a redirect with a message), not a 404
or a second write."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import Workbook

from assessments import excel, services
from assessments.models import Evaluation, EvaluationAssignment
from tests.assessments.county import build_county
from units.excel.staging import Staged

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def open_county(cast):
    data = build_county(cast.officer)
    services.evaluation_assign(
        scheme=data["scheme"],
        evaluator=cast.evaluator,
        units=[data["units"]["U1"], data["units"]["U2"]],
        actor=None,
    )
    return data


def _sheet(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["某县作风建设考核　组织考评打分表"])  # the template's title row stays
    sheet.append(["单位编码", "单位名称", "考核指标", "得分", "备注"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "scores.xlsx"
    return out


ROWS = [["T-U1", "", "重点工作", 90, "好"], ["T-U2", "", "活动成果", 45.5, ""]]


def _preview(client, scheme):
    url = reverse("assessments:evaluation_import", args=[scheme.pk])
    preview = client.post(url, {"file": _sheet(ROWS)})
    assert preview.status_code == 200
    return url, preview.context["token"]


def _messages(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def _scores(evaluator) -> set[tuple[str, Decimal]]:
    return set(
        Evaluation.objects.filter(evaluator=evaluator).values_list("indicator__name", "score")
    )


def test_the_same_token_posted_twice_writes_once(client_for, open_county, cast):
    scheme = open_county["scheme"]
    client = client_for(cast.evaluator)
    url, token = _preview(client, scheme)
    home = reverse("assessments:evaluation_home", args=[scheme.pk])

    first = client.post(url, {"confirm": "1", "token": token})

    assert first.status_code == 302 and first["Location"] == home
    assert _scores(cast.evaluator) == {
        ("重点工作", Decimal("90.00")),
        ("活动成果", Decimal("45.50")),
    }
    written = dict(Evaluation.objects.values_list("pk", "updated_at"))
    # Between the clicks the evaluator corrects a score by hand: a second write would undo it.
    key_work = open_county["scheme"].indicators.get(name="重点工作")
    services.evaluations_record(
        scheme=scheme,
        evaluator=cast.evaluator,
        scores=[(open_county["units"]["U1"], key_work, Decimal("88"), "改")],
    )
    corrected = Evaluation.objects.get(indicator=key_work, evaluator=cast.evaluator)

    second = client.post(url, {"confirm": "1", "token": token})

    assert second.status_code == 302 and second["Location"] == home
    *_first, (level, text) = _messages(second)  # the first click's message is still queued
    done = Staged(excel.STAGING_FOLDER, token).done()
    assert done["count"] == 2
    assert level == messages.INFO
    assert text == gettext(
        "This file was already imported at %(time)s: %(count)s scores. Nothing was written again."
    ) % {"time": done["at"], "count": 2}
    assert Evaluation.objects.get(pk=corrected.pk).score == Decimal("88.00")
    others = {pk: at for pk, at in written.items() if pk != corrected.pk}
    assert {
        pk: at for pk, at in Evaluation.objects.values_list("pk", "updated_at") if pk in others
    } == others  # not written again
    # The back button to the preview shows the finished import too.
    back = client.get(url, {"token": token})
    assert back.status_code == 302 and back["Location"] == home


def test_a_confirmation_while_another_is_filing_writes_nothing(client_for, open_county, cast):
    scheme = open_county["scheme"]
    client = client_for(cast.evaluator)
    url, token = _preview(client, scheme)
    # Another request (a double click, a second tab) has claimed the upload and is filing it.
    assert Staged(excel.STAGING_FOLDER, token).claim() is not None

    response = client.post(url, {"confirm": "1", "token": token})

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:evaluation_home", args=[scheme.pk])
    assert _messages(response) == [
        (messages.INFO, gettext("This file is being imported; the scores show shortly."))
    ]
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()


def test_a_change_since_the_preview_refuses_and_nothing_is_written(client_for, open_county, cast):
    scheme = open_county["scheme"]
    client = client_for(cast.evaluator)
    url, token = _preview(client, scheme)
    # Meanwhile the officer takes U2 off the evaluator's list: its row may no longer be filed.
    services.evaluation_assignments_remove(
        scheme=scheme,
        assignment_ids=EvaluationAssignment.objects.filter(
            scheme=scheme, evaluator=cast.evaluator, unit=open_county["units"]["U2"]
        ).values_list("pk", flat=True),
        actor=cast.officer,
    )

    refused = client.post(url, {"confirm": "1", "token": token})

    assert refused.status_code == 400
    assert 'data-testid="import-errors"' in refused.content.decode()
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()
    again = client.post(url, {"confirm": "1", "token": token})
    assert again.status_code == 302  # expired: upload the file again
    assert again["Location"] == url
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()


def test_the_preview_is_paged_and_a_foreign_token_is_not_found(
    client_for, open_county, cast, monkeypatch
):
    from assessments.views import evaluations

    monkeypatch.setattr(evaluations, "PREVIEW_PAGE", 1)
    scheme = open_county["scheme"]
    client = client_for(cast.evaluator)
    url, token = _preview(client, scheme)

    second_page = client.get(url, {"token": token, "page": 2})

    assert second_page.status_code == 200
    text = second_page.content.decode()
    assert text.count('data-testid="preview-row"') == 1 and "45.5" in text
    assert not Evaluation.objects.filter(evaluator=cast.evaluator).exists()
    assert client_for(cast.officer).get(url, {"token": token}).status_code == 404
    assert client.post(url, {"confirm": "1", "token": "0" * 32}).status_code == 404
