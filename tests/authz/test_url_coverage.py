"""Every URL pattern has its authorization cases, and every case holds.

The walk covers the whole project (admin/ excluded on purpose, see urlwalk.EXCLUDED_PREFIXES;
i18n/ and health/ included as public endpoints). A pattern without cases, or without one
of the five kinds and no written reason for leaving it out, fails the first test.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests.authz import report
from tests.authz.cases import KINDS, LOGIN, SPECS, Case
from tests.authz.urlwalk import walk

pytestmark = pytest.mark.django_db

ALL_CASES = [c for spec in SPECS.values() for c in spec.cases]
report.record(url_cases_generated=len(ALL_CASES))


def test_every_url_pattern_has_authorization_cases():
    patterns = walk()
    names = [name for _route, name in patterns]
    assert len(names) == len(set(names)), "two patterns share a name: cases would be ambiguous"
    missing = [f"{route} ({name})" for route, name in patterns if name not in SPECS]
    stale = sorted(set(SPECS) - set(names))
    incomplete = []
    for name, spec in SPECS.items():
        present = {c.kind for c in spec.cases}
        for kind in KINDS:
            if kind not in present and kind not in spec.waived:
                incomplete.append(f"{name}: no '{kind}' case and no reason given")
        if not any(c.kind == "allowed" for c in spec.cases):
            incomplete.append(f"{name}: nobody is shown to succeed")
    covered = len([n for n in names if n in SPECS])
    report.record(urls_covered=covered, urls_total=len(names))
    assert not missing, "URL patterns without authorization cases:\n" + "\n".join(missing)
    assert not stale, f"cases for patterns that no longer exist: {stale}"
    assert not incomplete, "\n".join(incomplete)


def _matches(expected: int | str, status: int) -> bool:
    if isinstance(expected, int):
        return status == expected
    return str(status) in expected.split("|")


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.label for c in ALL_CASES])
def test_url_case(world, case: Case, client_as):
    path = case.path.build(world)
    client = client_as(case.user)
    data = {key: value(world) if callable(value) else value for key, value in case.data}
    if case.method == "GET":
        response = client.get(path)
    elif case.method == "POST":
        response = client.post(path, data)
    else:
        response = client.generic(case.method, path)
    status = response.status_code
    if case.expected == LOGIN:
        assert status == 302, f"{case.label}: anonymous got {status}, not a login redirect"
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), response[
            "Location"
        ]
    else:
        assert _matches(case.expected, status), (
            f"{case.label}: expected {case.expected}, got {status}"
        )
    if case.check is not None:
        case.check(world, response)
    report.count("url_cases")
