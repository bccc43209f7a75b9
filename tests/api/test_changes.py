"""Status back: the changes feed and the case's own status, for clients and sessions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import services
from complaints.api.selectors import complaint_changes as changes
from complaints.models import Complaint, ComplaintTransition
from tests.api.conftest import keyed, make_client
from tests.api.test_push import PAYLOAD

FEED = "/api/v1/complaints/changes/"


def push(api, ticket: str, unit: str = "SLX-SCJ") -> Complaint:
    response = api.post(
        "/api/v1/complaints/", {**PAYLOAD, "ticket": ticket, "subject_unit": unit}, format="json"
    )
    assert response.status_code == 201, response.content
    return Complaint.objects.get(pk=response.json()["id"])


def work_to_closed(cast, complaint: Complaint) -> Complaint:
    officer = cast.officer
    complaint = services.complaint_accept(complaint=complaint, actor=officer)
    complaint = services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=officer)
    complaint = services.complaint_answer(
        complaint=complaint,
        actor=cast.head_a,
        facts="经查属实。",
        verdict=Complaint.Verdict.SUBSTANTIATED,
        measures="批评教育，限期整改。",
        public_reply="已对相关人员批评教育，窗口已整改。",
    )
    complaint = services.complaint_review(complaint=complaint, actor=officer, approve=True)
    return services.complaint_rate(
        complaint=complaint, satisfaction=Complaint.Satisfaction.SATISFIED, actor=officer
    )


def drain(api, cursor: str = "", limit: int = 100) -> tuple[list[dict], str]:
    seen: list[dict] = []
    while True:
        query = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        body = api.get(FEED, query).json()
        seen += body["results"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return seen, cursor


def test_the_feed_follows_a_case_to_its_public_reply(cast, api):
    complaint = push(api, "T-1")
    seen, cursor = drain(api)
    assert [c["status"] for c in seen] == ["registered"]
    work_to_closed(cast, complaint)
    more, cursor = drain(api, cursor)
    assert [c["status"] for c in more] == [
        "accepted",
        "assigned",
        "answered",
        "return_visit",
        "closed",
    ]
    answered = next(c for c in more if c["status"] == "answered")
    assert answered["public_reply"] == ""  # not before staff accepted it on review
    closed = more[-1]
    assert closed["public_reply"] == "已对相关人员批评教育，窗口已整改。"
    assert closed["verdict"] == "substantiated" and closed["satisfaction"] == "satisfied"
    assert closed["ticket"] == "T-1" and closed["complaint"] == complaint.pk
    # Nothing new: the same cursor back, nothing repeated.
    body = api.get(FEED, {"cursor": cursor}).json()
    assert body["results"] == [] and body["next_cursor"] == cursor and not body["has_more"]


def test_paging_never_misses_or_repeats_a_change(cast, api):
    cases = [push(api, f"P-{n}") for n in range(7)]
    for complaint in cases[:4]:
        services.complaint_accept(complaint=complaint, actor=cast.officer)
    seen, _cursor = drain(api, limit=2)
    ids = [c["id"] for c in seen]
    assert len(ids) == len(set(ids)) == 11
    assert ids == sorted(ids)
    assert set(ids) == set(ComplaintTransition.objects.values_list("pk", flat=True))


def test_the_feed_holds_back_changes_younger_than_the_settle_window(cast, api, hotline, settings):
    settings.ZUOFENG_API_CHANGES_SETTLE_SECONDS = 60
    push(api, "T-young")
    assert api.get(FEED).json()["results"] == []
    later = timezone.now() + datetime.timedelta(minutes=2)
    rows = changes(client=hotline, user=cast.officer, after=0, limit=10, now=later)
    assert [row.to_status for row in rows] == ["registered"]


def test_a_client_sees_only_its_own_cases_within_its_subtree(cast, api, db):
    mine = push(api, "MINE")
    other = keyed(make_client("门户网站"))
    theirs = push(other, "THEIRS")
    assert api.get(f"/api/v1/complaints/{mine.pk}/").status_code == 200
    assert api.get(f"/api/v1/complaints/{theirs.pk}/").status_code == 404
    assert {c["ticket"] for c in drain(api)[0]} == {"MINE"}
    # A client limited to dept_a: a case routed outside it is no longer its to read.
    scoped = make_client("市场监管平台", unit=cast.dept_a)
    scoped_api = keyed(scoped)
    case = push(scoped_api, "S-1")
    assert scoped_api.get(f"/api/v1/complaints/{case.pk}/").status_code == 200
    services.complaint_accept(complaint=case, actor=cast.officer)
    services.complaint_assign(complaint=case, unit=cast.dept_b, actor=cast.officer)
    assert scoped_api.get(f"/api/v1/complaints/{case.pk}/").status_code == 404
    assert drain(scoped_api)[0] == []


def test_detail_shows_status_never_identity(cast, api):
    complaint = work_to_closed(cast, push(api, "T-2"))
    body = api.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert body["status"] == "closed" and body["public_reply"].startswith("已对")
    assert body["unit"] == {"code": "SLX-SCJ", "name": cast.dept_a.name}
    for secret in ("张三", "13800000000", "110101199001011234"):
        assert secret not in str(body)


def test_sessions_read_as_the_pages_scope(cast, api, client_for):
    complaint = push(api, "T-3")
    services.complaint_accept(complaint=complaint, actor=cast.officer)
    services.complaint_assign(complaint=complaint, unit=cast.dept_a, actor=cast.officer)
    url = f"/api/v1/complaints/{complaint.pk}/"
    assert client_for(cast.head_a).get(url).status_code == 200
    client_for(cast.head_a).logout()
    assert client_for(cast.head_b).get(url).status_code == 404
    client_for(cast.head_b).logout()
    feed = client_for(cast.officer).get(FEED).json()
    assert {c["ticket"] for c in feed["results"]} == {"T-3"}


def test_scopes_and_keys(cast, db):
    reader = keyed(make_client("只推送", read_status=False))
    assert reader.get(FEED).status_code == 403
    assert APIClient().get(FEED).status_code == 401
    bad = APIClient()
    assert bad.get(FEED, {"cursor": "not-a-cursor"}).status_code == 401


def test_bad_cursor_is_400(api):
    response = api.get(FEED, {"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 400 and "cursor" in response.json()


def test_feed_query_count_is_flat(cast, api, django_assert_max_num_queries):
    for n in range(5):
        services.complaint_accept(complaint=push(api, f"Q-{n}"), actor=cast.officer)
    with django_assert_max_num_queries(8):
        body = api.get(FEED).json()
    assert len(body["results"]) == 10


@pytest.mark.parametrize("limit", ["0", "501", "x"])
def test_limit_is_checked(api, limit):
    assert api.get(FEED, {"limit": limit}).status_code == 400
