"""The measurements behind `make bench`: each returns its figures for results.json.

Run through `manage.py bench_run` on a database loaded by `manage.py bench_data`. The
measurements change the data (scoring writes results, the sweep escalates, the import
adds items, the load tests add complaints and votes), so `make bench` loads a fresh set
before every run.
"""

from __future__ import annotations

import io
import json
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

BASE_DIR = Path(settings.BASE_DIR)

KEYS = [
    "scoring_s",
    "scoring_sql_floor_s",
    "scoring_ratio",
    "dashboard_p95_ms",
    "ranking_p95_ms",
    "complaint_ledger_p95_ms",
    "rectification_ledger_p95_ms",
    "unit_page_p95_ms",
    "dashboard_queries",
    "ranking_queries",
    "complaint_ledger_queries",
    "rectification_ledger_queries",
    "unit_page_queries",
    "sweep_s",
    "sweep_resend",
    "import_rows_per_s",
    "import_copy_floor_rows_per_s",
    "import_ratio_to_copy",
    "export_rows_per_s",
    "export_peak_rss_mb",
    "intake_rps",
    "intake_p99_ms",
    "intake_ratio_to_floor",
    "survey_rps",
    "survey_p99_ms",
    "survey_floor_rps",
    "survey_floor_p99_ms",
    "survey_ratio_to_floor",
    "api_push_rps",
    "api_push_p99_ms",
    "api_changes_p95_ms",
    "api_changes_queries",
    "crawl_pages",
    "crawl_p95_ms",
    "crawl_max_ms",
    "crawl_queries_max",
    "crawl_peak_rss_mb",
    "crawl_export_peak_rss_mb",
    "crawl_errors",
    "crawl_slowest",
    "crawl_failed",
    "crawl_exports",
    "crawl_queries",
    "crawl_repeats",
]
GOALS = {
    "scoring_s": ("<=", 15),
    "scoring_ratio": ("<=", 2),
    "dashboard_p95_ms": ("<=", 200),
    "ranking_p95_ms": ("<=", 200),
    "complaint_ledger_p95_ms": ("<=", 200),
    "rectification_ledger_p95_ms": ("<=", 200),
    "unit_page_p95_ms": ("<=", 200),
    "dashboard_queries": ("<=", 20),
    "ranking_queries": ("<=", 20),
    "complaint_ledger_queries": ("<=", 20),
    "rectification_ledger_queries": ("<=", 20),
    "unit_page_queries": ("<=", 20),
    "sweep_s": ("<=", 30),
    "sweep_resend": ("<=", 0),
    "import_rows_per_s": (">=", 4000),
    "export_peak_rss_mb": ("<=", 300),
    "intake_rps": (">=", 300),
    "intake_p99_ms": ("<=", 300),
    "survey_rps": (">=", 300),
    "survey_p99_ms": ("<=", 300),
    "api_push_rps": (">=", 300),
    "api_push_p99_ms": ("<=", 300),
    "api_changes_p95_ms": ("<=", 100),
    "api_changes_queries": ("<=", 20),
    "crawl_p95_ms": ("<=", 150),
    "crawl_max_ms": ("<=", 300),
    "crawl_peak_rss_mb": ("<=", 300),
    "crawl_export_peak_rss_mb": ("<=", 300),
    "crawl_errors": ("<=", 0),
}

Log = Callable[[str], None]


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def root_head() -> Any:
    from units.models import Unit

    root = Unit.objects.filter(depth=1).order_by("path").first()
    return user(f"head{root.pk:06d}")


def logged_in(who: Any) -> Client:
    """A test client logged in as `who`, past the second factor where staff need one."""
    client = Client()
    client.force_login(who)
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from units.security import requires_two_factor
    except ImportError:  # no two-factor login in this version
        return client
    if requires_two_factor(who):
        device = TOTPDevice.objects.filter(user=who, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=who, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class QueryCounter:
    """Counts the statements a request runs (request_started clears connection.queries)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


# --- Scoring ------------------------------------------------------------------------------


def measure_scoring(log: Log) -> dict[str, Any]:
    from assessments import scoring
    from assessments.models import AssessmentResult, AssessmentScheme
    from assessments.tasks import compute_scheme
    from bench.floor import floor_totals

    scheme = AssessmentScheme.objects.order_by("-year").first()
    started = time.perf_counter()
    count = compute_scheme(scheme.pk)  # the Celery task's body, run in this process
    scoring_s = time.perf_counter() - started
    log(f"scoring: {count} units in {scoring_s:.2f}s")
    scheme.refresh_from_db()
    started = time.perf_counter()
    totals = floor_totals(scheme=scheme, cutoff=scoring.fact_cutoff(scheme.year))
    floor_s = time.perf_counter() - started
    stored = dict(AssessmentResult.objects.filter(scheme=scheme).values_list("unit_id", "total"))
    mismatched = sum(1 for unit, total in stored.items() if totals.get(unit) != total)
    log(f"scoring floor: {len(totals)} totals in {floor_s:.2f}s, {mismatched} differ")
    if mismatched or len(totals) != len(stored):
        raise RuntimeError(f"The SQL floor disagrees with the scoring task on {mismatched} units")
    return {
        "scoring_s": round(scoring_s, 2),
        "scoring_sql_floor_s": round(floor_s, 2),
        "scoring_ratio": round(scoring_s / floor_s, 2),
    }


# --- Pages --------------------------------------------------------------------------------


def pages() -> dict[str, tuple[Any, str]]:
    """Page name → (user, url): each page as the role that uses it."""
    from assessments.models import AssessmentScheme
    from campaign.models import Campaign
    from units.models import AssessmentGroup, Unit

    scheme = AssessmentScheme.objects.order_by("-year").first()
    campaign = Campaign.objects.filter(status=Campaign.Status.ACTIVE).order_by("-year").first()
    township = AssessmentGroup.objects.get(name="乡镇（街道）")
    # A county with its departments and townships below it.
    county = Unit.objects.filter(depth=3).order_by("path").first()
    officer, leader = user("bench_officer"), user("bench_leader")
    dashboard = reverse("assessments:dashboard", args=[scheme.pk])
    return {
        "dashboard": (leader, dashboard),
        "ranking": (leader, f"{dashboard}?group={township.pk}"),
        "complaint_ledger": (officer, reverse("complaints:ledger")),
        "rectification_ledger": (officer, reverse("campaign:ledger", args=[campaign.pk])),
        "unit_page": (officer, reverse("units:unit_detail", args=[county.pk])),
    }


def measure_pages(log: Log, requests: int = 50) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, (who, url) in pages().items():
        client = logged_in(who)
        for _ in range(3):  # warm the connection, caches and templates
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            client.get(url)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, url, response.status_code)
        figures[f"{name}_p95_ms"] = round(p95(times), 1)
        figures[f"{name}_queries"] = counter.count
        log(
            f"{name}: p95 {p95(times):.1f} ms, median {statistics.median(times):.1f} ms, "
            f"{counter.count} queries ({url})"
        )
    return figures


# --- Crawl: every role's every page (bench/crawl.py) ---------------------------------------


def crawl_table_path(scale: str) -> Path:
    return BASE_DIR / "bench" / ("crawl.txt" if scale == "province" else f"crawl-{scale}.txt")


def _child(args: list[str], timeout: float | None = None, pg_options: str = "") -> dict[str, Any]:
    """Run `manage.py bench_run <args>` in a fresh process; its last line of output is JSON."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    if pg_options:  # libpq reads PGOPTIONS: settings for every connection of the child
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {pg_options}".strip()
    out = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(BASE_DIR / "manage.py"), "bench_run", *args],
        check=True,
        stdout=subprocess.PIPE,  # the child logs to stderr, which goes to ours
        text=True,
        env=env,
        cwd=BASE_DIR,
        timeout=timeout,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure_crawl(log: Log, *, scale: str) -> dict[str, Any]:
    """The crawl in a child process (its RSS is the pages' alone), then each download in one."""
    from bench import crawl_figures

    # A page still waiting on a query after this long is reported as such (status 504, at
    # least this slow), so that one pathological page cannot hold the crawl for minutes.
    timeout_ms = int(os.environ.get("BENCH_CRAWL_STATEMENT_TIMEOUT_MS") or 30_000)
    found = _child(
        ["--crawl-child", "--scale", scale], pg_options=f"-c statement_timeout={timeout_ms}"
    )
    rows: list[dict[str, Any]] = found["pages"]
    exports: list[dict[str, Any]] = []
    limit = 600.0 if scale == "province" else 120.0
    wanted = os.environ.get("BENCH_CRAWL_DOWNLOADS", "1") != "0"
    for download in found["downloads"] if wanted else []:
        entry = {k: download[k] for k in ("role", "page", "url")}
        try:
            entry.update(
                _child(["--fetch-child", download["username"], download["url"]], timeout=limit)
            )
            entry["error"] = ""
        except subprocess.TimeoutExpired:
            entry.update(status=0, seconds=limit, mb=None, peak_rss_mb=None)
            entry["error"] = f"not finished in {limit:.0f} s"
        except subprocess.CalledProcessError as exc:
            entry.update(status=500, seconds=None, mb=None, peak_rss_mb=None)
            entry["error"] = f"the child failed ({exc.returncode})"
        log(
            f"download {entry['role']} {entry['page']}: {entry['seconds']} s, {entry['mb']} MB, "
            f"peak RSS {entry['peak_rss_mb']} MB{'  ' + entry['error'] if entry['error'] else ''}"
        )
        exports.append(entry)
    figures = crawl_figures.figures(rows, exports)
    stamp = f"{timezone.now():%Y-%m-%d %H:%M} UTC"
    path = crawl_table_path(scale)
    title = (
        f"Crawl at {scale} scale on {connection.settings_dict['NAME']}, {stamp}: "
        f"{figures['crawl_pages']} pages, p95 worst {figures['crawl_p95_ms']} ms, "
        f"max {figures['crawl_max_ms']} ms, {figures['crawl_errors']} errors"
    )
    path.write_text(crawl_figures.page_table(rows, exports, title=title))
    log(f"crawl: {title}; every page in {path.relative_to(BASE_DIR)}")
    return figures


# --- Sweep --------------------------------------------------------------------------------


def measure_sweep(log: Log) -> dict[str, Any]:
    from campaign.services import reminders_sweep
    from complaints.services import complaints_escalation_sweep
    from units.models import Notification

    def sweep() -> None:
        reminders_sweep()
        complaints_escalation_sweep()

    before = Notification.objects.count()
    started = time.perf_counter()
    sweep()
    sweep_s = time.perf_counter() - started
    after_first = Notification.objects.count()
    sweep()
    resend = Notification.objects.count() - after_first
    log(f"sweep: {after_first - before} notices in {sweep_s:.2f}s; second sweep sent {resend}")
    return {"sweep_s": round(sweep_s, 2), "sweep_resend": resend}


# --- Import -------------------------------------------------------------------------------


def ledger_workbook(rows: int, *, stamp: str = "") -> bytes:
    """A unit's ledger as exported, with the numbers cleared: `rows` new items.

    `stamp` makes the problems differ from an earlier run's, which the import would
    otherwise take for repeats and leave out.
    """
    from openpyxl import Workbook

    from campaign.models import Campaign, RectificationItem
    from campaign.resources import LedgerResource

    campaign = Campaign.objects.filter(status=Campaign.Status.ACTIVE).order_by("-year").first()
    sample = list(
        RectificationItem.objects.filter(campaign=campaign)
        .select_related("unit", "category")
        .order_by("pk")[:500]
    )
    resource = LedgerResource(campaign=campaign, user=None)
    dataset = resource.export(
        queryset=RectificationItem.objects.filter(pk__in=[i.pk for i in sample])
    )
    headers = list(dataset.headers)
    number = headers.index("编号")
    problem = headers.index("问题描述")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.append(headers)
    for k in range(rows):
        row = list(dataset[k % len(dataset)])
        row[number] = ""
        row[problem] = f"{row[problem]}（导入{stamp}第{k + 1}条）"
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def copy_floor_seconds(model: Any, since_pk: int) -> tuple[int, float]:
    """A bare COPY of the rows just imported (every column) into a scratch table: the floor.

    Returns the rows copied and the seconds the COPY took (rendering the rows included).
    """
    from units.bulk import copy_rows

    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quoted} FROM {connection.ops.quote_name(table)} WHERE id > %s ORDER BY id",  # noqa: S608
            [since_pk],
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE IF EXISTS bench_import_floor")
        cursor.execute(
            f"CREATE TEMP TABLE bench_import_floor (LIKE {connection.ops.quote_name(table)})"
        )
        started = time.perf_counter()
        copy_rows(model, columns, rows, table="bench_import_floor")
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_import_floor")
    return len(rows), elapsed


def measure_import(log: Log, rows: int = 20_000) -> dict[str, Any]:
    """Preview and commit of a `rows`-row ledger through the page, beside a bare COPY."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import Max

    from campaign.models import Campaign, RectificationItem

    campaign = Campaign.objects.filter(status=Campaign.Status.ACTIVE).order_by("-year").first()
    content = ledger_workbook(rows, stamp=f"{time.time_ns():x}")
    client = logged_in(root_head())
    url = reverse("campaign:ledger_import", args=[campaign.pk])
    before = RectificationItem.objects.count()
    last_pk = RectificationItem.objects.aggregate(last=Max("pk"))["last"] or 0
    started = time.perf_counter()
    upload = SimpleUploadedFile("ledger.xlsx", content)
    preview = client.post(url, {"file": upload})
    found = re.search(r'name="token" value="([0-9a-f]+)"', preview.content.decode())
    if found is None:
        raise RuntimeError(f"The import preview refused the file: {preview.content[:3000]!r}")
    token = found.group(1)
    confirmed = client.post(url, {"token": token})
    elapsed = time.perf_counter() - started
    added = RectificationItem.objects.count() - before
    if confirmed.status_code != 302 or added != rows:
        body = confirmed.content.decode(errors="replace")
        problems = re.findall(r"<td[^>]*>([^<]{3,200})</td>", body)[:20]
        raise RuntimeError(
            f"The import did not commit ({confirmed.status_code}, {added} added): {problems}"
        )
    copied, copy_elapsed = copy_floor_seconds(RectificationItem, last_pk)
    log(
        f"import: {rows} rows previewed and committed in {elapsed:.1f}s; "
        f"a bare COPY of them {copy_elapsed:.2f}s"
    )
    floor = copied / copy_elapsed if copy_elapsed else None
    return {
        "import_rows_per_s": round(rows / elapsed, 1),
        "import_copy_floor_rows_per_s": round(floor, 1) if floor else None,
        # How many times longer the import (preview and commit) takes than the bare COPY.
        "import_ratio_to_copy": round(elapsed / copy_elapsed, 2) if copy_elapsed else None,
    }


# --- Export -------------------------------------------------------------------------------


def export_in_this_process() -> dict[str, Any]:
    """Run by the child process: the complaint ledger's CSV export as the officer, the way
    they get it: directly when small, else as a background export (我的导出) built here as
    the worker builds it (units.exports.export_build, the file stored and then deleted);
    rows, seconds, bytes, peak RSS."""
    from units import exports

    officer = user("bench_officer")
    client = logged_in(officer)
    started = time.perf_counter()
    response = client.get(reverse("complaints:export_csv"))
    assert response.status_code == 200, response.status_code
    if response.streaming:
        lines = size = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            size += len(chunk)
        rows, mode = lines - 1, "direct"
    else:
        # The offer page: what its button posts, then the worker's part, in this process.
        job, _created = exports.export_request(
            user=officer, kind="complaints.ledger_csv", params=""
        )
        exports.export_build(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == job.Status.DONE, (job.status, job.error)
        rows, size, mode = job.rows, job.size, "background"
        job.file.delete(save=False)
        job.delete()
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "seconds": elapsed,
        "bytes": size,
        "mode": mode,
        "peak_rss_mb": peak_kb / 1024,
    }


def measure_export(log: Log) -> dict[str, Any]:
    from complaints.models import Complaint

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    out = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, str(BASE_DIR / "manage.py"), "bench_run", "--export-child"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=BASE_DIR,
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    expected = Complaint.objects.count()
    if found["rows"] != expected:
        raise RuntimeError(f"The export has {found['rows']} rows, the database {expected}")
    log(
        f"export ({found['mode']}): {found['rows']} rows, {found['bytes'] / 1e6:.0f} MB in "
        f"{found['seconds']:.1f}s, peak RSS {found['peak_rss_mb']:.0f} MB"
    )
    return {
        "export_rows_per_s": round(found["rows"] / found["seconds"], 1),
        "export_peak_rss_mb": round(found["peak_rss_mb"], 1),
    }


# --- Intake and survey against gunicorn ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    def __init__(self, workers: int) -> None:
        self.port = _free_port()
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                "--backlog=2048",
                "--log-level=warning",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _spread(rows: Any, count: int = 500) -> list[Any]:
    """`count` rows taken evenly from the whole list (every city's and county's units, not
    the first city's): the load's cases land across the province as real intake does."""
    rows = list(rows)
    return rows[:: max(1, len(rows) // count)][:count]


def measure_http(log: Log, seconds: float, threads: int, workers: int) -> dict[str, Any]:
    from assessments import services as assessment_services
    from assessments.models import RaterCategory, RaterToken, Survey, SurveyResponse
    from bench import floor_view, texts
    from bench.load import run_load
    from complaints.models import Complaint, ComplaintCategory
    from units.models import Unit

    categories = list(ComplaintCategory.objects.values_list("pk", flat=True))
    units = _spread(Unit.objects.filter(depth__gte=3).order_by("path").values_list("pk", "name"))
    with Gunicorn(workers) as server:

        def load(make_request: Any, for_seconds: float = seconds) -> Any:
            return run_load(
                host="127.0.0.1",
                port=server.port,
                seconds=for_seconds,
                threads=threads,
                make_request=make_request,
            )

        def complaint(i: int, n: int, session: Any) -> tuple[str, list[tuple[str, str]]]:
            return "/complaints/submit/", _complaint_fields(i, n, session)

        def _complaint_fields(i: int, n: int, session: Any) -> list[tuple[str, str]]:
            unit_id, unit_name = units[(i * 7919 + n) % len(units)]
            behaviour = texts.BEHAVIOURS[n % len(texts.BEHAVIOURS)]
            return [
                ("title", f"反映{unit_name}{behaviour}"[:120]),
                ("content", f"本人到{unit_name}办理业务，工作人员{behaviour}，请调查处理。"),
                ("category", str(categories[n % len(categories)])),
                ("subject_unit", str(unit_id)),
                ("subject_person", ""),
                ("name", "张三" if n % 3 else ""),
                ("phone", "13800138000" if n % 3 else ""),
                ("id_number", ""),
                ("contact", ""),
                ("website", ""),
                ("token", session.form_token),
            ]

        # Warm every worker's imports and connections before timing.
        load(complaint, 2)
        survey = Survey.objects.filter(status=Survey.Status.OPEN).order_by("-pk").first()
        codes: list[str] = []
        dimensions = list(survey.dimensions.values_list("pk", flat=True))
        options = list(survey.scale.values_list("pk", flat=True))
        rated_units = list(survey.units.values_list("pk", flat=True))
        handed: list[int] = [0]
        import threading

        lock = threading.Lock()

        def ratings(i: int, n: int) -> list[tuple[str, str]]:
            fields = []
            start = (i * 131 + n * 17) % len(rated_units)
            for k in range(5):  # a rater rates the five units they deal with
                unit_id = rated_units[(start + k) % len(rated_units)]
                for d, dimension in enumerate(dimensions):
                    fields.append((f"r_{unit_id}_{dimension}", str(options[(n + d + k) % 3 // 2])))
            return fields

        def vote(i: int, n: int, session: Any) -> tuple[str, list[tuple[str, str]]]:
            with lock:
                code = codes[handed[0] % len(codes)]
                handed[0] += 1
            return f"/assessments/survey/{survey.pk}/{code}/", ratings(i, n)

        def floor_vote(i: int, n: int, session: Any) -> tuple[str, list[tuple[str, str]]]:
            # The same form to a bare view doing one INSERT (bench/floor_view.py).
            return f"/bench/floor/F{i}x{n}/", ratings(i, n)

        with connection.cursor() as cursor:
            cursor.execute(floor_view.CREATE)
        # The floor first: what the host and Django cost a request that writes one row,
        # measured once for both the intake's ratio and the votes'.
        floor = load(floor_vote)
        log(
            f"floor: {floor.rps:.1f} rps, p99 {floor.percentile(99):.0f} ms, "
            f"{floor.ok} ok, {floor.failed} failed {floor.statuses}"
        )
        # Fresh one-time codes, made with the real service, so every vote is a new rater:
        # as many as the floor's rate would use (no vote is cheaper than the bare INSERT).
        needed = int(seconds * max(floor.rps, 400) * 1.1) + 1000
        for category in RaterCategory.objects.filter(survey=survey):
            made = 0
            while made < needed // 5 + 1:
                count = min(50_000, needed // 5 + 1 - made)
                assessment_services.tokens_generate(
                    survey=survey, category=category, count=count, actor=None
                )
                made += count
        codes.extend(
            RaterToken.objects.filter(survey=survey, used=False)
            .order_by("-pk")
            .values_list("code", flat=True)[:needed]
        )
        settle(log)  # the codes' writes reach the disk before the intake is timed
        before = Complaint.objects.count()
        intake = load(complaint)
        stored = Complaint.objects.count() - before
        log(
            f"intake: {intake.rps:.1f} rps, p99 {intake.percentile(99):.0f} ms, "
            f"{intake.ok} ok, {intake.failed} failed {intake.statuses}, {stored} stored"
        )
        responses_before = SurveyResponse.objects.filter(survey=survey).count()
        votes = load(vote)
        filed = SurveyResponse.objects.filter(survey=survey).count() - responses_before
        log(
            f"survey: {votes.rps:.1f} rps, p99 {votes.percentile(99):.0f} ms, "
            f"{votes.ok} ok, {votes.failed} failed {votes.statuses}, {filed} responses filed"
        )
        if handed[0] > len(codes):
            raise RuntimeError("The survey load ran out of fresh codes")
        if filed != 5 * votes.ok:
            raise RuntimeError(f"{votes.ok} votes filed {filed} responses, not 5 each")
    return {
        "intake_rps": round(intake.rps, 1),
        "intake_p99_ms": round(intake.percentile(99), 1),
        "intake_ratio_to_floor": round(intake.rps / floor.rps, 3) if floor.rps else None,
        "survey_rps": round(votes.rps, 1),
        "survey_p99_ms": round(votes.percentile(99), 1),
        "survey_floor_rps": round(floor.rps, 1),
        "survey_floor_p99_ms": round(floor.percentile(99), 1),
        # The votes' rate as a share of the bare INSERT's, served alike in the same run.
        "survey_ratio_to_floor": round(votes.rps / floor.rps, 3) if floor.rps else None,
    }


# --- The integration API: pushes against gunicorn, the changes feed in process -------------


def _api_push_load(
    *, port: int, secret: str, seconds: float, threads: int, run_id: str, unit_codes: list[str]
) -> Any:
    """`threads` clients POSTing complaints as JSON with the key, each ticket new (a retry of
    one is a 200 with the same id: the idempotency is exercised by the tests, not timed)."""
    import http.client
    import threading

    from bench.load import LoadResult

    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        latencies: list[float] = []
        ok = failed = n = 0
        statuses: dict[int, int] = {}
        while time.monotonic() < deadline:
            body = json.dumps(
                {
                    "ticket": f"BENCH-{run_id}-{index}-{n}",
                    "title": "窗口工作人员推诿",
                    "content": f"来电反映办理业务时窗口工作人员推诿，第{n}次来电。",
                    "subject_unit": unit_codes[(index * 7919 + n) % len(unit_codes)],
                    "phone": "13800138000" if n % 3 else "",
                },
                ensure_ascii=False,
            ).encode()
            n += 1
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request(
                    "POST",
                    "/api/v1/complaints/",
                    body=body,
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {secret}",
                    },
                )
                response = conn.getresponse()
                response.read()
                conn.close()
            except OSError:
                failed += 1
                continue
            ms = (time.perf_counter() - started) * 1000
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status in (200, 201):
                ok += 1
                latencies.append(ms)
            else:
                failed += 1
        with lock:
            result.ok += ok
            result.failed += failed
            result.latencies_ms += latencies
            for code, count in statuses.items():
                result.statuses[code] = result.statuses.get(code, 0) + count

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return result


def _complaint_transitions(log: Log) -> None:
    """The feed pages over the transition records, which bench_data does not load: give each
    complaint its 登记 record and, past 登记, one to its present state (two SQL statements)."""
    from complaints.models import Complaint, ComplaintTransition

    if ComplaintTransition.objects.count() >= Complaint.objects.count():
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO complaints_complainttransition
                (complaint_id, actor_id, from_status, to_status, comment, created_at)
            SELECT c.id, NULL, step.from_status, step.to_status, '', step.at
            FROM complaints_complaint c
            CROSS JOIN LATERAL (VALUES
                ('', 'registered', c.received_at),
                ('registered', c.status, COALESCE(c.closed_at, c.received_at + interval '1 day'))
            ) AS step(from_status, to_status, at)
            WHERE NOT EXISTS (
                SELECT 1 FROM complaints_complainttransition t WHERE t.complaint_id = c.id
            ) AND (step.from_status = '' OR c.status <> 'registered')
            ORDER BY step.at, c.id
            """
        )
        added = cursor.rowcount
        cursor.execute("ANALYZE complaints_complainttransition")
    log(f"api: {added} transition records added in {time.perf_counter() - started:.1f} s")


def measure_api(log: Log, seconds: float, threads: int, workers: int) -> dict[str, Any]:
    """api_push_rps / api_push_p99_ms: complaints pushed through the API with a key by
    `threads` clients; api_changes_p95_ms / api_changes_queries: pages of the changes feed,
    read by that client (its cases) and by the county's head (every case) at several cursors."""
    from complaints.api.views import encode_cursor
    from complaints.models import ComplaintTransition
    from units.api.services import api_key_issue
    from units.models import IntegrationClient, Unit

    client, _ = IntegrationClient.objects.update_or_create(
        name="bench 12345 热线",
        defaults={"can_push_complaints": True, "can_read_status": True, "rate": "1000000/min"},
    )
    secret = api_key_issue(client=client, actor=None).secret
    codes = _spread(
        Unit.objects.filter(depth__gte=3)
        .exclude(code="")
        .order_by("path")
        .values_list("code", flat=True)
    )
    run_id = f"{int(time.time())}"
    _complaint_transitions(log)
    with Gunicorn(workers) as server:
        # Warm every worker's imports and connections before timing.
        _api_push_load(
            port=server.port,
            secret=secret,
            seconds=2,
            threads=threads,
            run_id=f"{run_id}w",
            unit_codes=codes,
        )
        push = _api_push_load(
            port=server.port,
            secret=secret,
            seconds=seconds,
            threads=threads,
            run_id=run_id,
            unit_codes=codes,
        )
    log(
        f"api push: {push.rps:.1f} rps, p99 {push.percentile(99):.0f} ms, "
        f"{push.ok} ok, {push.failed} failed {push.statuses}"
    )

    keyed = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    head = logged_in(root_head())
    last = ComplaintTransition.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    own = list(
        ComplaintTransition.objects.filter(complaint__source_client=client)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cursors = [0, last // 2, max(last - 150, 0)] + ([own[len(own) // 2]] if own else [])
    timings: list[float] = []
    queries = 0
    for n in range(60):
        browser = keyed if n % 2 else head
        cursor = cursors[(n // 2) % len(cursors)]
        url = f"/api/v1/complaints/changes/?cursor={encode_cursor(cursor)}&limit=100"
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            response = browser.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"changes feed answered {response.status_code}: {url}")
        queries = max(queries, counter.count)
    log(f"api changes: p95 {p95(timings[4:]):.1f} ms, {queries} queries at most")
    return {
        "api_push_rps": round(push.rps, 1),
        "api_push_p99_ms": round(push.percentile(99), 1),
        "api_changes_p95_ms": round(p95(timings[4:]), 1),
        "api_changes_queries": queries,
    }


# --- All ----------------------------------------------------------------------------------


STEPS = ["scoring", "pages", "crawl", "sweep", "import", "export", "http", "api"]


def settle(log: Log) -> None:
    """Before a timed step: what the steps before it wrote goes to disk first, so that its
    time does not include their write-back. The export writes a file of some 460 MB and
    the import and sweep fill PostgreSQL's buffers; left to the kernel and the
    checkpointer, those writes ran during the next step (the http step came right after
    the export). A CHECKPOINT needs a superuser or pg_checkpoint, which the bench's role
    may not have: then only the kernel's buffers are written."""
    started = time.perf_counter()
    os.sync()
    with connection.cursor() as cursor:
        cursor.execute(
            # pg_checkpoint exists from PostgreSQL 15 on; CASE asks about it only then.
            "SELECT rolsuper OR CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            "'pg_checkpoint') THEN pg_has_role(current_user, 'pg_checkpoint', 'MEMBER') "
            "ELSE false END FROM pg_roles WHERE rolname = current_user"
            if connection.vendor == "postgresql"
            else "SELECT 0"
        )
        allowed = bool(cursor.fetchone()[0])
        if allowed:
            cursor.execute("CHECKPOINT")
    os.sync()
    log(
        f"settled: disk writes flushed{', checkpoint' if allowed else ''} in "
        f"{time.perf_counter() - started:.1f}s"
    )


def run_all(
    *, scale: str, log: Log, only: list[str] | None = None, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every measurement in order (scoring first: the pages show its results).

    `only` re-runs some steps and keeps the other figures from `previous`.
    """
    http_seconds = 30.0 if scale == "province" else 5.0
    import_rows = int(
        os.environ.get("BENCH_IMPORT_ROWS") or (20_000 if scale == "province" else 500)
    )
    figures: dict[str, Any] = dict(previous or {})
    steps = only or STEPS
    name = connection.settings_dict["NAME"]
    log(f"bench at {scale} scale on {name}, {timezone.now():%Y-%m-%d %H:%M}: {', '.join(steps)}")
    if "scoring" in steps:
        figures.update(measure_scoring(log))
    if "pages" in steps:
        figures.update(measure_pages(log))
    if "crawl" in steps:
        settle(log)
        figures.update(measure_crawl(log, scale=scale))
    if "sweep" in steps:
        settle(log)
        figures.update(measure_sweep(log))
    if "import" in steps:
        settle(log)
        figures.update(measure_import(log, rows=import_rows))
    if "export" in steps:
        settle(log)
        figures.update(measure_export(log))
    if "http" in steps:
        settle(log)
        figures.update(measure_http(log, seconds=http_seconds, threads=8, workers=4))
    if "api" in steps:
        settle(log)
        figures.update(measure_api(log, seconds=http_seconds, threads=8, workers=4))
    return {key: figures.get(key) for key in KEYS}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value)} rows"
    if isinstance(value, dict):
        return f"{len(value)} pages"
    return str(value)


def goals_missed(results: dict[str, Any]) -> list[str]:
    missed = []
    for key, (op, target) in GOALS.items():
        value = results.get(key)
        if isinstance(value, int | float) and not (
            value <= target if op == "<=" else value >= target
        ):
            missed.append(f"{key} {value} (goal {op} {target})")
    return missed


def table(results: dict[str, Any], other: dict[str, Any] | None = None) -> str:
    lines = [f"{'figure':32} {'value':>12}  {'goal':>8}  met"]
    for key in KEYS:
        value = results.get(key)
        goal = GOALS.get(key)
        met = ""
        if goal is not None and isinstance(value, int | float):
            op, target = goal
            met = "yes" if (value <= target if op == "<=" else value >= target) else "NO"
        if key.endswith("_queries") and key != "crawl_queries" and other and key in other:
            met += f" (other scale: {other[key]})"
        goal_text = f"{goal[0]} {goal[1]}" if goal else ""
        lines.append(f"{key:32} {_shown(value):>12}  {goal_text:>8}  {met}")
    slowest = results.get("crawl_slowest") or []
    if slowest:
        lines += ["", "The crawl's slowest pages (worst of their timed requests):"]
        for row in slowest:
            lines.append(
                f"  {row['ms']:8.1f} ms (p95 {row['p95_ms']:7.1f})  {row['queries']:3d} queries  "
                f"{row['role']:16} {row['page']}"
            )
    for row in results.get("crawl_failed") or []:
        lines.append(f"  not 200: {row['role']} {row['url']} {row['status']} {row['error']}")
    if other:
        from bench.crawl_figures import content_differences, query_differences

        differing = query_differences(results, other)
        if differing:
            lines += ["", "Crawled pages whose queries grow or shrink with the scale:"]
            lines += [f"  {line}" for line in differing]
        by_content = content_differences(results, other)
        if by_content:
            lines += [
                "",
                "Crawled pages whose instances differ in content between the scales "
                "(other sections, the same repeats):",
            ]
            lines += [f"  {line}" for line in by_content]
    missed = goals_missed(results)
    lines += ["", "Goals missed: " + ("; ".join(missed) if missed else "none")]
    return "\n".join(lines)
