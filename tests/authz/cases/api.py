"""Authorization cases: the REST API (config/api_urls.py) and its schema pages.

Callers are integration clients by key ("key:hotline": every scope, county-wide;
"key:noscope": a key without the endpoint's scope; "key:scoped": limited to dept_a) or
people by session on the read endpoints. No key: 401 (an API answers, it does not redirect
to a login page). A client's own cases only, within its subtree: anything else is 404.
"""

from __future__ import annotations

from complaints import services as complaint_services
from complaints.models import Complaint
from tests.authz.cases.base import NO_OBJECT, Path, case, url
from tests.authz.world import World
from units.api.services import api_key_issue
from units.models import IntegrationClient

PUSH = {
    "ticket": "AUTHZ-NEW-1",
    "title": "窗口工作人员推诿",
    "content": "在县政务服务中心办理营业执照被要求下周再来。",
    "subject_unit": "SLX-SCJ",
}
SCHEMA_PAGE = "the API's description, public by design like the API documentation of any service"


def build_api_world(world: World) -> dict[str, str]:
    """Clients, keys and pushed cases; called once per module inside the world's transaction."""
    cast = world.cast
    every = {"can_push_complaints": True, "can_read_status": True}
    hotline = IntegrationClient.objects.create(name="12345 热线", **every)
    noscope = IntegrationClient.objects.create(name="无权限系统")
    scoped = IntegrationClient.objects.create(name="市场监管平台", unit=cast.dept_a, **every)
    keys = {
        f"key:{name}": api_key_issue(client=client, actor=None).secret
        for name, client in (("hotline", hotline), ("noscope", noscope), ("scoped", scoped))
    }

    def push(client: IntegrationClient, ticket: str) -> Complaint:
        complaint, _ = complaint_services.complaint_push(
            client=client,
            ticket=ticket,
            title="窗口推诿",
            content="办事被推诿。",
            subject_unit=cast.dept_a,
        )
        return complaint

    world.extra["api_case"] = push(hotline, "AUTHZ-1")
    world.extra["api_scoped_case"] = push(scoped, "AUTHZ-2")
    # Pushed by the dept_a client, then routed to dept_b: outside the client's subtree.
    outside = push(scoped, "AUTHZ-3")
    outside = complaint_services.complaint_accept(complaint=outside, actor=cast.officer)
    world.extra["api_outside_case"] = complaint_services.complaint_assign(
        complaint=outside, unit=cast.dept_b, actor=cast.officer
    )
    return keys


def _detail(key: str) -> Path:
    return Path("api:complaint_detail", (key,))


url(
    "api:complaint_push",
    methods=("POST",),
    ok={"key:hotline": 201},
    data=PUSH,
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={
        "sibling": "a new case: there is no object yet; a unit outside a limited client's "
        "subtree is a 400 (tests/api/test_push.py)"
    },
)
url(
    "api:complaint_detail",
    "x:api_case",
    ok={"key:hotline": 200, "officer": 200},
    # Another client's case; a case routed outside the client's subtree; a sibling unit.
    sibling=[
        "key:scoped",
        ("key:scoped", _detail("x:api_outside_case")),
        ("head_a", _detail("x:api_outside_case")),
    ],
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    extra=[
        # The unit the case was routed to reads it, as on its page; the client inside its
        # subtree reads its own.
        case(
            "allowed", "head_b", "GET", "api:complaint_detail", "x:api_outside_case", expected=200
        ),
        case(
            "allowed",
            "key:scoped",
            "GET",
            "api:complaint_detail",
            "x:api_scoped_case",
            expected=200,
        ),
    ],
)
url(
    "api:complaint_changes",
    ok={"key:hotline": 200, "officer": 200, "head_a": 200},
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={
        "sibling": "a feed scoped by the selector: another client's and a sibling unit's "
        "changes are left out (tests/api/test_changes.py)"
    },
)
url(
    "api:complaint_categories",
    ok={"key:hotline": 200, "officer": 200},
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={"sibling": NO_OBJECT},
)
url(
    "api:not_found",
    ok={"key:hotline": 404, "anon": 404},
    anon=404,
    na={
        "sibling": NO_OBJECT,
        "read-only": NO_OBJECT,
        "method": "every method answers the same JSON 404",
    },
)
for name in ("api:schema", "api:docs", "api:redoc"):
    url(
        name,
        ok={"anon": 200, "key:hotline": 200},
        anon=200,
        na={
            "sibling": SCHEMA_PAGE,
            "read-only": SCHEMA_PAGE,
            "method": "read-only pages: "
            "drf-spectacular's views answer POST with 405, covered by its own tests",
        },
    )
