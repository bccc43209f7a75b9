"""The fixed cast every test uses, built with the real services.

示例县 (root) ├─ 县市场监督管理局 (dept_a, head_a) ─ 办公室 (division_a)
            ├─ 县教育局 (dept_b, head_b)
            └─ 城关镇 (township)

township_officer is inspection staff confined to a subtree (manage.py create_subtree_officer):
their jurisdiction is dept_a's subtree, standing in for a township's, so that the objects the
authorization world builds on the sibling units (dept_a, dept_b) fall inside and outside it.

custodian is county-wide inspection staff who also holds the identity custodian role
(身份信息保管人): the second officer who approves the officer's requests to see a
complainant's identity.
"""

from __future__ import annotations

import datetime
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.permissions import CUSTODIANS
from tests.factories import PASSWORD, UserFactory, make_person_with_login, make_unit
from tests.otp import BROWSER_TIMEOUT_MS, verify_session
from units import roles, services
from units.models import AssessmentGroup, Responsibility, Supervisor, Unit
from units.supervisors import supervisor_appoint

IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass
class Cast:
    root: Unit
    dept_a: Unit
    division_a: Unit
    dept_b: Unit
    township: Unit
    officer: object
    leader: object
    head_a: object
    head_b: object
    in_charge: object
    evaluator: object
    outsider: object
    township_officer: object
    custodian: object
    # 特邀监督员 (人大代表) watching dept_a only, appointed by the officer for 2026–2030: holds
    # no unit grant, so every existing case treats them as an outsider.
    supervisor: object

    @property
    def password(self) -> str:
        return PASSWORD


def build_cast() -> Cast:
    """Build the cast; callers provide database access (fixtures of any scope use it)."""
    start = datetime.date(2026, 1, 1)
    admin_group = AssessmentGroup.objects.create(name="综合管理部门", sort_order=1)
    law_group = AssessmentGroup.objects.create(name="执法监管部门", sort_order=2)
    township_group = AssessmentGroup.objects.create(name="乡镇", sort_order=4)
    root = make_unit("示例县", kind=Unit.Kind.COUNTY, code="SLX")
    dept_a = make_unit("县市场监督管理局", parent=root, code="SLX-SCJ", group=law_group)
    division_a = make_unit(
        "县市场监督管理局办公室", parent=dept_a, kind=Unit.Kind.DIVISION, code="SLX-SCJ-BGS"
    )
    dept_b = make_unit("县教育局", parent=root, code="SLX-JYJ", group=admin_group)
    township = make_unit(
        "城关镇", parent=root, kind=Unit.Kind.TOWNSHIP, code="SLX-CGZ", group=township_group
    )

    _, officer = make_person_with_login(
        "王纪检", "officer", title="纪委副书记", is_staff=True, groups=[roles.INSPECTION_STAFF]
    )
    _, leader = make_person_with_login("李领导", "leader", title="县长", groups=[roles.LEADERSHIP])
    person_a, head_a = make_person_with_login("赵局长", "head_a", title="局长")
    person_b, head_b = make_person_with_login("钱局长", "head_b", title="局长")
    person_c, in_charge = make_person_with_login("孙副县长", "in_charge", title="副县长")
    _, evaluator = make_person_with_login("周考评", "evaluator", groups=[roles.EVALUATOR])
    outsider = UserFactory(username="outsider")
    _, custodian = make_person_with_login(
        "郑保管",
        "custodian",
        title="纪委常委",
        is_staff=True,
        groups=[roles.INSPECTION_STAFF, CUSTODIANS],
    )
    township_officer, _ = services.subtree_officer_setup(
        username="township_officer",
        unit=dept_a,
        name="吴辖区",
        email="township_officer@example.gov.cn",
    )
    township_officer.set_password(PASSWORD)
    township_officer.save(update_fields=["password"])

    supervisor = supervisor_appoint(
        actor=officer,
        username="supervisor",
        password="Supervisor-2026-pass!",
        name="冯监督",
        category=Supervisor.Category.SPECIAL,
        standing=Supervisor.Standing.PEOPLES_DEPUTY,
        term_start=start,
        term_end=datetime.date(2030, 12, 31),
        units=[dept_a],
        workplace="县人大代表",
    ).user
    supervisor.set_password(PASSWORD)
    supervisor.save(update_fields=["password"])

    first = Responsibility.Role.FIRST_RESPONSIBLE
    services.responsibility_assign(person=person_a, unit=dept_a, role=first, start_date=start)
    services.responsibility_assign(person=person_b, unit=dept_b, role=first, start_date=start)
    services.responsibility_assign(
        person=person_c, unit=dept_a, role=Responsibility.Role.LEADER_IN_CHARGE, start_date=start
    )
    for user in (
        officer,
        leader,
        head_a,
        head_b,
        in_charge,
        evaluator,
        outsider,
        township_officer,
        custodian,
        supervisor,
    ):
        user.refresh_from_db()
    return Cast(
        root=root,
        dept_a=dept_a,
        division_a=division_a,
        dept_b=dept_b,
        township=township,
        officer=officer,
        leader=leader,
        head_a=head_a,
        head_b=head_b,
        in_charge=in_charge,
        evaluator=evaluator,
        outsider=outsider,
        township_officer=township_officer,
        custodian=custodian,
        supervisor=supervisor,
    )


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def client_for(client):
    """Log a cast member in and return the test client."""

    def login(user) -> Client:
        client.force_login(user)
        # Staff must pass two-factor login: mark the session verified as django_otp.login does.
        verify_session(client, user)
        return client

    return login


@pytest.fixture(autouse=True)
def _clear_cache():
    # The cache may be a shared Redis: nothing (rate limits, sessions) leaks between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in English (the language switcher) leaves English active in the test's
    # thread; text a service writes in the next test (notice titles) must not inherit it.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# --- Browser tests ----------------------------------------------------------------------

CHROMIUM = os.environ.get("ZUOFENG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}: browser tests must run.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium on Linux takes its interface language (file inputs, date pickers) from
        # the environment, not from the page's locale: Chinese, as a Chinese user's browser.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    # Waits end when the page shows what they wait for; the long ceiling is for busy machines.
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def output_dir(request) -> Path:
    """test-results/<test name>/ for screenshots a person can look at."""
    root = Path(__file__).resolve().parent.parent / "test-results"
    folder = root / request.node.name.replace("[", "_").replace("]", "")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _migrated_data(request):
    """Transactional tests end with a flush, which empties what data migrations created
    (role groups, grants, catalogues, schedules). Put it back before each such test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("_django_db_helper")
        from tests.bootstrap import ensure_migrated_data

        ensure_migrated_data()
