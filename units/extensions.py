"""How the later apps plug into the shell without the shell knowing them.

An app may ship `<app>/nav.py` with either of:
- `nav_items(request, role) -> list[NavItem]`: entries for the top navigation;
- `workspace_panels(request, role) -> list[Panel]`: sections of the role's workspace,
  each a template and its context (the app computes the context with its selectors).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

APPS = ("campaign", "complaints", "assessments")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active_prefix: str = ""
    badge: int | None = None


@dataclass
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@cache
def _nav_module(app: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"{app}.nav")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.nav":
            raise
        return None


def hooks(name: str) -> Iterator[Callable[..., Any]]:
    for app in APPS:
        module = _nav_module(app)
        hook = getattr(module, name, None) if module else None
        if hook is not None:
            yield hook


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    return [item for hook in hooks("nav_items") for item in hook(request, role)]


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    panels = [panel for hook in hooks("workspace_panels") for panel in hook(request, role)]
    return sorted(panels, key=lambda panel: panel.order)
