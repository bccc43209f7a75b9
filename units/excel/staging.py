"""An upload kept between its preview and its confirmation, filed at most once.

The preview stores the file and what it showed under a random token (in the media folder,
never served by name: the token is 128 random bits and the session must hold it). The
confirmation claims the file by renaming it, which only one request can do: a second click
or a second tab finds the finished import's totals instead of filing the rows again.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings


class Staged:
    def __init__(self, folder: str, token: str) -> None:
        base = Path(settings.MEDIA_ROOT) / folder
        base.mkdir(parents=True, exist_ok=True)
        self.token = token
        self.upload = base / f"{token}.xlsx"
        self.running = base / f"{token}.running"
        self.preview_file = base / f"{token}.preview.json"
        self.done_file = base / f"{token}.done.json"

    @classmethod
    def create(cls, folder: str, content: bytes, preview: dict[str, Any]) -> Staged:
        staged = cls(folder, uuid.uuid4().hex)
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
        except FileNotFoundError:
            return None
        return self.running.read_bytes()

    def in_progress(self) -> bool:
        return self.running.exists()

    def finish(self, totals: dict[str, Any]) -> None:
        self.done_file.write_text(json.dumps(totals, default=str))
        self.preview_file.unlink(missing_ok=True)
        self.running.unlink(missing_ok=True)

    def abandon(self) -> None:
        """The confirmation was refused (the data changed since the preview): start over."""
        self.preview_file.unlink(missing_ok=True)
        self.running.unlink(missing_ok=True)

    def done(self) -> dict[str, Any] | None:
        if not self.done_file.exists():
            return None
        return json.loads(self.done_file.read_text())
