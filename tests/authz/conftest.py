"""Authorization suite: one world per module; counts printed at the end of the run."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.authz.world import World, build_world
from tests.otp import verify_session

LOGINS = (
    "officer",
    "leader",
    "head_a",
    "head_b",
    "in_charge",
    "evaluator",
    "outsider",
    "township_officer",
    "custodian",
    "supervisor",
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    """Built once per module inside a transaction that is rolled back at the end; every
    test runs in its own savepoint on top of it (pytest-django's `db`)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker) -> dict[str, str]:
    """One session per cast member, logged in the way client_for does it (staff two-factor
    verified), made once per module; "officer_unverified" and "officer_new" (no authenticator
    yet) have passed the password step only."""
    keys = {}
    with django_db_blocker.unblock():
        for name in (*LOGINS, "officer_unverified", "officer_new"):
            user = world.user(name.removesuffix("_unverified"))
            client = Client()
            client.force_login(user)
            if name in LOGINS:
                verify_session(client, user)
            keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def api_keys(world, django_db_blocker) -> dict[str, str]:
    """The API's integration clients and a key each ("key:hotline" …), and the cases they
    pushed, in world.extra (tests/authz/cases/api.py)."""
    from tests.authz.cases.api import build_api_world

    with django_db_blocker.unblock():
        return build_api_world(world)


@pytest.fixture
def client_as(db, sessions, api_keys):
    """client_as("head_a") → a fresh client in that member's session; "anon" → logged out;
    "key:hotline" → a client sending that integration client's API key.
    Whatever a test does to the session is rolled back with the test."""

    def make(name: str) -> Client:
        if name.startswith("key:"):
            return Client(HTTP_AUTHORIZATION=f"Bearer {api_keys[name]}")
        client = Client()
        if name != "anon":
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[name]
        return client

    return make


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the suite's counts whenever its tests ran (alone or within `make test`)."""
    from tests.authz import report

    figures = report.FIGURES
    if "urls_total" not in figures and "matrix_cases" not in figures:
        return  # the suite's modules may be imported without any of its tests running
    write = terminalreporter.write_line
    terminalreporter.section("authorization suite")
    if "urls_total" in figures:
        write(f"URL patterns covered: {figures['urls_covered']}/{figures['urls_total']}")
    if "url_cases_generated" in figures:
        write(
            f"URL authorization cases passed: {figures.get('url_cases', 0)}"
            f"/{figures['url_cases_generated']}"
        )
    if "matrix_generated" in figures:
        write(
            f"role × object matrix cases: {figures.get('matrix_cases', 0)} passed"
            f" of {figures['matrix_generated']} generated"
        )
    if "township_outside" in figures:
        write(
            f"township officer: {figures.get('township_reached', 0)} of"
            f" {figures['township_outside']} objects outside their subtree reached,"
            f" {figures.get('township_inside', 0)} inside it in scope"
        )
