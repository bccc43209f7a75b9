"""Escaping for the pages that write many rows in Python rather than a template loop
(the ledger's and the 督办 board's rows, a province's unit filters): what the template
engine's autoescape does to a value, without its per-value wrappers."""

from __future__ import annotations

import html
from typing import Any

from django.utils.functional import Promise


def escaped(value: Any) -> str:
    """django.utils.html.conditional_escape as a plain str: a safe string (or anything with
    `__html__`) as it is, a lazy translation translated, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
