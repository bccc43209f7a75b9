"""Upkeep of the complaint figures' roll-up (complaints/figures_db.py; PostgreSQL only)."""

from __future__ import annotations

from complaints import figures_db


def complaint_figures_compact() -> int:
    """Sum the roll-up's appended rows per key (daily); returns the rows left."""
    return figures_db.compact()


def complaint_figures_rebuild() -> None:
    """Count every complaint again: after a bulk load with triggers off, or a new TIME_ZONE."""
    figures_db.rebuild()
