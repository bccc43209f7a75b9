"""A page asks for its user's grants once, however many querysets it scopes.

units.middleware.RequestMemoryMiddleware keeps the answer of units.models.organisation's
_granted_roots on request.user for the request (the grants of all three kinds, asked
once); outside a request nothing is kept, and a
service that changes grants empties what was kept.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import selectors
from units import services as unit_services
from units.models import unit_scope_q

pytestmark = pytest.mark.django_db

GRANTS_TABLE = '"units_unituserobjectpermission"'


def grant_queries(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if GRANTS_TABLE in q["sql"]]


def test_a_complaint_page_asks_for_the_officers_grants_once(cast, make_complaint, client_for):
    complaint = make_complaint("assigned")
    client = client_for(cast.township_officer)
    url = reverse("complaints:detail", args=[complaint.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # One question for the three kinds of grant (view, act, oversee), not one per kind or
    # per scoped queryset: the page scopes far more querysets than that, of all three kinds.
    assert len(grant_queries(ctx)) == 1


def test_outside_a_request_every_call_asks_the_database(cast):
    with CaptureQueriesContext(connection) as ctx:
        unit_scope_q(user=cast.township_officer)
        unit_scope_q(user=cast.township_officer)
    assert len(grant_queries(ctx)) == 2


def test_a_grant_given_during_the_request_is_seen_at_once(cast, make_complaint):
    officer = cast.township_officer
    outside = make_complaint("assigned", unit=cast.dept_b)
    officer._zf_grants = {}  # as the middleware leaves it for a request
    assert outside not in set(selectors.complaints_visible_to(user=officer))
    unit_services.staff_jurisdiction_grant(user=officer, unit=cast.dept_b)
    assert "_zf_grants" not in officer.__dict__
    assert outside in set(selectors.complaints_visible_to(user=officer))
