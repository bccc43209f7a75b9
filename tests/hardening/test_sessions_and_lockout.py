"""Login lockout (django-axes) and the 30-minute idle limit for staff."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.otp import fresh_code, totp_device
from units.security import LAST_ACTIVITY_SESSION_KEY

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_five_failures_lock_the_username_on_that_address_with_a_chinese_message(client, cast):
    for _ in range(4):
        response = attempt(client, "head_a", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    locked = attempt(client, "head_a", "wrong-password")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "30 分钟" in locked.content.decode()
    # Even the right password is refused while locked ...
    right = attempt(client, "head_a", PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # ... but the same person from another address, and others here, are not locked out.
    assert attempt(Client(), "head_a", PASSWORD, ip="198.51.100.9").status_code == 302
    assert attempt(Client(), "head_b", PASSWORD).status_code == 302


def test_lockout_lives_in_the_database_so_every_process_sees_it(client, cast):
    for _ in range(5):
        attempt(client, "head_a", "nope")
    row = AccessAttempt.objects.get(username="head_a")
    assert row.ip_address == "203.0.113.7" and row.failures_since_start >= 5
    # Officers unlock in the admin: deleting the attempt lifts the lockout.
    officer = Client()
    officer.force_login(cast.officer)
    from tests.otp import verify_session

    verify_session(officer, cast.officer)
    changelist = officer.get("/admin/axes/accessattempt/")
    assert changelist.status_code == 200 and "head_a" in changelist.content.decode()
    officer.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert not AccessAttempt.objects.filter(pk=row.pk).exists()
    assert attempt(client, "head_a", PASSWORD).status_code == 302


def test_lockout_keys_on_the_proxy_client_address_header(client, cast, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "head_a", "password": "bad"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="203.0.113.50",
        )
    assert AccessAttempt.objects.get(username="head_a").ip_address == "203.0.113.50"
    # Another client behind the same proxy is not locked out.
    other = Client().post(
        reverse("login"),
        {"username": "head_a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="203.0.113.51",
    )
    assert other.status_code == 302


def _staff_logged_in(cast) -> Client:
    client = Client()
    totp_device(cast.officer)
    client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    client.post("/accounts/2fa/", {"token": fresh_code(cast.officer)})
    assert client.get(reverse("units:workspace")).status_code == 200
    return client


def _age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - seconds
    session.save()


def test_staff_idle_for_30_minutes_are_signed_out_with_a_chinese_message(cast):
    client = _staff_logged_in(cast)
    assert client.session.get_expiry_age() <= 30 * 60
    _age_session(client, 29 * 60)
    assert client.get(reverse("units:workspace")).status_code == 200
    _age_session(client, 31 * 60)
    response = client.get(reverse("units:workspace"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert "30 分钟未操作" in response.content.decode()


def test_activity_keeps_staff_signed_in(cast):
    client = _staff_logged_in(cast)
    _age_session(client, 25 * 60)
    client.get(reverse("units:workspace"))
    assert time.time() - client.session[LAST_ACTIVITY_SESSION_KEY] < 5
    assert client.get(reverse("units:workspace")).status_code == 200


def test_non_staff_keep_the_normal_session_age(client, cast, settings):
    client.post(reverse("login"), {"username": "head_a", "password": PASSWORD})
    assert LAST_ACTIVITY_SESSION_KEY not in client.session
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - 3 * 3600
    session.save()
    assert client.get(reverse("units:workspace")).status_code == 200


# --- Sessions that end when they should (issue 13) ---------------------------------------

ENDED = "您的登录已失效，请重新登录。"


def _signed_in(username: str) -> Client:
    client = Client()
    assert (
        client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    assert client.get(reverse("units:workspace")).status_code == 200
    return client


def _superuser_client() -> tuple[Client, object]:
    from tests.factories import UserFactory
    from tests.otp import verify_session

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    verify_session(client, root)
    return client, root


def _lands_on_login(client: Client, path: str):
    response = client.get(path, follow=True)
    assert response.redirect_chain, f"{path} answered without sending the user to sign in"
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    return response


def _user_change_data(user, **changes) -> dict:
    """The admin's user change form as the browser would post it, with `changes`."""
    from django.utils import timezone

    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "user_permissions": [],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_deactivating_a_signed_in_user_ends_their_session_on_the_next_request(cast):
    from units import services
    from units.models import SessionEnd

    client = _signed_in("head_a")
    services.user_deactivate(user=cast.head_a, actor=cast.officer)

    response = _lands_on_login(client, reverse("units:workspace"))
    assert ENDED in response.content.decode()
    record = SessionEnd.objects.get(user=cast.head_a)
    assert (record.reason, record.actor) == (SessionEnd.Reason.DEACTIVATED, cast.officer)
    # ... and the account cannot sign in again.
    again = client.post(reverse("login"), {"username": "head_a", "password": PASSWORD})
    assert again.status_code == 200 and "_auth_user_id" not in client.session


def test_an_account_deactivated_behind_the_services_back_is_still_refused(cast):
    # Django's ModelBackend.get_user refuses inactive accounts: the session turns anonymous,
    # and the middleware ends it with the same message rather than a bare redirect.
    from django.contrib.auth import get_user_model

    client = _signed_in("head_a")
    get_user_model().objects.filter(pk=cast.head_a.pk).update(is_active=False)
    assert ENDED in _lands_on_login(client, reverse("units:workspace")).content.decode()


def test_deactivating_staff_in_the_admin_ends_their_admin_session(cast):
    from units.models import SessionEnd

    officer = _staff_logged_in(cast)
    assert officer.get("/admin/").status_code == 200
    root_client, root = _superuser_client()

    url = reverse("admin:auth_user_change", args=[cast.officer.pk])
    response = root_client.post(url, _user_change_data(cast.officer, is_active=""))

    assert response.status_code == 302, response.context["adminform"].form.errors
    cast.officer.refresh_from_db()
    assert not cast.officer.is_active
    response = _lands_on_login(officer, "/admin/")
    assert ENDED in response.content.decode()
    assert SessionEnd.objects.get(user=cast.officer).actor == root


def test_removing_a_role_group_in_the_admin_ends_the_session(cast):
    from units.models import SessionEnd

    client = _signed_in("evaluator")
    root_client, _root = _superuser_client()
    url = reverse("admin:auth_user_change", args=[cast.evaluator.pk])
    unchanged = root_client.post(url, _user_change_data(cast.evaluator, first_name="周考评员"))
    assert unchanged.status_code == 302
    assert client.get(reverse("units:workspace")).status_code == 200  # a rename ends nothing

    root_client.post(url, _user_change_data(cast.evaluator, groups=[]))

    assert not cast.evaluator.groups.exists()
    assert ENDED in _lands_on_login(client, reverse("units:workspace")).content.decode()
    assert SessionEnd.objects.get(user=cast.evaluator).reason == SessionEnd.Reason.ROLE_REMOVED


def test_ending_the_last_responsibility_ends_the_session(cast):
    from units import services
    from units.models import Responsibility, SessionEnd

    person = cast.head_a.person
    liaison = services.responsibility_assign(
        person=person, unit=cast.dept_a, role=Responsibility.Role.LIAISON
    )
    client = _signed_in("head_a")
    first = Responsibility.objects.get(person=person, role=Responsibility.Role.FIRST_RESPONSIBLE)

    services.responsibility_end(responsibility=first, actor=cast.officer)
    assert client.get(reverse("units:workspace")).status_code == 200  # still a unit head

    services.responsibility_end(responsibility=liaison, actor=cast.officer)
    assert ENDED in _lands_on_login(client, reverse("units:workspace")).content.decode()
    record = SessionEnd.objects.get(user=cast.head_a)
    assert (record.reason, record.actor) == (
        SessionEnd.Reason.RESPONSIBILITY_ENDED,
        cast.officer,
    )
    # Signing in again works, with what the account holds now.
    assert _signed_in("head_a").get(reverse("units:workspace")).status_code == 200


def test_a_superuser_ends_any_users_sessions_from_the_admin(cast):
    from units.models import SessionEnd

    head_a, head_b = _signed_in("head_a"), _signed_in("head_b")
    root_client, root = _superuser_client()

    # The list action ...
    response = root_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "end_sessions", "_selected_action": [cast.head_a.pk]},
        follow=True,
    )
    assert "已结束会话：head_a" in response.content.decode()
    assert ENDED in _lands_on_login(head_a, reverse("units:workspace")).content.decode()
    assert head_b.get(reverse("units:workspace")).status_code == 200

    # ... and the button on the account's page.
    page = root_client.get(reverse("admin:auth_user_change", args=[cast.head_b.pk]))
    assert "结束该用户的全部会话" in page.content.decode()
    button = reverse("admin:auth_user_end_sessions", args=[cast.head_b.pk])
    assert root_client.get(button).status_code == 405
    response = root_client.post(button, follow=True)
    assert "已结束 head_b 的全部会话" in response.content.decode()
    assert ENDED in _lands_on_login(head_b, reverse("units:workspace")).content.decode()

    ends = SessionEnd.objects.filter(actor=root, reason=SessionEnd.Reason.ADMINISTRATOR)
    assert sorted(ends.values_list("user__username", flat=True)) == ["head_a", "head_b"]
    # The admin's history of the account says so too.
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(object_id=str(cast.head_b.pk), user=root).exists()


def test_only_superusers_may_end_other_peoples_sessions(cast):
    from units.models import SessionEnd

    officer = _staff_logged_in(cast)
    button = reverse("admin:auth_user_end_sessions", args=[cast.head_a.pk])
    assert officer.post(button).status_code == 403
    assert not SessionEnd.objects.exists()


def test_staff_sessions_end_after_the_absolute_lifetime_even_when_active(cast, settings):
    from units.security import LOGIN_AT_SESSION_KEY

    client = _staff_logged_in(cast)

    def signed_in_hours_ago(hours: float) -> None:
        session = client.session
        session[LOGIN_AT_SESSION_KEY] = time.time() - hours * 3600
        session[LAST_ACTIVITY_SESSION_KEY] = time.time()  # active a moment ago
        session.save()

    signed_in_hours_ago(11.9)
    assert client.get(reverse("units:workspace")).status_code == 200
    signed_in_hours_ago(12.1)
    response = _lands_on_login(client, reverse("units:workspace"))
    assert "连续登录超过 12 小时" in response.content.decode()

    settings.ZUOFENG_STAFF_SESSION_MAX_HOURS = 2
    client = _staff_logged_in(cast)
    signed_in_hours_ago(2.1)
    assert "连续登录超过 2 小时" in _lands_on_login(client, "/admin/").content.decode()


def test_the_absolute_lifetime_is_for_staff_only(cast):
    from units.security import LOGIN_AT_SESSION_KEY

    client = _signed_in("head_a")
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = time.time() - 13 * 3600
    session.save()
    assert client.get(reverse("units:workspace")).status_code == 200


def test_a_session_without_a_sign_in_time_is_ended(cast):
    # Sessions signed in before the stamp existed cannot be shown to postdate a cut-off.
    from units.security import LOGIN_AT_SESSION_KEY

    client = _signed_in("head_a")
    session = client.session
    del session[LOGIN_AT_SESSION_KEY]
    session.save()
    assert ENDED in _lands_on_login(client, reverse("units:workspace")).content.decode()


def test_the_check_costs_no_query_and_spares_the_public(cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from units import services
    from units.models import SessionEnd

    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("units:workspace")).status_code == 200
        return len(captured)

    before = queries(_signed_in("head_a"))
    services.user_sessions_end(user=cast.head_a, actor=None, reason=SessionEnd.Reason.ADMINISTRATOR)
    # The cut-off row comes with the user (a join), so a session after it costs the same.
    assert queries(_signed_in("head_a")) == before
    with django_assert_num_queries(0):
        Client().get(reverse("login"))
