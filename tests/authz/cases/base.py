"""The authorization cases: the vocabulary every section module uses (see cases/__init__.py).

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
