"""The one way a rate is computed and printed (docs/FIGURES.md).

Every rate the product prints (按时办结率, 办结率, 满意率, 整改率, 按期整改率 …) is a part over a
whole, as a percentage rounded half up to one decimal: 1 of 7 is 14.3 %, 1 of 8 is 12.5 %,
1 of 16 is 6.3 %. The counts come from the database (conditional aggregates); the division
is done here, in Decimal, so that every page, circular, digest, export and test prints the
same figure whatever the database (SQLite divides integers as integers: 1 × 100 / 7 = 14).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ONE_DECIMAL = Decimal("0.1")


def percent(part: int | Decimal | None, whole: int | Decimal | None) -> Decimal | None:
    """part ÷ whole × 100, rounded half up to one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def format_percent(value: Any) -> str:
    """A rate as printed in a circular or a digest line: "14.3%", or "—" when there is none."""
    return "—" if value is None else f"{Decimal(value):.1f}%"
