"""A small concurrent HTTP client: N threads POSTing a form for a fixed time.

Plain http.client with one connection per request (gunicorn's sync workers close it
anyway). Each thread first GETs the public complaint form for the CSRF cookie and token,
then reuses them: Django accepts any masked copy of the cookie's secret.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


@dataclass
class LoadResult:
    seconds: float
    ok: int = 0
    failed: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1)]


@dataclass
class Session:
    cookie: str
    csrf: str
    form_token: str


def open_session(host: str, port: int) -> Session:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", "/complaints/submit/")
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    cookies = response.headers.get_all("Set-Cookie") or []
    csrf_cookie = next(c.split(";")[0] for c in cookies if c.startswith("csrftoken="))
    csrf = CSRF_RE.search(body)
    token = TOKEN_RE.search(body)
    if not (csrf and token):
        raise RuntimeError("The complaint form has no CSRF or form token")
    return Session(cookie=csrf_cookie, csrf=csrf.group(1), form_token=token.group(1))


def post(
    host: str, port: int, path: str, session: Session, fields: list[tuple[str, str]]
) -> tuple[int, float]:
    body = urllib.parse.urlencode([("csrfmiddlewaretoken", session.csrf), *fields])
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=60)
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": session.cookie,
            "Referer": f"http://{host}:{port}{path}",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def run_load(
    *,
    host: str,
    port: int,
    seconds: float,
    threads: int,
    make_request: Callable[[int, int, Session], tuple[str, list[tuple[str, str]]]],
    ok_statuses: tuple[int, ...] = (200, 302),
) -> LoadResult:
    """make_request(thread, n, session) -> (path, fields); returns counts and latencies."""
    sessions = [open_session(host, port) for _ in range(threads)]
    lock = threading.Lock()
    result = LoadResult(seconds=seconds)
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        n = 0
        latencies: list[float] = []
        ok = failed = 0
        statuses: dict[int, int] = {}
        while time.monotonic() < deadline:
            path, fields = make_request(index, n, sessions[index])
            n += 1
            try:
                status, ms = post(host, port, path, sessions[index], fields)
            except OSError:
                failed += 1
                continue
            statuses[status] = statuses.get(status, 0) + 1
            if status in ok_statuses:
                ok += 1
                latencies.append(ms)
            else:
                failed += 1
        with lock:
            result.ok += ok
            result.failed += failed
            result.latencies_ms.extend(latencies)
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    result.seconds = time.monotonic() - started
    return result
