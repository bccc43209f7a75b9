"""Each role's day on the demo county (`manage.py seed_demo`), in Chromium.

The demo is seeded once per test (a transactional database is flushed after each); the
screenshots of a walk are numbered in the order they were taken, in
test-results/<test name>/NN-name.png.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db, settings):
    settings.COMPLAINTS_FORM_MIN_SECONDS = 0  # the public form's time trap is tested elsewhere
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


class Shots:
    """Numbered full-page screenshots of one walk."""

    def __init__(self, page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0

    def __call__(self, name: str, *, full_page: bool = True) -> Path:
        self.count += 1
        images_loaded(self.page)
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shot(page, output_dir) -> Shots:
    return Shots(page, output_dir)


def images_loaded(page) -> None:
    """Wait until every picture on the page has loaded (thumbnails are lazy)."""
    page.evaluate(
        "() => Promise.all([...document.images].map(img => { img.loading = 'eager';"
        " return img.complete ? null : new Promise(r => { img.onload = img.onerror = r; }); }))"
    )
