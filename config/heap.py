"""A server process's start-up objects, set aside from the garbage collector (`gc.freeze`).

After start-up a web process holds some 160 000 objects that live as long as it does:
modules, classes, functions, models, URL patterns, translation catalogues. CPython's full
collection walks every tracked object, so a request that happens to trigger one waits for
it: 80 ms on the bench machine, on a page that otherwise takes 40 ms. `gc.freeze()` moves
everything alive now into a permanent generation the collector no longer walks (the
Python documentation's use of it; the objects stay where they are). Garbage made later is
collected as before, and a full collection then walks what requests made: a few ms.

Called once per process, at the end of start-up: by `config.wsgi` and `config.asgi` (each
gunicorn worker imports them itself: no preload, no fork after this), and by the bench's
crawl, which serves its pages in one process as a worker does.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> int:
    """Load the URL configuration (a worker's first request would), collect what start-up
    left over, freeze the rest; returns how many objects are now frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's urls: long-lived patterns)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
