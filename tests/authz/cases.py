"""The authorization cases of every URL pattern.

Each pattern lists who succeeds, who gets 404 (a sibling unit, or anyone the object does
not exist for), who gets 403 (may read but not do), what the anonymous public gets and
which HTTP method is refused. A kind that does not apply to a pattern is waived with the
reason, so a missing case is a decision written down, never an omission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from tests.authz.world import World

KINDS = ("allowed", "sibling", "read-only", "anonymous", "method")
LOGIN = "login"  # expected: a redirect to the login page
Arg = int | str


def resolve_arg(world: World, arg: Arg) -> Any:
    """ "item.a" → the pk of world.objects["item"]["a"]; "campaign"; "x:survey"; literals."""
    if isinstance(arg, int):
        return arg
    if arg.startswith("="):
        return arg[1:]
    if arg == "campaign":
        return world.campaign.pk
    if arg == "draft_campaign":
        return world.draft_campaign.pk
    if arg.startswith("x:"):
        key, _, attr = arg[2:].partition(".")
        value = world.extra[key]
        if attr:
            value = value[attr] if isinstance(value, dict) else getattr(value, attr)
        return getattr(value, "pk", value)
    if arg.startswith("u:"):
        return getattr(world.cast, arg[2:]).pk
    kind, _, side = arg.partition(".")
    return world.of(kind, side or "a").pk


@dataclass(frozen=True)
class Path:
    name: str
    args: tuple[Arg, ...] = ()
    query: str = ""

    def build(self, world: World) -> str:
        if "/" in self.name:  # an unnamed pattern, known by its route
            url = "/" + self.name
        else:
            url = reverse(self.name, args=[resolve_arg(world, a) for a in self.args])
        return f"{url}?{self.query}" if self.query else url


@dataclass(frozen=True)
class Case:
    kind: str
    user: str  # a cast member's attribute name, or "anon"
    method: str
    path: Path
    expected: int | str
    data: tuple[tuple[str, Any], ...] = ()
    # Optional check on the response (e.g. the state really changed).
    check: Callable[[World, Any], None] | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}|{self.kind}|{self.user}|{self.method}|{'/'.join(map(str, self.path.args))}"


@dataclass
class Spec:
    path: Path
    methods: tuple[str, ...]
    cases: list[Case] = field(default_factory=list)
    waived: dict[str, str] = field(default_factory=dict)


SPECS: dict[str, Spec] = {}


def _wrong_method(methods: tuple[str, ...]) -> str:
    if "GET" not in methods:
        return "GET"
    if "POST" not in methods:
        return "POST"
    return "DELETE"


def url(
    name: str,
    *args: Arg,
    methods: tuple[str, ...] = ("GET",),
    ok: dict[str, int | str] | None = None,
    data: dict[str, Any] | None = None,
    sibling: list[str | tuple[str, Path | tuple[Arg, ...]]] | None = None,
    readonly: list[str | tuple[str, Path | tuple[Arg, ...]]] | None = None,
    anon: int | str = LOGIN,
    method_user: str | None = None,
    extra: list[Case] | None = None,
    na: dict[str, str] | None = None,
    check: Callable[[World, Any], None] | None = None,
) -> None:
    """Register one pattern. `ok`: user → expected status for the primary method (the
    first of `methods`). `sibling`/`readonly`: users (optionally with another path or other
    args) who get 404 / 403. `na`: kinds that do not apply, with the reason."""
    path = Path(name, tuple(args))
    main = methods[0]
    payload = tuple((data or {}).items())
    cases: list[Case] = []

    def other(target: Path | tuple[Arg, ...] | None) -> Path:
        if target is None:
            return path
        return target if isinstance(target, Path) else Path(name, tuple(target))

    for user, status in (ok or {}).items():
        cases.append(Case("allowed", user, main, path, status, payload, check))
    for entry in sibling or []:
        user, target = entry if isinstance(entry, tuple) else (entry, None)
        cases.append(Case("sibling", user, main, other(target), 404, payload))
    for entry in readonly or []:
        user, target = entry if isinstance(entry, tuple) else (entry, None)
        cases.append(Case("read-only", user, main, other(target), 403, payload))
    waived = dict(na or {})
    if "anonymous" not in waived:
        cases.append(Case("anonymous", "anon", main, path, anon, payload))
    if "method" not in waived:
        who = method_user or next(iter(ok or {"anon": 0}))
        cases.append(Case("method", who, _wrong_method(methods), path, 405, payload))
    cases += extra or []
    assert name not in SPECS, name
    SPECS[name] = Spec(path=path, methods=methods, cases=cases, waived=waived)


def case(kind: str, user: str, method: str, name: str, *args: Arg, expected, **data) -> Case:
    return Case(kind, user, method, Path(name, tuple(args)), expected, tuple(data.items()))


READ = object()  # expected: the field is set (a timestamp)


def _now(get: Callable[[World], Any], expected: Any, field: str = "status"):
    """A check that the allowed request really did it: the object's field changed."""

    def check(world: World, response: Any) -> None:
        shared = get(world)  # the world's objects are shared: read a fresh copy
        obj = type(shared).objects.get(pk=shared.pk)
        value = getattr(obj, field)
        if expected is READ:
            assert value is not None, f"{obj!r}.{field} is not set"
        else:
            assert value == expected, f"{obj!r}.{field} is {value!r}"

    return check


READ_ONLY_VIEW = "a read-only page: nothing to refuse to a reader"
LIST_VIEW = "a list scoped by the selector: what a sibling sees is checked in the matrix"
NO_OBJECT = "no object behind it: nothing for a sibling unit to be refused"
PUBLIC = "public by design: no role is refused"
STAFF_ONLY = "staff-only tool: there is no reader role, non-staff get 403/404"

# --- Public, shell and health --------------------------------------------------------------

url(
    "set_language",
    methods=("POST",),
    ok={"anon": 302, "head_a": 302},
    data={"language": "zh-hans", "next": "/"},
    anon=302,
    na={
        "sibling": PUBLIC,
        "read-only": PUBLIC,
        "method": "Django's set_language redirects on any method and changes nothing on GET",
    },
)
url("health_live", ok={"anon": 200}, anon=200, na={"sibling": PUBLIC, "read-only": PUBLIC})
url("health_db", ok={"anon": 200}, anon=200, na={"sibling": PUBLIC, "read-only": PUBLIC})
url(
    "health_broker",
    ok={"anon": "200|503"},
    anon="200|503",
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url("home", ok={"officer": 302, "outsider": 302}, na={"sibling": NO_OBJECT, "read-only": NO_OBJECT})
url(
    "login",
    methods=("GET", "POST"),
    ok={"anon": 200, "head_a": 302},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "logout",
    methods=("POST",),
    ok={"head_a": 302},
    anon=302,
    na={"sibling": NO_OBJECT, "read-only": NO_OBJECT},
)

# Two-factor login: the caller's own second factor, so there is no object for a sibling and
# no reader to refuse. "officer_unverified" is the officer (who has an authenticator) after
# the password step only; "officer_new" a staff member who has not set one up yet.
OWN_FACTOR = "the caller's own second factor: no object, no reader role"
url(
    "two_factor_verify",
    methods=("GET", "POST"),
    # The code form for staff past the password step; verified staff and users without
    # two-factor login are sent on.
    ok={"officer_unverified": 200, "officer": 302, "head_a": 302},
    na={"sibling": OWN_FACTOR, "read-only": OWN_FACTOR},
    extra=[
        # Staff without an authenticator yet are sent to set one up.
        case("allowed", "officer_new", "GET", "two_factor_verify", expected=302),
    ],
)
url(
    "two_factor_setup",
    methods=("GET", "POST"),
    ok={"officer_new": 200, "head_a": 302},
    na={"sibling": OWN_FACTOR, "read-only": OWN_FACTOR},
    extra=[
        # Enrolling another authenticator needs the current one first.
        case("read-only", "officer_unverified", "GET", "two_factor_setup", expected=302),
    ],
)
url(
    "two_factor_backup_codes",
    methods=("POST",),
    ok={"officer": 200, "head_a": 302},
    na={"sibling": OWN_FACTOR, "read-only": OWN_FACTOR},
    extra=[
        # New backup codes need the second factor first: the middleware holds the request.
        case("read-only", "officer_unverified", "POST", "two_factor_backup_codes", expected=302)
    ],
)

# --- Units and notifications ---------------------------------------------------------------

url(
    "units:workspace",
    ok={
        "officer": 200,
        "leader": 200,
        "head_a": 200,
        "in_charge": 200,
        "evaluator": 200,
        "outsider": 200,
    },
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
url(
    "units:unit_list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "units:unit_detail",
    "unit.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("unit.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "units:notification_list",
    ok={"head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "units:notification_open",
    "notification.a",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["head_b", ("head_a", ("notification.b",)), "officer", "leader"],
    na={"read-only": "a notice is its recipient's alone: everyone else gets 404"},
    check=_now(lambda w: w.of("notification", "a"), READ, "read_at"),
)
url(
    "units:notifications_read_all",
    methods=("POST",),
    ok={"head_a": 302, "outsider": 302},
    na={"sibling": "marks only the caller's own notices", "read-only": NO_OBJECT},
)

for _name, _args in (("units:digest_list", ()), ("units:digest_detail", ("x:digest",))):
    url(
        _name,
        *_args,
        ok={"officer": 200, "leader": 200},
        # Digests cover the whole county: a unit (or anyone seeing only part of it) gets 404.
        sibling=["head_a", "head_b", "in_charge", "evaluator", "outsider"],
        na={"read-only": READ_ONLY_VIEW},
    )

# --- Campaign ----------------------------------------------------------------------------

url(
    "campaign:home",
    ok={"officer": 302, "head_a": 302, "outsider": 302},
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
url(
    "campaign:campaign_list",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider"],
    readonly=[],
    extra=[
        case("read-only", "leader", "POST", "campaign:campaign_list", expected=403, year="x"),
        case("read-only", "head_a", "POST", "campaign:campaign_list", expected=403, year="x"),
    ],
)
url(
    "campaign:campaign_detail",
    "campaign",
    ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
    sibling=[
        "outsider",
        "evaluator",
        ("head_a", ("draft_campaign",)),
        ("leader", ("draft_campaign",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:campaign_activate",
    "draft_campaign",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_a", "leader", ("outsider", ("campaign",))],
    readonly=[("leader", ("campaign",)), ("head_a", ("campaign",)), ("in_charge", ("campaign",))],
    check=_now(lambda w: w.draft_campaign, "active"),
)
for _name in ("campaign:ledger", "campaign:ledger_export"):
    url(
        _name,
        "campaign",
        ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
        sibling=["outsider", "evaluator", ("head_a", ("draft_campaign",))],
        na={"read-only": READ_ONLY_VIEW},
    )


def _dept_a_ledger(*, keep_ids: bool) -> Callable[[World], Any]:
    """dept_a's ledger as head_a exports it; without the numbers every row is a new item."""

    def build(world: World) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from import_export.formats.base_formats import XLSX

        from campaign import selectors as campaign_selectors
        from campaign.resources import LedgerResource

        head_a, campaign = world.cast.head_a, world.campaign
        items = campaign_selectors.ledger(user=head_a, campaign=campaign).filter(
            unit=world.cast.dept_a
        )
        dataset = LedgerResource(campaign=campaign, user=head_a).export(queryset=items)
        if not keep_ids:
            dataset = dataset.subset(cols=[h for h in dataset.headers if h != dataset.headers[0]])
        return SimpleUploadedFile("ledger.xlsx", XLSX().export_data(dataset))

    return build


def _dept_a_untouched(world: World, response: Any, *, form: bool) -> None:
    """Nothing of dept_a's was written by head_b; the form said what was wrong."""
    from campaign.models import RectificationItem, Submission

    assert (
        RectificationItem.objects.filter(unit=world.cast.dept_a).count()
        == (world.extra["dept_a_item_count"])
    )
    submission = Submission.objects.get(pk=world.of("submission", "a").pk)
    assert submission.text == "标记材料-a" and submission.submitted_by_id != world.cast.head_b.pk
    if form:
        assert response.context["form"].errors.get("unit"), "no error on the unit"


def _dept_a_ledger_untouched(world: World, response: Any) -> None:
    """A sibling's import saved nothing on dept_a's ledger and said why."""
    from campaign.models import RectificationItem

    items = RectificationItem.objects.filter(unit=world.cast.dept_a)
    assert items.count() == world.extra["dept_a_item_count"]
    assert not items.filter(transitions__actor=world.cast.head_b).exists()
    assert response.context["problems"], "the import shows no problem"


url(
    "campaign:ledger_import",
    "campaign",
    methods=("GET", "POST"),
    ok={"head_a": 200, "head_b": 200},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        # head_b uploads dept_a's ledger: updating its items, or filing new ones for it.
        Case(
            "sibling",
            "head_b",
            "POST",
            Path("campaign:ledger_import", ("campaign",)),
            "200|400",  # the preview with its problems (400 once refused input says so)
            (("file", _dept_a_ledger(keep_ids=keep)),),
            _dept_a_ledger_untouched,
        )
        for keep in (True, False)
    ],
)
url(
    "campaign:item_create",
    "campaign",
    methods=("GET", "POST"),
    ok={"head_a": 200},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        # head_b files an item for dept_a: the unit is not among its choices, nothing saved.
        Case(
            "sibling",
            "head_b",
            "POST",
            Path("campaign:item_create", ("campaign",)),
            200,
            (
                ("unit", lambda w: w.cast.dept_a.pk),
                ("problem", "冒名填报的问题"),
                ("deadline", "2026-12-31"),
            ),
            lambda w, r: _dept_a_untouched(w, r, form=True),
        )
    ],
)
url(
    "campaign:items_submit_list",
    "campaign",
    "unit.a",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["head_b", ("head_a", ("campaign", "unit.b")), "outsider"],
    readonly=["in_charge", "leader", "officer"],
)
url(
    "campaign:circular_create",
    "campaign",
    methods=("GET", "POST"),
    ok={"officer": 200},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:circular_draft_progress",
    "campaign",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["outsider", ("head_a", ("draft_campaign",))],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:item_detail",
    "item.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        ("head_a", ("item.b",)),
        "outsider",
        "evaluator",
        ("leader", ("individual_item.a",)),
        ("in_charge", ("individual_item.a",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:item_edit",
    "draft_item.a",
    methods=("GET", "POST"),
    ok={"head_a": 200},
    sibling=["head_b", ("head_a", ("draft_item.b",)), "outsider"],
    readonly=["leader", "in_charge", "officer"],
)
url(
    "campaign:item_action",
    "draft_item.a",
    "=submit",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["head_b", ("head_a", ("draft_item.b", "=submit")), "outsider"],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        case(
            "allowed",
            "officer",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=302,
        ),
        case(
            "read-only",
            "head_a",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=403,
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=403,
        ),
        case(
            "sibling",
            "head_b",
            "POST",
            "campaign:item_action",
            "submitted_item.a",
            "=accept",
            expected=404,
        ),
        case(
            "sibling",
            "head_a",
            "POST",
            "campaign:item_action",
            "draft_item.a",
            "=nonsense",
            expected=404,
        ),
    ],
    check=_now(lambda w: w.of("draft_item", "a"), "submitted"),
)
url(
    "campaign:extension_decide",
    "item_extension.a",
    methods=("POST",),
    ok={"officer": 302},
    data={"decision": "approve", "note": "同意"},
    sibling=["head_b", "outsider", ("head_a", ("item_extension.b",))],
    readonly=["head_a", "leader", "in_charge"],
    check=_now(lambda w: w.of("item_extension", "a"), "approved"),
)
url(
    "campaign:review_queue",
    ok={"officer": 200},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:overdue_board",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:deliverables",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:deliverable_detail",
    "x:deliverable",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:deliverable_due_date",
    "x:deliverable",
    methods=("POST",),
    ok={"officer": 302},
    data={"due_date": "2026-12-01"},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
)
url(
    "campaign:submission_submit",
    "x:deliverable",
    methods=("POST",),
    ok={"head_a": 302},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "in_charge", "officer"],
    extra=[
        # head_b hands in material as dept_a: refused, dept_a's submission unchanged.
        Case(
            "sibling",
            "head_b",
            "POST",
            Path("campaign:submission_submit", ("x:deliverable",)),
            302,
            (("unit", lambda w: w.cast.dept_a.pk), ("text", "冒名报送的材料")),
            lambda w, r: _dept_a_untouched(w, r, form=False),
        )
    ],
)
url(
    "campaign:submission_review",
    "submission.a",
    "=accept",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_b", "outsider", ("head_a", ("submission.b", "=accept"))],
    readonly=["head_a", "leader", "in_charge"],
    check=_now(lambda w: w.of("submission", "a"), "accepted"),
)
url(
    "campaign:progress_attachment",
    "progress.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("progress.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:submission_attachment",
    "submission.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("submission.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:finding_evidence",
    "finding.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("finding.b",)), "outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:inspection_list",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    readonly=["leader", "head_a", "in_charge"],
    extra=[],
)
# The list's readers are refused the POST that records an inspection.
SPECS["campaign:inspection_list"].cases = [
    c if c.kind != "read-only" else Case(c.kind, c.user, "POST", c.path, 403)
    for c in SPECS["campaign:inspection_list"].cases
]
url(
    "campaign:inspection_detail",
    "inspection.a",
    methods=("GET", "POST"),
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["head_b", ("head_a", ("inspection.b",)), "outsider", "evaluator"],
    extra=[
        case(
            "read-only",
            user,
            "POST",
            "campaign:inspection_detail",
            "inspection.a",
            expected=403,
            description="x",
        )
        for user in ("leader", "head_a", "in_charge")
    ],
)
url(
    "campaign:circular_list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=["outsider", "evaluator"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:circular_detail",
    "x:circular.internal",
    ok={"officer": 200, "leader": 200, "head_a": 200, "head_b": 200, "in_charge": 200},
    sibling=[
        "outsider",
        "evaluator",
        ("head_a", ("x:circular.draft",)),
        ("leader", ("x:circular.draft",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "campaign:circular_edit",
    "x:circular.draft",
    methods=("GET", "POST"),
    ok={"officer": 200},
    sibling=["head_a", "leader", "outsider"],
    readonly=[(u, ("x:circular.internal",)) for u in ("leader", "head_a", "in_charge")],
)
url(
    "campaign:circular_publish",
    "x:circular.draft",
    methods=("POST",),
    ok={"officer": 302},
    sibling=["head_a", "leader", "outsider"],
    readonly=[(u, ("x:circular.internal",)) for u in ("leader", "head_a", "in_charge")],
    check=_now(lambda w: w.extra["circular"]["draft"], "published"),
)
url(
    "campaign:public_circular_list",
    ok={"anon": 200, "head_a": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "campaign:public_circular_detail",
    "x:circular.public",
    ok={"anon": 200, "outsider": 200},
    anon=200,
    sibling=[
        ("anon", ("x:circular.internal",)),
        ("anon", ("x:circular.draft",)),
        ("head_a", ("x:circular.internal",)),
    ],
    na={"read-only": PUBLIC},
)

# --- Complaints ----------------------------------------------------------------------------

url(
    "complaints:public_submit",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "complaints:public_submitted",
    ok={"anon": "200|302"},
    anon="200|302",
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "complaints:public_track",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
    extra=[
        case(
            "sibling",
            "anon",
            "POST",
            "complaints:public_track",
            expected="200|400|404",
            code="ZZZZ-ZZZZ-ZZZZ",
        ),
    ],
)
url(
    "complaints:public_rate",
    methods=("POST",),
    ok={"anon": "302|400|404"},
    anon="302|400|404",
    data={"code": "FORGED-CODE", "satisfaction": "satisfied"},
    na={"read-only": PUBLIC},
    sibling=[],
    extra=[],
)
SPECS["complaints:public_rate"].waived["sibling"] = (
    "public: a forged or foreign tracking code is refused (the anonymous case)"
)
url(
    "complaints:list",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:queue",
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:intake",
    methods=("GET", "POST"),
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:mine",
    ok={"head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:ledger",
    ok={"officer": 200, "leader": 200, "head_a": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "complaints:figures",
    ok={"officer": 200, "leader": 200},
    readonly=["head_a", "in_charge", "outsider"],
    na={"sibling": "county-wide figures: no unit object"},
)
for _name in ("complaints:export", "complaints:export_csv"):
    url(
        _name,
        ok={"officer": 200, "leader": 200},
        readonly=["head_a", "in_charge", "outsider"],
        na={"sibling": LIST_VIEW},
    )
url(
    "complaints:import",
    methods=("GET", "POST"),
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:reveal_log",
    ok={"officer": 200},
    readonly=["leader", "head_a", "in_charge", "outsider"],
    na={"sibling": STAFF_ONLY},
)
url(
    "complaints:detail",
    "complaint.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        ("head_a", ("complaint.b",)),
        "outsider",
        "evaluator",
        ("head_a", ("x:unrouted_complaint",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "complaints:reveal",
    "complaint.a",
    methods=("POST",),
    ok={"officer": 200},
    data={"reason": "核实投诉人身份以便回访"},
    sibling=["head_b", ("head_a", ("complaint.b",)), "outsider"],
    readonly=["head_a", "in_charge", "leader"],
)
url(
    "complaints:attachment",
    "complaint.a",
    "x:complaint_file.a",
    ok={"officer": 200, "leader": 200},
    sibling=["head_b", "outsider", ("head_a", ("complaint.b", "x:complaint_file.b"))],
    readonly=["head_a", "in_charge"],
)
url(
    "complaints:act",
    "x:unrouted_complaint",
    "=accept",
    methods=("POST",),
    ok={"officer": 302},
    data={"comment": "受理"},
    sibling=[
        "head_a",
        "head_b",
        "in_charge",
        "outsider",
        ("officer", ("x:unrouted_complaint", "=nonsense")),
    ],
    readonly=["leader"],
    extra=[
        case(
            "allowed",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=302,
            facts="经查属实。",
            verdict="substantiated",
            measures="批评教育。",
            public_reply="已整改。",
        ),
        case(
            "read-only",
            "in_charge",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=403,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        case(
            "read-only",
            "leader",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=403,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        case(
            "read-only",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.a",
            "=close",
            expected=403,
            comment="结案",
        ),
        case(
            "sibling",
            "head_b",
            "POST",
            "complaints:act",
            "complaint.a",
            "=answer",
            expected=404,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
        case(
            "sibling",
            "head_a",
            "POST",
            "complaints:act",
            "complaint.b",
            "=answer",
            expected=404,
            facts="x",
            verdict="substantiated",
            measures="x",
            public_reply="x",
        ),
    ],
    check=_now(lambda w: w.extra["unrouted_complaint"], "accepted"),
)

# --- Assessments ---------------------------------------------------------------------------

url(
    "assessments:scheme_list",
    # Everyone else is sent to their own published results.
    ok={"officer": 200, "leader": 200, "head_a": 302, "evaluator": 302, "outsider": 302},
    na={"sibling": NO_OBJECT, "read-only": READ_ONLY_VIEW},
)
for _name in ("assessments:scheme_copy", "assessments:scheme_new"):
    url(
        _name,
        methods=("POST",),
        ok={"officer": "302|400"},
        data={"year": "2030"},
        readonly=["leader", "head_a", "evaluator", "outsider"],
        na={"sibling": STAFF_ONLY},
    )
url(
    "assessments:survey_new",
    "x:schemes.computed",
    methods=("POST",),
    ok={"officer": "302|400"},
    sibling=["head_a", "evaluator", "outsider"],
    readonly=["leader"],
)
url(
    "assessments:scheme_detail",
    "x:schemes.computed",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "head_b", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "assessments:scheme_progress",
    "x:schemes.computed",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
for _name, _scheme in (
    ("assessments:scheme_open", "x:schemes.open"),
    ("assessments:scheme_compute", "x:schemes.computed"),
    ("assessments:scheme_publish", "x:schemes.computed"),
):
    url(
        _name,
        _scheme,
        methods=("POST",),
        ok={"officer": "302"},
        sibling=["head_a", "in_charge", "evaluator", "outsider"],
        readonly=["leader"],
    )
for _name in ("assessments:dashboard", "assessments:results_export"):
    url(
        _name,
        "x:schemes.computed",
        ok={"officer": 200, "leader": 200},
        sibling=["head_a", "head_b", "in_charge", "evaluator", "outsider"],
        na={"read-only": READ_ONLY_VIEW},
    )
url(
    "assessments:result_detail",
    "result.a",
    ok={"officer": 200, "leader": 200, "head_a": 200, "in_charge": 200},
    sibling=[
        "head_b",
        ("head_a", ("result.b",)),
        "outsider",
        "evaluator",
        ("head_a", ("unpublished_result.a",)),
    ],
    na={"read-only": READ_ONLY_VIEW},
)
url(
    "assessments:my_results",
    ok={"head_a": 200, "in_charge": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
url(
    "assessments:public_results",
    ok={"anon": 200},
    anon=200,
    na={"sibling": PUBLIC, "read-only": PUBLIC},
)
url(
    "assessments:public_results_year",
    2025,
    ok={"anon": 200},
    anon=200,
    sibling=[("anon", (2026,)), ("anon", (2027,))],
    na={"read-only": PUBLIC},
)
url(
    "assessments:survey_detail",
    "x:survey",
    ok={"officer": 200, "leader": 200},
    sibling=["head_a", "in_charge", "evaluator", "outsider"],
    na={"read-only": READ_ONLY_VIEW},
)
for _name in ("assessments:survey_tokens", "assessments:survey_status"):
    url(
        _name,
        "x:survey",
        methods=("POST",),
        ok={"officer": "302|400"},
        sibling=["head_a", "in_charge", "evaluator", "outsider"],
        readonly=["leader"],
    )
url(
    "assessments:survey_tokens_export",
    "x:survey",
    ok={"officer": 200},
    sibling=["head_a", "in_charge", "evaluator", "outsider"],
    readonly=["leader"],
)
url(
    "assessments:survey_open_vote",
    "x:open_survey",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    sibling=[("anon", ("x:survey",))],
    na={"read-only": PUBLIC},
)
url(
    "assessments:survey_vote",
    "x:survey",
    "x:spare_code",
    methods=("GET", "POST"),
    ok={"anon": 200},
    anon=200,
    sibling=[("anon", ("x:survey", "=FORGEDCODE"))],
    na={"read-only": PUBLIC},
)
url(
    "assessments:feedback_list",
    ok={"officer": 200, "head_a": 200, "outsider": 200},
    na={"sibling": LIST_VIEW, "read-only": READ_ONLY_VIEW},
)
for _name in ("assessments:evaluation_home", "assessments:evaluation_template"):
    url(
        _name,
        "x:schemes.open",
        ok={"evaluator": 200},
        sibling=["officer", "leader", "head_a", "outsider", ("evaluator", ("x:schemes.computed",))],
        na={"read-only": "the evaluator's own page: anyone else gets 404"},
    )
url(
    "assessments:evaluation_unit",
    "x:schemes.open",
    "unit.a",
    methods=("GET", "POST"),
    ok={"evaluator": 200},
    sibling=[
        "officer",
        "leader",
        "head_a",
        "outsider",
        ("evaluator", ("x:schemes.open", "unit.b")),
    ],
    na={"read-only": "scores belong to the assigned evaluator: anyone else gets 404"},
)
url(
    "assessments:evaluation_import",
    "x:schemes.open",
    methods=("GET", "POST"),
    ok={"evaluator": 200},
    sibling=["officer", "leader", "head_a", "outsider", ("evaluator", ("x:schemes.computed",))],
    na={"read-only": "scores belong to the assigned evaluator: anyone else gets 404"},
)
