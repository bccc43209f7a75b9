"""An upload kept between its preview and its confirmation, filed at most once.

The preview stores the file and what it showed under a random token (in the media folder,
never served by name: the token is 128 random bits and the session must hold it), and may
keep beside them what it checked (JSON, never pickled: the importer decides whether to
trust it, e.g. tied to the file's digest), so that the confirmation need not check it all
again. The
confirmation claims the file by renaming it, which only one request can do: a second click
or a second tab finds the finished import's totals instead of filing the rows again.

Nothing staged is kept for good: `staged_uploads_sweep` (run daily by
units.tasks.sweep_staged_uploads) deletes what is older than ZUOFENG_STAGED_UPLOAD_HOURS in
every staging folder. A staging folder carries a marker file, so the sweep finds every
app's folder without knowing its name and never touches the rest of the media folder
(complaint attachments live there too).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# Marks a folder under MEDIA_ROOT as a staging folder (the sweep deletes only in these).
MARKER = ".staging"


def staging_folder(folder: str) -> Path:
    """MEDIA_ROOT/<folder>, made and marked as a staging folder (swept daily)."""
    base = Path(settings.MEDIA_ROOT) / folder
    base.mkdir(parents=True, exist_ok=True)
    marker = base / MARKER
    if not marker.exists():
        marker.touch()
    return base


class Staged:
    def __init__(self, folder: str, token: str) -> None:
        base = staging_folder(folder)
        self.token = token
        self.upload = base / f"{token}.xlsx"
        self.running = base / f"{token}.running"
        self.preview_file = base / f"{token}.preview.json"
        self.done_file = base / f"{token}.done.json"
        self.checked_file = base / f"{token}.checked.json"

    @classmethod
    def create(
        cls,
        folder: str,
        content: bytes,
        preview: dict[str, Any],
        checked: dict[str, Any] | None = None,
    ) -> Staged:
        staged = cls(folder, uuid.uuid4().hex)
        if checked is not None:
            staged.checked_file.write_text(
                json.dumps(checked, ensure_ascii=False, separators=(",", ":"))
            )
        staged.upload.write_bytes(content)
        staged.preview_file.write_text(json.dumps(preview, ensure_ascii=False, default=str))
        return staged

    def preview(self) -> dict[str, Any] | None:
        if not self.preview_file.exists() or not self.upload.exists():
            return None
        return json.loads(self.preview_file.read_text())

    def claim(self) -> bytes | None:
        """The upload's bytes, for this request only (None: claimed or expired)."""
        try:
            self.upload.rename(self.running)
            # A rename keeps the upload's age: made fresh, the sweep leaves a running import be.
            os.utime(self.running)
            return self.running.read_bytes()
        except FileNotFoundError:  # claimed by another request, or swept a moment ago
            return None

    def checked(self) -> dict[str, Any] | None:
        """What the preview checked, as it was kept (None: nothing kept, or unreadable)."""
        try:
            return json.loads(self.checked_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def in_progress(self) -> bool:
        return self.running.exists()

    def finish(self, totals: dict[str, Any]) -> None:
        self.done_file.write_text(json.dumps(totals, default=str))
        self.preview_file.unlink(missing_ok=True)
        self.checked_file.unlink(missing_ok=True)
        self.running.unlink(missing_ok=True)

    def abandon(self) -> None:
        """The confirmation was refused (the data changed since the preview): start over."""
        self.preview_file.unlink(missing_ok=True)
        self.checked_file.unlink(missing_ok=True)
        self.running.unlink(missing_ok=True)

    def done(self) -> dict[str, Any] | None:
        if not self.done_file.exists():
            return None
        return json.loads(self.done_file.read_text())


def staged_uploads_sweep(*, hours: float | None = None) -> int:
    """Delete staged files older than `hours` (ZUOFENG_STAGED_UPLOAD_HOURS) in every staging
    folder; returns how many. Safe to run twice, and alongside a preview or a confirmation:
    a file already gone is skipped."""
    hours = settings.ZUOFENG_STAGED_UPLOAD_HOURS if hours is None else hours
    cutoff = time.time() - hours * 3600
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.iterdir():
        if not (folder / MARKER).is_file():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name == MARKER or not entry.is_file(follow_symlinks=False):
                    continue
                try:
                    if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                        continue
                    os.unlink(entry.path)
                except FileNotFoundError:
                    continue
                removed += 1
    if removed:
        logger.info("Swept %s staged upload files older than %s hours.", removed, hours)
    return removed
