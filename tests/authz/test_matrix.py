"""Role × object matrix: every page agrees with the model's scoping function.

The cases are generated from matrix.MODELS × matrix.ROLES × each model's accesses and
counted in the run's summary.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from tests.authz import report
from tests.authz.matrix import (
    MODELS,
    TAKEN,
    MatrixCase,
    generate,
    object_of,
    user_of,
    xlsx_text,
)

pytestmark = pytest.mark.django_db

CASES = generate()
report.record(matrix_generated=len(CASES))
# What lies outside the township officer's jurisdiction (dept_a's subtree): everything on the
# sibling side and the units above and beside it.
OUTSIDE = [
    (model, obj)
    for model in MODELS
    for obj in model.objects
    if obj[1] == "b" or obj in (("x", "township"), ("x", "root"))
]
INSIDE = [(model, obj) for model in MODELS for obj in model.objects if obj[1] == "a"]
report.record(township_outside=len(OUTSIDE))
# GET pages do not change anything: one request per (role, page) serves every object on it.
_PAGES: dict[tuple[str, str], tuple[int, str, str]] = {}


def _fetch(client, role: str, method: str, path: str, data: dict):
    if method == "GET" and (role, path) in _PAGES:
        return _PAGES[(role, path)]
    response = client.get(path) if method == "GET" else client.post(path, data)
    content = b"".join(response) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if response.status_code == 200 and "spreadsheetml" in kind:
        text = xlsx_text(content)
    elif "text/html" in kind or "text/csv" in kind:
        text = content.decode("utf-8-sig")
    else:
        text = ""
    result = (response.status_code, response.get("Location", ""), text)
    if method == "GET":
        _PAGES[(role, path)] = result
    return result


@pytest.fixture(scope="module", autouse=True)
def _forget_pages():
    _PAGES.clear()
    yield
    _PAGES.clear()


@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_matrix(world, case: MatrixCase, client_as):
    obj = object_of(world, *case.obj)
    user = user_of(world, case.role)
    access = case.access
    scope = access.scope or case.model.scope
    in_scope = scope(user, obj)
    path = access.path(world, obj)
    http = client_as(case.role)
    status, location, text = _fetch(http, case.role, access.method, path, access.data)
    _check(world, case, user, obj, in_scope, status, location, text)
    report.count("matrix_cases")


def _check(world, case: MatrixCase, user, obj, in_scope, status, location, text) -> None:
    access = case.access
    if case.role == "anon":
        assert not in_scope, f"{case.label}: the scoping function lets the public see it"
        assert status == 302 and location.startswith(resolve_url(settings.LOGIN_URL)), (
            f"{case.label}: anonymous got {status} {location}"
        )
        return
    if access.kind in ("list", "export"):
        allowed = access.page(user, world, obj)
        if not allowed:
            assert status in (403, 404, 302), f"{case.label}: page answered {status}"
            # A logged-in member is refused or sent elsewhere, never asked to log in again.
            assert not location.startswith(resolve_url(settings.LOGIN_URL)), case.label
            return
        assert status == 200, f"{case.label}: page refused ({status}) to a role that may read it"
        shown = access.marker(obj) in text
        assert shown == in_scope, (
            f"{case.label}: {'shown' if shown else 'missing'} but the scoping function says "
            f"{'visible' if in_scope else 'hidden'}"
        )
    elif access.kind == "detail":
        assert status == (200 if in_scope else 404), (
            f"{case.label}: got {status}, scoping says {'visible' if in_scope else 'hidden'}"
        )
    else:  # edit / actions
        if not in_scope:
            expected = {404}
        elif not access.may(user, obj):
            expected = {403}
        else:
            expected = TAKEN
        assert status in expected, f"{case.label}: got {status}, expected one of {expected}"


def test_township_officer_reaches_nothing_outside_their_subtree(world):
    """With test_matrix (every page agrees with the scoping functions), this is the proof
    that the officer of a subtree reaches no object outside it: each is a 404 for them."""
    user = world.cast.township_officer
    reached = [
        f"{model.name}|{obj[0]}.{obj[1]}"
        for model, obj in OUTSIDE
        if model.scope(user, object_of(world, *obj))
    ]
    inside = [model.name for model, obj in INSIDE if model.scope(user, object_of(world, *obj))]
    report.record(township_reached=len(reached), township_inside=len(inside))
    assert not reached, f"outside the subtree yet in scope: {reached}"
    # …and they really work their subtree (not an officer who sees nothing).
    assert {"unit", "rectification item", "complaint", "inspection", "finding"} <= set(inside)
