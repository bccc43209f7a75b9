"""A server process's start-up objects, set aside from the garbage collector (`gc.freeze`).

After start-up a web process holds some 160 000 objects that live as long as it does:
modules, classes, functions, models, URL patterns, translation catalogues, and the compiled
templates (some 35 000 objects: nodes, tokens, filter expressions). CPython's full
collection walks every tracked object, so a request that happens to trigger one waits for
it: 80 ms on the bench machine, on a page that otherwise takes 40 ms. `gc.freeze()` moves
everything alive now into a permanent generation the collector no longer walks (the
Python documentation's use of it; the objects stay where they are). Garbage made later is
collected as before, and a full collection then walks what requests made: a few ms.

Templates are otherwise compiled at their first use and kept (the cached loader): after the
officer's pages (117, crawled at province scale) the process held 80 000 objects for each
later full collection to walk, 26–89 ms each. Start-up therefore compiles every template of
the template directories (0.6 s, once per worker) and freezes them with the rest: the same
crawl then left 44 000 objects, and its full collections took 15–51 ms. A worker's first
request for a page no longer compiles its templates either. (Collecting the youngest
generation less often, 10 000 objects instead of 700, removed nearly every full collection
but changed no page's time measurably in an interleaved comparison: not done.)

Called once per process, at the end of start-up: by `config.wsgi` and `config.asgi` (each
gunicorn worker imports them itself: no preload, no fork after this), and by the bench's
crawl, which serves its pages in one process as a worker does.
"""

from __future__ import annotations

import gc
from pathlib import Path

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml")


def compile_templates() -> int:
    """Every template of every template directory, compiled into the engines' caches as
    its first use would; returns how many. A file that does not compile is left to the
    request that uses it (which reports it as it always did)."""
    from django.template import TemplateSyntaxError, engines

    compiled = 0
    for engine in engines.all():
        for folder in map(Path, engine.template_dirs):
            for path in sorted(folder.rglob("*")):
                if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                    continue
                try:
                    engine.get_template(path.relative_to(folder).as_posix())
                except (TemplateSyntaxError, UnicodeDecodeError):
                    continue
                compiled += 1
    return compiled


def freeze_startup_objects() -> int:
    """Load the URL configuration and compile the templates (a worker's first requests
    would), collect what start-up left over, freeze the rest; returns how many objects
    are now frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's urls: long-lived patterns)
    compile_templates()
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
