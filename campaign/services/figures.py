"""Upkeep of the rectification figures' roll-up (campaign/figures_db.py; PostgreSQL only)."""

from __future__ import annotations

from campaign import figures_db


def item_figures_compact() -> int:
    """Sum the roll-up's appended rows per campaign and unit (daily); returns the rows left."""
    return figures_db.compact()


def item_figures_rebuild() -> None:
    """Count every item again: after a bulk load with the trigger off, or a new TIME_ZONE."""
    figures_db.rebuild()
