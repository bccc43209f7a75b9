"""The public front page, the product's name on the login page, and the error pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from assessments import services as assessment_services
from campaign import services as campaign_services
from tests.assessments.county import build_county
from tests.campaign.conftest import campaign_start

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PRODUCT = "作风建设管理平台"


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "no <title>"
    return match.group(1).strip()


def _entry_links(html: str) -> list[str]:
    """Every link inside the entries of the front page."""
    section = html[html.index('data-testid="public-entries"') :]
    section = section[: section.index('data-testid="front-staff-login"')]
    return re.findall(r'href="([^"]+)"', section)


@pytest.fixture
def public_county(cast):
    return build_public_county(cast)


def build_public_county(cast):
    """Published public results, a public circular and a survey open to everyone."""
    county = build_county(cast.officer)
    scheme = county["scheme"]
    assessment_services.scheme_compute(scheme_id=scheme.pk)
    scheme.refresh_from_db()
    assessment_services.scheme_publish(scheme=scheme, actor=cast.officer, public=True)
    campaign = campaign_start(cast)
    circular = campaign_services.circular_create(
        campaign=campaign,
        kind="progress",
        title="关于作风建设专项活动进展情况的通报",
        body="各单位：……",
        actor=cast.officer,
    )
    campaign_services.circular_publish(circular=circular, actor=cast.officer, is_public=True)
    next_year = assessment_services.scheme_create(
        year=2027, name="2027年度作风建设考核", actor=cast.officer
    )
    survey = assessment_services.survey_create(
        scheme=next_year,
        title="2027年度机关作风民主评议",
        units=[cast.dept_a, cast.dept_b],
        actor=cast.officer,
        open_mode=True,
    )
    assessment_services.survey_open(survey=survey, actor=cast.officer)
    return {"scheme": scheme, "circular": circular, "survey": survey}


def test_front_page_for_the_public_names_the_product_and_its_services(
    client, public_county, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "units/front.html"
    html = response.content.decode()
    assert _title(html) == PRODUCT
    for heading in ("投诉举报", "查询办理进度", "公开通报", "考核结果", "民主评议"):
        assert f">{heading}</h2>" in html, heading
    # Each app declares its entries (units.extensions), shown in the order they state.
    keys = [entry.key for entry in response.context["entries"]]
    assert keys == [
        "complaint",
        "track",
        "commitments",
        "reception",
        "circulars",
        "projects",
        "results",
        "survey",
    ]
    links = _entry_links(html)
    for expected in (
        reverse("complaints:public_submit"),
        reverse("complaints:public_track"),
        reverse("complaints:public_commitments"),
        reverse("complaints:public_reception_days"),
        reverse("campaign:public_circular_list"),
        reverse("campaign:public_circular_detail", args=[public_county["circular"].pk]),
        reverse("campaign:public_project_list"),
        reverse("assessments:public_results"),
        reverse("assessments:survey_open_vote", args=[public_county["survey"].pk]),
    ):
        assert expected in links, expected
    # A clear way in for staff, in the page and in the bar on top.
    assert f'href="{reverse("login")}" data-testid="front-staff-login">工作人员登录<' in html
    assert 'data-testid="staff-login">工作人员登录<' in html
    # Every entry opens for a visitor who is not signed in.
    for link in set(links):
        assert client.get(link).status_code == 200, link


def test_front_page_without_anything_published_says_so(client, cast):
    html = client.get("/").content.decode()
    assert "尚未公布考核结果" in html and "目前没有面向公众开放的民主评议" in html
    links = _entry_links(html)
    assert reverse("assessments:public_results") not in links
    assert reverse("complaints:public_submit") in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_signed_in_users_get_their_workspace_at_the_root(client_for, cast):
    for user in (cast.officer, cast.head_a, cast.evaluator):
        response = client_for(user).get("/")
        assert response.status_code == 302 and response["Location"] == reverse("units:workspace")


def test_login_page_and_admin_carry_the_product_name_not_the_host(client):
    html = client.get(reverse("login")).content.decode()
    assert _title(html) == f"登录 · {PRODUCT}"
    assert "testserver" not in html
    assert f'data-testid="product-name">{PRODUCT}<' in html
    assert "工作人员登录" in html and f'href="{reverse("home")}"' in html
    # No "staff login" button on the login page itself.
    assert 'data-testid="staff-login"' not in html
    admin = client.get(reverse("admin:login")).content.decode()
    assert PRODUCT in _title(admin) and "testserver" not in admin


def test_missing_page_is_the_chinese_404(client, client_for, cast):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert _title(html) == f"页面不存在 · {PRODUCT}"
    assert "页面不存在" in html and "返回首页" in html and "工作人员登录" in html
    signed_in = client_for(cast.head_a).get("/no-such-page/").content.decode()
    assert "返回工作台" in signed_in


def test_refusal_is_the_chinese_403(client_for, cast):
    # A user who may not create an assessment scheme: 403, in Chinese.
    response = client_for(cast.outsider).post(reverse("assessments:scheme_new"), {"year": 2030})
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权操作" in html and "返回工作台" in html and PRODUCT in _title(html)


def test_server_error_page_is_chinese_and_needs_nothing(cast):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert _title(html) == f"系统错误 · {PRODUCT}"
    assert "系统出现错误" in html and "返回首页" in html
    assert "vendor/bootstrap/bootstrap.min.css" in html


MAKE_RUN_CHECK = r"""
import django
from django.conf import settings
from django.test import Client

from config.environment import select_settings

select_settings()  # as manage.py does: ZUOFENG_ENV=development, which `make run` sets
django.setup()
client = Client(HTTP_HOST="127.0.0.1")
missing = client.get("/no-such-page/")
css = client.get("/static/css/zuofeng.css")
body = missing.content.decode()
print("DEBUG", settings.DEBUG)
print("MISSING", missing.status_code, "页面不存在" in body, "Technical" in body or "Page not found at" in body)
print("STATIC", css.status_code)
"""


def _run_dev_settings(tmp_path: Path, **extra: str) -> str:
    """A page under the settings `make run` uses (config.settings.dev), in its own process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZUOFENG_"))}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.update(
        {
            "ZUOFENG_ENV": "development",
            # A 404 for a visitor touches no table: an empty database proves it.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            **extra,
        }
    )
    env.pop("REDIS_URL", None)
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", MAKE_RUN_CHECK],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_settings_show_the_chinese_404_and_still_serve_static_files(tmp_path):
    out = _run_dev_settings(tmp_path)
    assert "DEBUG False" in out
    assert "MISSING 404 True False" in out
    assert "STATIC 200" in out


def test_a_developer_turns_debug_on_with_an_environment_variable(tmp_path):
    assert "DEBUG True" in _run_dev_settings(tmp_path, DJANGO_DEBUG="1")


def test_an_expired_form_is_explained_in_chinese(cast):
    response = Client(enforce_csrf_checks=True).post(reverse("complaints:public_submit"), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert _title(html) == f"页面已过期 · {PRODUCT}"
    assert "请返回并刷新页面后重新提交" in html and "返回首页" in html
