"""The crawl's figures: results.json's `crawl_*` keys from the page rows, the page table of
`bench/crawl[-small].txt`, and the comparison of two scales (bench/crawl.py measures)."""

from __future__ import annotations

from typing import Any


def figures(rows: list[dict[str, Any]], exports: list[dict[str, Any]]) -> dict[str, Any]:
    """results.json's crawl figures from the page rows (`Page.row()`) and the downloads."""
    measured = [r for r in rows if r["status"] == 200 and r["requests"]]
    failed = [r for r in rows if r["status"] != 200]
    # Pages cut off by the statement timeout are at least that slow: they count in the worst.
    timed = measured + [r for r in failed if r["status"] == 504]
    slowest = sorted(timed, key=lambda r: (-r["max_ms"], r["role"], r["page"]))[:10]
    queries: dict[str, int] = {}
    repeats: dict[str, int] = {}
    for r in measured:
        key = f"{r['role']} {r['page']}"
        queries[key] = max(queries.get(key, 0), r["queries"])
        repeats[key] = max(repeats.get(key, 0), r.get("repeats", 0))
    return {
        "crawl_pages": len(measured),
        "crawl_p95_ms": max((r["p95_ms"] for r in timed), default=0.0),
        "crawl_max_ms": max((r["max_ms"] for r in timed), default=0.0),
        "crawl_queries_max": max((r["queries"] for r in measured), default=0),
        "crawl_peak_rss_mb": max((r["rss_mb"] for r in measured), default=0.0),
        # None when the downloads were skipped (BENCH_CRAWL_DOWNLOADS=0): not measured, not 0.
        "crawl_export_peak_rss_mb": max((e["peak_rss_mb"] or 0.0 for e in exports), default=None),
        "crawl_errors": len(failed) + sum(1 for e in exports if e["status"] != 200),
        "crawl_slowest": [
            {
                "role": r["role"],
                "page": r["page"],
                "ms": r["max_ms"],
                "p95_ms": r["p95_ms"],
                "queries": r["queries"],
                "status": r["status"],
            }
            for r in slowest
        ],
        "crawl_failed": [
            {k: r[k] for k in ("role", "page", "url", "status", "error", "found_on")}
            for r in failed
        ],
        "crawl_exports": exports,
        "crawl_queries": dict(sorted(queries.items())),
        "crawl_repeats": dict(sorted(repeats.items())),
    }


def page_table(rows: list[dict[str, Any]], exports: list[dict[str, Any]], *, title: str) -> str:
    """Every page, slowest first: what `bench/crawl[-small].txt` holds."""
    lines = [
        title,
        "",
        f"{'role':16} {'page':56} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'n':>3} "
        f"{'queries':>7} {'rep':>3} {'RSS MB':>6}  url",
    ]
    for r in sorted(rows, key=lambda r: (-r["max_ms"], r["role"], r["page"])):
        status = ""
        if r["status"] != 200:
            status = f"  ** {r['status']} {r['error']} (linked from {r['found_on']})"
        lines.append(
            f"{r['role']:16} {r['page']:56} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['max_ms']:8.1f} {r['requests']:3d} {r['queries']:7d} {r.get('repeats', 0):3d} "
            f"{r['rss_mb']:6.0f}  "
            f"{r['url']}{status}"
        )
    lines += ["", "Downloads (each once, as the first role that links to it, in its own process):"]
    for e in exports:
        lines.append(
            f"{e['role']:16} {e['page']:56} {e['seconds']!s:>8} s {e['mb']!s:>8} MB, "
            f"peak RSS {e['peak_rss_mb']!s:>7} MB, status {e['status']}  {e['url']}"
            + (f"  ** {e['error']}" if e.get("error") else "")
        )
    return "\n".join(lines) + "\n"


def _differing(this: dict[str, Any], other: dict[str, Any], figure: str) -> dict[str, tuple]:
    mine, theirs = this.get(figure) or {}, other.get(figure) or {}
    return {
        key: (mine[key], theirs[key])
        for key in sorted(set(mine) & set(theirs))
        if mine[key] != theirs[key]
    }


def query_differences(this: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Pages whose queries grow or shrink with the scale: between two results files (small
    and province), a different number of repeated statements (`QueryCounter.repeats`).

    The total alone would also flag two instances of a page with different content (a case
    not yet routed shows the dispatch suggestion, one routed shows the identity requests):
    the instances the crawl finds are not the same at both scales. A section shown or not
    adds or removes statements of their own form; a query per row adds repeats. Results
    files from before the repeats were counted are compared by their totals."""
    if "crawl_repeats" in this and "crawl_repeats" in other:
        figure, label = "crawl_repeats", "repeated statements"
    else:
        figure, label = "crawl_queries", "queries"
    return [
        f"{key}: {mine} {label} here, {theirs} at the other scale"
        for key, (mine, theirs) in _differing(this, other, figure).items()
    ]


def content_differences(this: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """Pages whose query total differs between the scales with the same repeats: the
    instances crawled show different sections (see `query_differences`)."""
    if "crawl_repeats" not in this or "crawl_repeats" not in other:
        return []
    growing = _differing(this, other, "crawl_repeats")
    return [
        f"{key}: {mine} queries here, {theirs} at the other scale"
        for key, (mine, theirs) in _differing(this, other, "crawl_queries").items()
        if key not in growing
    ]
