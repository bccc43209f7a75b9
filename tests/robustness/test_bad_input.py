"""The bad-input corpus through the real HTTP views, as the people who would send it.

Every input must get a clear Chinese error (the text is asserted), a 4xx (never a 5xx),
and save nothing: the row count of every table of the four apps is the same afterwards.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from complaints import forms as complaint_forms
from tests.assessments.county import build_county
from tests.robustness.corpus import make_corpus

CORPUS = Path(__file__).resolve().parent / "corpus"
IMPORTERS = ["hotline", "ledger", "scores", "units", "people", "responsibilities"]
EXCEL_CASES = ["wrong_headers", "merged_cells", "formulas", "dates_as_text", "unknown_unit"]
SHARED_CASES = ["not_excel", "empty", "zip_bomb", "rows_100k"]
# A zip bomb must be refused before it is inflated, not after minutes of parsing.
BOMB_SECONDS = 10


def expand(value):
    return value[0] * value[1] if isinstance(value, list) else value


TEXT = {k: expand(v) for k, v in json.loads((CORPUS / "text.json").read_text()).items()}
CODES = {
    kind: [expand(v) for v in values]
    for kind, values in json.loads((CORPUS / "codes.json").read_text()).items()
}

# What a clerk reads when their sheet is refused (the Chinese of the importers' messages).
EXCEL_ERRORS = [
    "不是 Excel 工作簿",
    "无法读取该文件",
    "请上传 Excel",
    "文件为空",
    "缺少列",
    "缺少必需的列",
    "未知单位",
    "未知的单位编码",
    "格式不正确",
    "不是有效的日期",
    "没有数据行",
    "解压后超过",
    "行，请拆分",
    "未保存任何数据",
    "未导入任何数据",
    "不在您的考评范围内",
    "不是数字",
    "不是本方案的考核指标",
    "找不到",
    "日期",
    "提交的文件为空",
    "空文件",
    "过大",
    "不能以",
    "公式",
]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # These tests are about what the forms accept, not how often: hundreds of posts from
    # one address would otherwise meet the (separately tested) rate limits.
    settings.RATELIMIT_ENABLE = False


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in ("units", "campaign", "complaints", "assessments")
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in ("units.Notification",)
    }


def upload(name: str, data: bytes) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


@pytest.fixture(scope="session")
def big_workbooks(tmp_path_factory) -> dict[str, Path]:
    """The 100,000-row files, built once per run (see make_corpus.py for why)."""
    folder = tmp_path_factory.mktemp("rows")
    paths = {}
    for importer in IMPORTERS:
        paths[importer] = folder / f"{importer}.xlsx"
        paths[importer].write_bytes(make_corpus.rows_workbook(importer))
    return paths


def excel_bytes(importer: str, case: str, big_workbooks) -> bytes:
    if case == "rows_100k":
        return big_workbooks[importer].read_bytes()
    if case in SHARED_CASES:
        return (CORPUS / "excel" / f"{case}.xlsx").read_bytes()
    return (CORPUS / "excel" / importer / f"{case}.xlsx").read_bytes()


@pytest.fixture
def importers(cast, campaign, login):
    """For each importer: who posts, where, and the form fields beside the file."""
    county = build_county(cast.officer)
    from assessments import services as assessment_services

    assessment_services.evaluation_assign(
        scheme=county["scheme"],
        evaluator=cast.evaluator,
        units=[county["units"]["U1"], county["units"]["U2"]],
        actor=None,
    )
    return {
        "hotline": (cast.officer, reverse("complaints:import"), "file", {"confirm": "1"}),
        "ledger": (cast.head_a, reverse("campaign:ledger_import", args=[campaign.pk]), "file", {}),
        "scores": (
            cast.evaluator,
            reverse("assessments:evaluation_import", args=[county["scheme"].pk]),
            "file",
            {},
        ),
        **{
            importer: (
                cast.officer,
                reverse(f"admin:units_{model}_import"),
                "import_file",
                {"format": "0", "resource": "0"},
            )
            for importer, model in (
                ("units", "unit"),
                ("people", "person"),
                ("responsibilities", "responsibility"),
            )
        },
    }


def error_texts(html: str) -> list[str]:
    """The texts of the page's error boxes (for the failure message)."""
    import re

    found = re.findall(
        r'class="[^"]*(?:errorlist|invalid-feedback|alert|errornote|text-danger)[^"]*"[^>]*>(.*?)</',
        html,
        flags=re.S,
    )
    return [re.sub(r"\s+", " ", t).strip()[:200] for t in found if t.strip()]


def assert_refused(response, fragments, before, what) -> str:
    text = response.content.decode("utf-8", "replace")
    assert 400 <= response.status_code < 500, f"{what}: HTTP {response.status_code}"
    assert any(f in text for f in fragments), f"{what}: no Chinese error in {error_texts(text)}"
    assert row_counts() == before, f"{what}: something was saved"
    return text


@pytest.mark.parametrize("importer", IMPORTERS)
def test_hostile_workbooks(importer, importers, login, big_workbooks, robust_counts, settings):
    user, url, field, extra = importers[importer]
    client = login(user)
    for case in EXCEL_CASES + SHARED_CASES:
        data = excel_bytes(importer, case, big_workbooks)
        before = row_counts()
        started = time.monotonic()
        response = client.post(url, {field: upload(f"{case}.xlsx", data), **extra})
        if case == "zip_bomb":
            assert time.monotonic() - started < BOMB_SECONDS, "the zip bomb was inflated"
        assert_refused(response, EXCEL_ERRORS, before, f"{importer}/{case}")
        robust_counts["bad_inputs"] += 1


def test_uploads_with_lying_extensions(cast, make_item, login, robust_counts):
    """A program or a web page named .jpg/.pdf: complaint attachments, evidence, submissions."""
    from campaign.models import RectificationItem

    item = make_item(RectificationItem.Status.IN_PROGRESS)
    refused = ["不接受此类文件", "不是允许的文件类型", "文件内容与扩展名不符"]
    files = sorted((CORPUS / "uploads").iterdir())
    anonymous_form = {
        "title": "附件测试",
        "content": "附件内容",
        "website": "",
    }
    for path in files:
        # The public complaint form.
        public = Client()
        before = row_counts()
        response = public.post(
            reverse("complaints:public_submit"),
            {
                **anonymous_form,
                "token": complaint_forms.form_token(issued_at=time.time() - 60),
                "attachments": upload(path.name, path.read_bytes()),
            },
        )
        assert_refused(response, refused, before, f"complaint attachment {path.name}")
        # Closure evidence of a rectification item, by the unit head.
        unit = login(cast.head_a)
        before = row_counts()
        response = unit.post(
            reverse("campaign:item_action", args=[item.pk, "request_closure"]),
            {"evidence": "已整改", "attachment": upload(path.name, path.read_bytes())},
        )
        assert_refused(response, refused, before, f"closure evidence {path.name}")
        robust_counts["bad_inputs"] += 2


PUBLIC_FIELDS = ["title", "content", "subject_person", "name", "phone", "id_number", "contact"]
FIELD_ERRORS = [
    "不超过",
    "不能超过",
    "最多",
    "不允许",
    "空字符",
    "请输入有效",
    "身份证号码",
    "控制字符或不可见字符",
    "这个字段是必填项",
    "必填",
]


def test_hostile_text_in_every_public_field(cast, client, robust_counts):
    for field in PUBLIC_FIELDS:
        for name, value in TEXT.items():
            data = {
                "title": "窗口办事拖延",
                "content": "办理业务时被推诿。",
                "website": "",
                "token": complaint_forms.form_token(issued_at=time.time() - 60),
                field: value,
            }
            before = row_counts()
            response = client.post(reverse("complaints:public_submit"), data)
            if response.status_code == 302:
                pytest.fail(f"{field}={name} was accepted; each corpus string must be refused")
            assert_refused(response, FIELD_ERRORS, before, f"public form {field}={name}")
            robust_counts["bad_inputs"] += 1
    # The comment of the public rating, and the tracking code itself.
    for name, value in TEXT.items():
        before = row_counts()
        response = client.post(
            reverse("complaints:public_rate"),
            {"code": "0000000000000000", "satisfaction": "satisfied", "comment": value},
        )
        assert response.status_code in (400, 404), (name, response.status_code)
        assert row_counts() == before
        assert "找不到" in response.content.decode() or "不存在" in response.content.decode()
        robust_counts["bad_inputs"] += 1


def test_forged_tracking_codes_and_rater_tokens(cast, client, settings, robust_counts):
    settings.COMPLAINTS_TRACK_RATE = "10000/h"
    settings.ASSESSMENTS_CODE_VOTE_RATE = "10000/h"
    county = build_county(cast.officer)
    survey = county["survey"]
    for code in CODES["tracking"]:
        before = row_counts()
        response = client.post(reverse("complaints:public_track"), {"code": code})
        assert_refused(
            response,
            ["没有找到该查询码对应的投诉", "不能超过", "空字符"],
            before,
            f"tracking code {code[:40]!r}",
        )
        robust_counts["bad_inputs"] += 1
    for code in CODES["rater"]:
        before = row_counts()
        path = f"/assessments/survey/{survey.pk}/{code}/"
        for method in (client.get, client.post):
            response = method(path)
            assert_refused(
                response,
                ["评议码无效", "找不到", "页面不存在", "不存在"],
                before,
                f"rater token {code[:40]!r}",
            )
        robust_counts["bad_inputs"] += 1
