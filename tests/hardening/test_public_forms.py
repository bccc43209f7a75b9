"""Every form the public can send is rate-limited (shared cache) with a Chinese 429 page,
and every response carries the strict Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments import services as assessment_services
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# Anonymous POST targets and the setting holding each one's rate (None: a fixed rate).
RATE_LIMITED = {
    "login": "ZUOFENG_LOGIN_RATE",
    "admin:login": "ZUOFENG_LOGIN_RATE",
    "set_language": None,
    "complaints:public_submit": "COMPLAINTS_SUBMIT_RATE",
    "complaints:public_track": "COMPLAINTS_TRACK_RATE",
    "complaints:public_rate": "COMPLAINTS_TRACK_RATE",
    "assessments:survey_vote": "ASSESSMENTS_CODE_VOTE_RATE",
    "assessments:survey_open_vote": "ASSESSMENTS_OPEN_VOTE_RATE",
}
# Reachable anonymously but with nothing to send, or answered before any form is read.
NO_PUBLIC_FORM = {"logout", "home", "health_live", "health_db", "health_broker"}


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # the admin's only public form is its login, listed above
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def _sample_path(route: str) -> str:
    import re

    path = re.sub(r"<int:[^>]+>", "1", route)
    path = re.sub(r"<(?:str:|slug:)?[^>]+>", "X7", path)
    return "/" + path.lstrip("^").rstrip("$")


def test_every_anonymous_post_target_is_rate_limited(client):
    """Walk every URL: whatever an anonymous POST reaches (not login, 404 or 405) must be
    in RATE_LIMITED, so a new public form cannot appear without a limit."""
    public = set()
    for name, route in _patterns():
        response = client.post(_sample_path(route), {})
        location = response.get("Location", "")
        # 401: the integration API, which asks every caller for a key or a session first.
        if response.status_code in (401, 404, 405) or location.startswith(reverse("login")):
            continue
        public.add(name)
    unlimited = public - set(RATE_LIMITED) - NO_PUBLIC_FORM
    assert unlimited == set(), f"public POST targets without a rate limit: {unlimited}"
    assert {"complaints:public_submit", "complaints:public_track", "login"} <= public
    print(f"\nPublic POST targets found: {sorted(public)}; rate-limited: {len(RATE_LIMITED)}")


@pytest.fixture
def open_survey(cast):
    scheme = assessment_services.scheme_create(year=2026, name="2026年度考核", actor=cast.officer)
    survey = assessment_services.survey_create(
        scheme=scheme, title="民主评议", units=[cast.dept_a], actor=cast.officer, open_mode=True
    )
    return assessment_services.survey_open(survey=survey, actor=cast.officer)


@pytest.mark.parametrize("name", sorted(RATE_LIMITED))
def test_each_public_form_answers_429_in_chinese_over_its_limit(settings, cast, open_survey, name):
    limit = 3
    if RATE_LIMITED[name]:
        setattr(settings, RATE_LIMITED[name], f"{limit}/h")
    else:
        limit = 60
    kwargs = {
        "assessments:survey_vote": {"survey_pk": open_survey.pk, "code": "NOPE"},
        "assessments:survey_open_vote": {"survey_pk": open_survey.pk},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    data = (
        {"username": "head_a", "password": "wrong"} if "login" in name else {"language": "zh-hans"}
    )
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(limit):
        assert client.post(url, data).status_code != 429
    refused = client.post(url, data)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert any(text in body for text in ("过于频繁", "过多", "稍后")), body[:500]
    # Another address is not affected.
    assert Client(REMOTE_ADDR="198.51.100.21").post(url, data).status_code != 429


def test_login_rate_limit_keys_on_the_proxy_header(settings, cast):
    settings.ZUOFENG_LOGIN_RATE = "2/h"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    behind_proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        Client(**behind_proxy).post(
            reverse("login"), {"username": "x", "password": "y"}, HTTP_X_REAL_IP="203.0.113.1"
        )
    assert (
        Client(**behind_proxy)
        .post(reverse("login"), {"username": "x", "password": "y"}, HTTP_X_REAL_IP="203.0.113.1")
        .status_code
        == 429
    )
    ok = Client(**behind_proxy).post(
        reverse("login"), {"username": "head_a", "password": PASSWORD}, HTTP_X_REAL_IP="203.0.113.2"
    )
    assert ok.status_code == 302


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/complaints/submit/", "/complaints/track/", "/workspace/"]
)
def test_responses_carry_the_strict_csp(client_for, cast, url):
    client = client_for(cast.head_a)
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(
        [*part.split(" ", 1), ""][:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"


def test_no_template_has_inline_script_or_event_handler():
    import re
    from pathlib import Path

    from django.conf import settings as django_settings

    offenders = []
    for template in Path(django_settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"\son[a-z]+\s*=\s*[\"']", text
        ):
            offenders.append(str(template))
        if "javascript:" in text:
            offenders.append(str(template))
    assert offenders == []
