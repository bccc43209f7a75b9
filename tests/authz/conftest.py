"""Authorization suite: one world per module; counts printed at the end of the run."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.authz.world import World, build_world


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
