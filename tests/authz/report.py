"""Figures the suite prints at the end of the run (see conftest.pytest_terminal_summary)."""

from __future__ import annotations

FIGURES: dict[str, int] = {}


def record(**values: int) -> None:
    FIGURES.update(values)


def count(key: str, by: int = 1) -> None:
    FIGURES[key] = FIGURES.get(key, 0) + by
