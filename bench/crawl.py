"""The crawl: every page each role reaches from its workspace, timed, counted and weighed.

`bench_run --only crawl` signs in as each role of the data set (`ROLES`), opens the
workspace, follows the links of the pages it finds (navigation, workspace panels, lists,
details) breadth first, and for each list also its filters (one value of each select, a
word in the search box) and its deepest page. Budgets keep it bounded and the same at every
scale: at most `PER_NAME` pages per page name (e.g. two complaint detail pages), at most
`PER_VIEW` per view plus its deepest page, `MAX_DEPTH` links away from the workspace. Downloads (.xlsx, .csv and
the `*export*` views) are not timed as pages: each is fetched once, in its own process, for
its time, size and peak RSS.

Each page is fetched once to discover it (which also warms it), once more to warm it, then
timed `reps` times (fewer when it is slow: see `reps_for`) with the Django test client in
this process, as the pages step does. The query count is that of one warm request. The peak
RSS of a page is the process's high-water mark while it was served (Linux `VmHWM`, reset
through `/proc/self/clear_refs` before each page), in a process that crawls nothing but
pages; without that file, the process's `ru_maxrss` so far.

The roles the generator does not make (a subtree officer, a leader in charge of several
units) are made here with the project's services, idempotently, so the crawl also runs on
a data set loaded before the crawl existed.
"""

from __future__ import annotations

import re
import resource
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from bench.crawl_figures import page_table

Log = Callable[[str], None]

MAX_DEPTH = 4  # links away from the workspace (navigation is on every page: depth 1)
PER_NAME = 2  # pages of one name (a view with the same query keys): e.g. two detail pages
PER_VIEW = 6  # pages of one view with any query: the list, its filters, its deep page
FILTERS_PER_LIST = 4  # filter variants tried per list (one value per field, in form order)
# Timed requests per page (after two warm ones): as many as fit in the budget, at least 3.
# Twenty at province scale, so that a p95 is not the worst request under another name (of
# ten or fewer, the nearest-rank 95th percentile is the largest): a page up to 100 ms gets
# twenty, its p95 the second slowest.
REPS = {"province": (20, 2000.0), "small": (3, 0.0)}  # (most, budget in ms)
SEARCH_WORD = "推诿"  # a two-character word of the complaint texts (bench/texts.py BEHAVIOURS)
LAST_PAGE = "1000000000"  # Paginator.get_page answers an out-of-range number with the last page
SKIPPED_PREFIXES = ("/admin/", "/accounts/", "/static/", "/media/", "/i18n/", "/health/")
DOWNLOAD_SUFFIXES = (".xlsx", ".xls", ".csv", ".zip", ".pdf", ".docx")


# --- Roles ---------------------------------------------------------------------------------


@dataclass
class Role:
    key: str
    label: str
    username: str | None  # None: the public, not signed in
    start: list[str]


def roles_setup(log: Log | None = None) -> list[Role]:
    """The roles the crawl signs in as; makes the missing accounts through the services."""
    from django.contrib.auth import get_user_model

    from assessments.models import AssessmentScheme, EvaluationAssignment, RaterToken, Survey
    from units.models import Person, Responsibility, Unit
    from units.services import person_create, responsibility_assign, subtree_officer_setup

    say = log or (lambda message: None)
    users = get_user_model().objects
    root = Unit.objects.filter(depth=1).order_by("path").first()
    city = Unit.objects.filter(depth=2).order_by("path").first()
    county = Unit.objects.filter(depth=3, kind=Unit.Kind.COUNTY).order_by("path").first()
    if root is None or city is None or county is None:
        raise RuntimeError("The crawl needs the bench data set (bench_data) loaded")
    below = Unit.objects.filter(path__startswith=county.path, depth=county.depth + 1)
    departments = list(below.filter(kind=Unit.Kind.DEPARTMENT).order_by("path")) or list(
        below.order_by("path")
    )
    department = departments[0]
    workspace = reverse("units:workspace")

    # A city's discipline office: 纪检监察人员 confined to the city's subtree.
    city_officer, created = subtree_officer_setup(
        username="bench_city_officer", unit=city, name="市纪委监委（基准）"
    )
    if created:
        say(f"crawl: made bench_city_officer, jurisdiction {city.name}")

    # A county's deputy head in charge of several of its departments (分管领导).
    in_charge, created = users.get_or_create(
        username="bench_in_charge", defaults={"email": "bench_in_charge@bench.invalid"}
    )
    if created:
        in_charge.set_unusable_password()
        in_charge.save(update_fields=["password"])
    person = Person.objects.filter(user=in_charge).first() or person_create(
        name="分管副县长（基准）", title="副县长", unit=county, user=in_charge
    )
    for unit in departments[:4]:
        held = Responsibility.objects.filter(
            person=person, unit=unit, role=Responsibility.Role.LEADER_IN_CHARGE
        ).filter(end_date__isnull=True)
        if not held.exists():
            responsibility_assign(
                person=person, unit=unit, role=Responsibility.Role.LEADER_IN_CHARGE
            )
            say(f"crawl: bench_in_charge now in charge of {unit.name}")

    # Last week's digests (compiled once per period and jurisdiction; safe to run twice).
    from units.digests import digests_prepare
    from units.models import Digest

    try:
        digests_prepare(kind=Digest.Kind.WEEKLY)
    except Exception as exc:  # a digest too slow to compile is reported; the crawl goes on
        say(f"crawl: compiling last week's digests failed: {type(exc).__name__}: {exc}")

    # An evaluator with assignments (the generator assigns every unit to two evaluators).
    scheme = AssessmentScheme.objects.order_by("-year").first()
    evaluator = users.filter(
        pk__in=EvaluationAssignment.objects.filter(scheme=scheme).values("evaluator_id")[:1]
    ).first()
    if evaluator is None:
        raise RuntimeError("The data set has no evaluation assignments")

    # The public: the front page and its entries, and the survey page of an unused code.
    public = [reverse("home")]
    survey = Survey.objects.filter(status=Survey.Status.OPEN).order_by("-pk").first()
    if survey is not None:
        code = (
            RaterToken.objects.filter(survey=survey, used=False)
            .order_by("pk")
            .values_list("code", flat=True)
            .first()
        )
        if code:
            public.append(reverse("assessments:survey_vote", args=[survey.pk, code]))

    return [
        Role("officer", "纪检监察人员 (all units)", "bench_officer", [workspace]),
        Role("city_officer", f"辖区纪检监察人员 ({city.name})", city_officer.username, [workspace]),
        Role("leader", "领导", "bench_leader", [workspace]),
        Role(
            "province_head", f"单位负责人 ({root.name}, every unit below)", _head(root), [workspace]
        ),
        Role("city_head", f"单位负责人 ({city.name})", _head(city), [workspace]),
        Role("county_dept_head", f"单位负责人 ({department.name})", _head(department), [workspace]),
        Role(
            "in_charge",
            f"分管领导 ({min(4, len(departments))} units)",
            "bench_in_charge",
            [workspace],
        ),
        Role("evaluator", "考评人员 (assigned units)", evaluator.username, [workspace]),
        Role("public", "the public (not signed in)", None, public),
    ]


def _head(unit: Any) -> str:
    """The login of the unit's current first responsible person (the generator's head…)."""
    from units.models import Responsibility

    username = (
        Responsibility.objects.filter(
            unit=unit, role=Responsibility.Role.FIRST_RESPONSIBLE, end_date__isnull=True
        )
        .exclude(person__user__isnull=True)
        .order_by("pk")
        .values_list("person__user__username", flat=True)
        .first()
    )
    if username is None:
        raise RuntimeError(f"{unit.name} has no head with a login")
    return str(username)


def client_for(role: Role) -> Client:
    if role.username is None:
        return Client()
    from bench.run import logged_in, user

    return logged_in(user(role.username))


# --- Discovery -----------------------------------------------------------------------------


@dataclass
class FilterForm:
    action: str
    selects: list[tuple[str, str]] = field(default_factory=list)  # (name, first value)
    texts: list[str] = field(default_factory=list)  # names of search boxes


class Links(HTMLParser):
    """The `<a href>` links of a page and its GET forms (the filters above lists)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[FilterForm] = []
        self._form: FilterForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = FilterForm(action=a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
        elif self._form is not None and tag == "option" and self._select and a.get("value"):
            if all(name != self._select for name, _value in self._form.selects):
                self._form.selects.append((self._select, a["value"]))
        elif (
            self._form is not None
            and tag == "input"
            and a.get("type", "text") in ("text", "search")
            and a.get("name") in ("q", "search")
        ):
            self._form.texts.append(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@dataclass
class Page:
    role: str
    name: str  # view name, query keys, `page=last`: the same at every scale
    url: str
    depth: int
    found_on: str
    status: int = 0
    error: str = ""
    download: bool = False
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    repeats: int = 0  # statements of the same form as an earlier one (QueryCounter.repeats)
    rss_mb: float = 0.0
    first_ms: float = 0.0  # the first (discovering) request

    def failed(self, exc: Exception) -> None:
        """A view that raised: 500, or 504 when the statement timeout cancelled a query."""
        text = f"{type(exc).__name__}: {exc}".strip()
        if "statement timeout" in text:
            self.status = 504
            self.error = f"a query ran past the crawl's statement timeout ({self.first_ms:.0f} ms)"
            self.times_ms = [self.first_ms]  # at least this slow
        else:
            self.status, self.error = 500, text[:300]

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def p95(self) -> float:
        if not self.times_ms:
            return 0.0
        ordered = sorted(self.times_ms)
        return ordered[max(0, round(0.95 * len(ordered)) - 1)]

    @property
    def max(self) -> float:
        return max(self.times_ms) if self.times_ms else 0.0

    def row(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "page": self.name,
            "url": self.url,
            "status": self.status,
            "p50_ms": round(self.p50, 1),
            "p95_ms": round(self.p95, 1),
            "max_ms": round(self.max, 1),
            "requests": len(self.times_ms),
            "queries": self.queries,
            "repeats": self.repeats,
            "rss_mb": round(self.rss_mb, 1),
            "error": self.error,
            "found_on": self.found_on,
        }


def page_name(path: str, query: list[tuple[str, str]]) -> str | None:
    """`app:view` plus the query's keys (`page=last` for a deep page); None: not ours."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    keys = sorted({k for k, _v in query if k != "page"})
    if keys:
        name += "?" + "&".join(keys)
    if any(k == "page" for k, _v in query):
        name += ("&" if keys else "?") + "page=last"
    return name


# Pages whose names say export without being one: the list of background exports (我的导出).
NOT_DOWNLOADS = frozenset({"units:export_list"})


def is_download(path: str, view_name: str) -> bool:
    if view_name in NOT_DOWNLOADS:
        return False
    return path.endswith(DOWNLOAD_SUFFIXES) or "export" in view_name or "template" in view_name


class Crawler:
    """Breadth-first discovery of one role's pages, with the budgets above."""

    def __init__(self, role: Role, client: Client) -> None:
        self.role = role
        self.client = client
        self.seen: set[str] = set()
        self.per_name: dict[str, int] = {}
        self.per_view: dict[str, int] = {}
        self.pages: list[Page] = []
        self.downloads: list[Page] = []

    def _normalise(self, href: str, base: str) -> tuple[str, list[tuple[str, str]]] | None:
        if href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return None
        parts = urlsplit(urljoin("http://testserver" + base, href))
        if parts.netloc != "testserver" or parts.path.startswith(SKIPPED_PREFIXES):
            return None
        query = parse_qsl(parts.query, keep_blank_values=False)
        if any(k == "page" for k, _v in query):
            # Not page 2: the deepest page of the list, where OFFSET costs most.
            query = [(k, v) for k, v in query if k != "page"] + [("page", LAST_PAGE)]
        return parts.path, query

    def offer(self, href: str, *, base: str, depth: int) -> None:
        found = self._normalise(href, base)
        if found is None:
            return
        path, query = found
        url = path + ("?" + urlencode(query) if query else "")
        if url in self.seen:
            return
        name = page_name(path, query)
        if name is None:
            return
        view = name.split("?")[0]
        if name.endswith("page=last"):
            view += " deep"  # one deep page per list, whatever its filters took
            if self.per_view.get(view, 0) >= 1:
                return
        elif self.per_name.get(name, 0) >= PER_NAME or self.per_view.get(view, 0) >= PER_VIEW:
            return
        self.seen.add(url)
        self.per_name[name] = self.per_name.get(name, 0) + 1
        self.per_view[view] = self.per_view.get(view, 0) + 1
        page = Page(role=self.role.key, name=name, url=url, depth=depth, found_on=base)
        if is_download(path, view):
            page.download = True
            self.downloads.append(page)
        else:
            self.pages.append(page)

    def fetch(self, page: Page) -> Any:
        """The first GET: timed, counted, weighed; an exception is reported, not raised."""
        _hwm_reset()
        counter = QueryCounter()
        started = time.perf_counter()
        response: Any
        try:
            with connection.execute_wrapper(counter):
                response = self.client.get(page.url)
        except Exception as exc:
            response = exc
        page.first_ms = (time.perf_counter() - started) * 1000
        page.queries, page.repeats = counter.count, counter.repeats
        page.rss_mb = _hwm_mb()
        return response

    def discover(self, log: Log) -> None:
        for url in self.role.start:
            self.offer(url, base=url, depth=0)
        done = 0
        while done < len(self.pages):
            page = self.pages[done]
            done += 1
            response = self.fetch(page)
            if isinstance(response, Exception):
                page.failed(response)
                log(f"crawl: {self.role.key} {page.url}: {page.status} {page.error}")
                continue
            page.status = response.status_code
            if page.first_ms > 300:  # seen at once in the log, long before the table
                log(
                    f"crawl: {self.role.key} {page.name}: {page.first_ms:.0f} ms on first "
                    f"request, {page.queries} queries ({page.url})"
                )
            if response.status_code in (301, 302, 303, 307, 308):
                # A redirect is not a page of its own: follow it at the same depth.
                self.offer(response["Location"], base=page.url, depth=page.depth)
                continue
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if "html" not in kind or response.has_header("Content-Disposition"):
                page.download = True
                self.downloads.append(page)
                continue
            if page.depth >= MAX_DEPTH:
                continue
            parser = Links()
            parser.feed(response.content.decode("utf-8", errors="replace"))
            for href in parser.links:
                self.offer(href, base=page.url, depth=page.depth + 1)
            for form in parser.forms:
                action = form.action or urlsplit(page.url).path
                variants = [[(n, v)] for n, v in form.selects] + [
                    [(n, SEARCH_WORD)] for n in form.texts
                ]
                for params in variants[:FILTERS_PER_LIST]:
                    self.offer(f"{action}?{urlencode(params)}", base=page.url, depth=page.depth + 1)
        self.pages = [p for p in self.pages if not p.download and p.status not in (301, 302, 303)]


# --- Measuring -----------------------------------------------------------------------------


# A statement's form, its values aside: what is the same query run again for another row.
_SQL_VALUES = re.compile(r"%s|'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_SQL_LISTS = re.compile(r"\((?:\?, )+\?\)")


def statement_form(sql: str) -> str:
    """`sql` with its values (parameters, strings, numbers, IN lists) as `?`."""
    return _SQL_LISTS.sub("(?)", _SQL_VALUES.sub("?", sql))


class QueryCounter:
    """The statements of one request: how many, and how many of them repeat the form of an
    earlier one (a query per row shows as repeats that grow with the rows)."""

    def __init__(self) -> None:
        self.count = 0
        self.forms: set[str] = set()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        self.forms.add(statement_form(sql))
        return execute(sql, params, many, context)

    @property
    def repeats(self) -> int:
        return self.count - len(self.forms)


def _hwm_reset() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _hwm_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            found = re.search(r"VmHWM:\s+(\d+)", f.read())
        if found:
            return int(found.group(1)) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reps_for(first_ms: float, most: int, budget_ms: float = 1000.0) -> int:
    """Timed requests for a page whose warm request took `first_ms`: what fits in the
    budget, at least 3 (at most `most`); one for a page slower than 5 s."""
    if first_ms > 5000:
        return 1
    return max(min(3, most), min(most, int(budget_ms / max(first_ms, 1.0))))


def measure(client: Client, page: Page, reps: int, budget_ms: float = 1000.0) -> None:
    """Warm once more and count the queries, then time `reps` requests (fewer when slow).

    A page whose first request took over 5 s keeps that one request as its time (cold, an
    underestimate of nothing: it is already far past every goal).
    """
    if page.first_ms > 5000:
        page.times_ms = [page.first_ms]
        return
    _hwm_reset()
    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        response = client.get(page.url)
    warm_ms = (time.perf_counter() - started) * 1000
    page.queries, page.repeats = counter.count, counter.repeats
    if response.status_code != 200:
        page.status = response.status_code
        return
    for _ in range(reps_for(warm_ms, reps, budget_ms)):
        started = time.perf_counter()
        response = client.get(page.url)
        page.times_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            page.status = response.status_code
            return
    page.rss_mb = max(page.rss_mb, _hwm_mb())


def crawl(
    roles: Iterable[Role],
    *,
    log: Log,
    reps: int = 20,
    budget_ms: float = 1000.0,
    progress: Callable[[list[Page]], None] | None = None,
) -> tuple[list[Page], list[tuple[Role, Page]]]:
    """Every role's pages (measured when `reps` > 0) and the downloads they link to.

    `progress` is called with the pages so far after each role (the table, long before the
    end of a province crawl)."""
    pages: list[Page] = []
    downloads: list[tuple[Role, Page]] = []
    for role in roles:
        client = client_for(role)
        crawler = Crawler(role, client)
        started = time.perf_counter()
        crawler.discover(log)
        found = crawler.pages
        log(
            f"crawl: {role.key}: {len(found)} pages, {len(crawler.downloads)} downloads "
            f"found in {time.perf_counter() - started:.1f}s"
        )
        if reps:
            for page in found:
                if page.status == 200:
                    try:
                        measure(client, page, reps, budget_ms)
                    except Exception as exc:
                        page.failed(exc)
            slow = max(found, key=lambda p: p.max, default=None)
            if slow is not None:
                log(
                    f"crawl: {role.key}: measured in {time.perf_counter() - started:.1f}s, "
                    f"slowest {slow.name} {slow.max:.0f} ms"
                )
        pages.extend(found)
        downloads.extend((role, d) for d in crawler.downloads)
        if progress is not None:
            progress(pages)
    return pages, downloads


# --- Child processes -----------------------------------------------------------------------


def crawl_in_this_process(*, scale: str, log: Log) -> dict[str, Any]:
    """Run by the crawl's child process: every role's pages, and the downloads to fetch.

    Each download view once: unfiltered where a role links to it so (the largest file), as
    the first role in `roles_setup`'s order that links to it (the widest scope first).
    """
    import logging

    from bench.run import crawl_table_path

    # A page that raises is reported in the table; Django's own log of it would drown the
    # crawl's (a statement timeout is a page of traceback).
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    roles = roles_setup(log)
    # As a web worker does at the end of its start-up (config.wsgi): the objects alive now
    # are set aside from the collector, so a full collection does not land on a page's time.
    from config.heap import freeze_startup_objects

    freeze_startup_objects()
    most, budget = REPS.get(scale, REPS["small"])
    path = crawl_table_path(scale)

    def progress(pages: list[Page]) -> None:
        rows = [p.row() for p in pages]
        done = ", ".join(dict.fromkeys(p.role for p in pages))
        path.write_text(page_table(rows, [], title=f"Crawl in progress ({scale}): {done} done"))

    pages, downloads = crawl(roles, log=log, reps=most, budget_ms=budget, progress=progress)
    wanted: dict[str, dict[str, Any]] = {}
    for role, page in downloads:
        view = page.name.split("?")[0]
        known = wanted.get(view)
        if role.username is None or (
            known is not None and ("?" not in known["url"] or "?" in page.url)
        ):
            continue
        wanted[view] = {"role": role.key, "username": role.username, "page": view, "url": page.url}
    return {"pages": [p.row() for p in pages], "downloads": list(wanted.values())}


def fetch_in_this_process(*, username: str, url: str) -> dict[str, Any]:
    """Run by a download's child process: fetch it whole, its time, size and peak RSS."""
    from bench.run import logged_in, user

    client = logged_in(user(username))
    started = time.perf_counter()
    response: Any = client.get(url)
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    elapsed = time.perf_counter() - started
    return {
        "status": response.status_code,
        "seconds": round(elapsed, 2),
        "mb": round(size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
