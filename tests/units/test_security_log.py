"""The security log (安全日志): what writes it, and inspection staff reading and exporting it
in the admin."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.otp import fresh_code, totp_device, verify_session
from units import services
from units.models import SecurityEvent
from units.security_log import security_event

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
LOG = "/admin/units/securityevent/"


def sign_in(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def events(kind: str) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind).order_by("pk"))


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    verify_session(client, user)
    return client


# --- What is logged -------------------------------------------------------------------------


def test_a_sign_in_is_logged_with_the_account_and_address(client, cast):
    assert sign_in(client, "head_a", PASSWORD).status_code == 302
    (event,) = events(Kind.LOGIN)
    assert (event.user, event.username, event.ip) == (cast.head_a, "head_a", "203.0.113.7")
    assert event.path == reverse("login")


def test_a_failed_sign_in_is_logged_with_the_username_as_typed(client, cast):
    sign_in(client, "nobody-here", "guess")
    sign_in(client, "head_a", "wrong")
    failed = events(Kind.LOGIN_FAILED)
    assert [(e.username, e.user, e.ip) for e in failed] == [
        ("nobody-here", None, "203.0.113.7"),
        ("head_a", None, "203.0.113.7"),
    ]
    assert "password" not in failed[0].detail.lower()


def test_a_lockout_is_logged(client, cast):
    for _ in range(5):
        sign_in(client, "head_b", "wrong")
    (lockout,) = events(Kind.LOCKOUT)
    assert (lockout.username, lockout.ip) == ("head_b", "203.0.113.7")
    # Each try while locked out is logged again.
    assert sign_in(client, "head_b", PASSWORD).status_code == 429
    assert len(events(Kind.LOCKOUT)) == 2


def test_a_wrong_two_factor_code_is_logged(client, cast):
    totp_device(cast.officer)
    sign_in(client, "officer", PASSWORD)
    response = client.post("/accounts/2fa/", {"token": "12345x"})
    assert response.status_code == 400
    (event,) = events(Kind.TWO_FACTOR_FAILED)
    assert event.user == cast.officer and event.path == "/accounts/2fa/"
    totp_device(cast.officer).throttle_reset()
    assert client.post("/accounts/2fa/", {"token": fresh_code(cast.officer)}).status_code == 302
    assert len(events(Kind.TWO_FACTOR_FAILED)) == 1


def test_a_refusal_is_logged_and_an_outsiders_404_is_not(cast):
    township = staff_client(cast.township_officer)
    assert township.get(LOG).status_code == 403
    (event,) = events(Kind.PERMISSION_DENIED)
    assert (event.user, event.path, event.detail) == (cast.township_officer, LOG, "GET")
    outsider = staff_client(cast.head_b)
    assert outsider.get("/complaints/999999/").status_code == 404
    assert len(events(Kind.PERMISSION_DENIED)) == 1


def test_ending_sessions_is_logged_with_who_ended_them(cast):
    services.user_deactivate(user=cast.head_a, actor=cast.officer)
    (event,) = events(Kind.SESSION_ENDED)
    assert event.user == cast.head_a and "officer" in event.detail


def test_the_kinds_other_apps_write_exist_and_nothing_else_is_accepted(cast):
    event = security_event(kind="identity_request", user=cast.officer, detail="TS-1 · 核实")
    assert event.get_kind_display() and event.username == "officer"
    with pytest.raises(ValueError, match="unknown"):
        security_event(kind="made_up")


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def logged(cast):
    for who, kind, ip in [
        (cast.head_a, Kind.LOGIN, "198.51.100.1"),
        (None, Kind.LOGIN_FAILED, "198.51.100.2"),
        (cast.head_b, Kind.PERMISSION_DENIED, "198.51.100.3"),
        (None, Kind.LOGIN_FAILED, "198.51.100.4"),
    ]:
        security_event(kind=kind, user=who, ip=ip, username="" if who else "=cmd|' /C calc'!A0")
    return cast


def test_inspection_staff_read_filter_and_search_the_log(logged, django_assert_max_num_queries):
    officer = staff_client(logged.officer)
    with django_assert_max_num_queries(25):
        page = officer.get(LOG)
    assert page.status_code == 200
    assert page.context["cl"].result_count == 5  # and the officer's own sign-in
    by_kind = officer.get(LOG, {"kind__exact": Kind.LOGIN_FAILED})
    assert by_kind.context["cl"].result_count == 2
    by_user = officer.get(LOG, {"user__id__exact": logged.head_b.pk})
    assert [e.ip for e in by_user.context["cl"].result_list] == ["198.51.100.3"]
    today = logged.head_a.date_joined
    by_date = officer.get(LOG, {"at__year": today.year})
    assert by_date.status_code == 200
    by_ip = officer.get(LOG, {"q": "198.51.100.1"})
    assert by_ip.context["cl"].result_count == 1
    by_name = officer.get(LOG, {"q": "head_b"})
    assert by_name.context["cl"].result_count == 1


def test_the_log_is_read_only(logged):
    officer = staff_client(logged.officer)
    event = SecurityEvent.objects.first()
    assert officer.get(LOG + "add/").status_code == 403
    assert officer.post(f"{LOG}{event.pk}/change/", {"detail": "x"}).status_code == 403
    assert officer.post(f"{LOG}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk, detail="").exists()


def test_inspection_staff_export_the_log_to_excel_with_chinese_columns(logged):
    officer = staff_client(logged.officer)
    response = officer.post(
        f"{LOG}export/?kind__exact={Kind.LOGIN_FAILED}",
        {"format": "0", "resource": "0", "securityeventresource_at": "on"},
    )
    assert response.status_code == 200, response.content[:500]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "安全日志（导出日期：" in rows[0][0]  # the title row, as every office export
    assert rows[1] == ("时间", "事件", "账号", "登录名（所输入）", "IP地址", "访问地址", "详情")
    assert len(rows) == 4  # the filter holds in the export
    # What a stranger typed as a username cannot run as a formula in Excel.
    assert all(not str(row[3]).startswith("=") for row in rows[2:])


def test_officers_confined_to_a_township_and_unit_heads_cannot_read_the_log(logged):
    assert staff_client(logged.township_officer).get(LOG).status_code == 403
    head = Client()
    head.force_login(logged.head_a)
    assert head.get(LOG).status_code == 302  # not staff: the admin's login page
