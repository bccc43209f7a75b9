"""Authorization cases: the REST API (config/api_urls.py) and its schema pages.

Callers are integration clients by key ("key:hotline": every scope, county-wide;
"key:noscope": a key without the endpoint's scope; "key:scoped": limited to dept_a) or
people by session on the read endpoints. No key: 401 (an API answers, it does not redirect
to a login page). A client's own cases only, within its subtree: anything else is 404.
"""

from __future__ import annotations

from complaints import services as complaint_services
from complaints.models import Complaint
from tests.authz.cases.base import LIST_VIEW, NO_OBJECT, PUBLIC, Case, Path, case, url
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
    every = {"can_push_complaints": True, "can_read_status": True, "can_read_results": True}
    hotline = IntegrationClient.objects.create(name="12345 热线", **every)
    noscope = IntegrationClient.objects.create(name="无权限系统")
    scoped = IntegrationClient.objects.create(name="市场监管平台", unit=cast.dept_a, **every)
    keys = {
        f"key:{name}": api_key_issue(client=client, actor=None).secret
        for name, client in (("hotline", hotline), ("noscope", noscope), ("scoped", scoped))
    }

    # The organisation department's system: syncs the directory in, county-wide.
    directory = IntegrationClient.objects.create(name="组织部干部信息系统", can_sync_directory=True)
    keys["key:directory"] = api_key_issue(client=directory, actor=None).secret
    # Its other system reads the 三挂钩 rows (names, flags, 问责): a scope of its own.
    cadres = IntegrationClient.objects.create(name="组织部干部监督系统", can_read_cadres=True)
    keys["key:cadres"] = api_key_issue(client=cadres, actor=None).secret

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
    methods=("POST", "GET"),
    ok={"key:hotline": 201},
    data=PUSH,
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={
        "sibling": "a new case: there is no object yet; a unit outside a limited client's "
        "subtree is a 400 (tests/api/test_push.py)"
    },
    extra=[
        # GET: the client's own cases by its ticket number (scope read_status, a key only).
        Case(
            "allowed", "key:hotline", "GET", Path("api:complaint_push", (), "ticket=AUTHZ-1"), 200
        ),
        Case(
            "read-only", "key:noscope", "GET", Path("api:complaint_push", (), "ticket=AUTHZ-1"), 403
        ),
        Case("anonymous", "anon", "GET", Path("api:complaint_push", (), "ticket=AUTHZ-1"), 401),
    ],
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

# Results and figures out (scope read_results; a person's session as on the pages).
RANKING = "api:assessment_ranking"
FIGURES = "api:campaign_rectification_figures"
url(
    "api:campaign_circulars",
    ok={"key:hotline": 200, "key:scoped": 200, "head_b": 200},
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={"sibling": "the circulars the public page lists: " + PUBLIC},
)
url(
    "api:campaign_campaigns",
    ok={"key:hotline": 200, "key:scoped": 200, "head_a": 200},
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={"sibling": LIST_VIEW + " (tests/api/test_results.py)"},
)
url(
    FIGURES,
    "campaign",
    ok={"key:hotline": 200, "key:scoped": 200, "officer": 200, "head_a": 200},
    # A draft campaign exists for no client and for no unit head.
    sibling=[("key:scoped", Path(FIGURES, ("draft_campaign",))), ("head_a", ("draft_campaign",))],
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
)
url(
    "api:complaint_figures",
    ok={"key:hotline": 200, "key:scoped": 200, "officer": 200},
    # A person needs the figures page's permission, as on the page.
    readonly=["key:noscope", "outsider"],
    anon=401,
    method_user="key:hotline",
    na={"sibling": "figures scoped by the page's selector (tests/api/test_results.py)"},
)
url(
    "api:assessment_schemes",
    ok={"key:hotline": 200, "key:scoped": 200, "leader": 200},
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
    na={"sibling": LIST_VIEW + " (tests/api/test_results.py)"},
)
url(
    RANKING,
    "=2025",
    ok={"key:hotline": 200, "key:scoped": 200, "leader": 200},
    # 2026 is computed, not published: it exists for no API caller.
    sibling=[("key:hotline", ("=2026",)), ("leader", ("=2026",))],
    readonly=["key:noscope"],
    anon=401,
    method_user="key:hotline",
)
url(
    "api:assessment_cadres",
    "=2025",
    ok={"key:cadres": 200, "officer": 200, "township_officer": 200},
    # Reading results is not reading cadres' names, flags and 问责; nor is a unit head's
    # or a leader's session (the Excel export's rule).
    readonly=["key:hotline", "key:noscope", "head_a", "leader", "outsider"],
    anon=401,
    method_user="key:cadres",
    na={
        "sibling": "a list scoped by the selector: a limited client's subtree, an officer's "
        "jurisdiction (tests/api/test_cadres.py)"
    },
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
# The unit directory (units/api/directory_views.py).
url(
    "api:directory_units",
    ok={"key:directory": 200, "key:hotline": 200, "key:scoped": 200, "officer": 200, "head_a": 200},
    readonly=["key:noscope"],
    anon=401,
    method_user="key:directory",
    na={
        "sibling": "a list scoped by the selector: a limited client's subtree, a person's "
        "units (tests/api/test_directory.py)"
    },
)
url(
    "api:directory_sync",
    methods=("POST",),
    # The walk posts a form, which carries no rows: let through, then refused as input (400).
    # The JSON sync itself: tests/api/test_directory.py.
    ok={"key:directory": 400},
    data={"kind": "units"},
    readonly=["key:noscope", "key:hotline"],
    anon=401,
    method_user="key:directory",
    extra=[
        # A person's session is no credential for a sync, not even inspection staff's.
        case("read-only", "officer", "POST", "api:directory_sync", expected=401),
    ],
    na={
        "sibling": "no object behind it: a row outside a limited client's subtree is a 400 "
        "naming the row (tests/api/test_directory.py)"
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
