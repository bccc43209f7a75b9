"""How the later apps plug into the shell without the shell knowing them.

The one interface is the app's AppConfig: an app that plugs in subclasses
`ShellAppConfig` (in its `apps.py`, with `default = True`) and names its hooks there as
dotted paths; a hook it leaves empty ("") contributes nothing. The shell collects them with
`django.apps.apps.get_app_configs()`, so they run in INSTALLED_APPS order. Nothing probes
for modules: an app's hooks are what its config declares.

- `nav_items(request, role) -> list[NavItem]`: entries for the top navigation;
- `workspace_panels(request, role) -> list[Panel]`: sections of the role's workspace,
  each a template and its context (the app computes the context with its selectors);
- `digest_sections(*, period) -> list[dict]`: the app's figures in a leadership digest
  (units.digests says what a section holds);
- `digest_backlog() -> dict[str, Expression]`: per-unit counts of overdue work, as
  expressions over `Unit`, summed to find the units at the bottom of a digest;
- `demo(*, tally, stdout) -> None`: the app's part of the demo county (units.demo), run
  after the organisation exists, idempotent, inside a transaction.

For example (campaign/apps.py)::

    class CampaignConfig(ShellAppConfig):
        default = True
        name = "campaign"
        nav_items = "campaign.nav.nav_items"
        demo = "campaign.demo.seed"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

HOOKS = ("nav_items", "workspace_panels", "digest_sections", "digest_backlog", "demo")


class ShellAppConfig(AppConfig):
    """An app that plugs into the shell: each hook is a dotted path to a callable, or ""."""

    # Not a config Django should pick for an app by itself; each subclass says default = True.
    default = False

    nav_items: str = ""
    workspace_panels: str = ""
    digest_sections: str = ""
    digest_backlog: str = ""
    demo: str = ""


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
def _load(path: str) -> Callable[..., Any]:
    return import_string(path)  # type: ignore[no-any-return]


def hooks(name: str) -> Iterator[Callable[..., Any]]:
    """The `name` hook of every app that declares one, in INSTALLED_APPS order."""
    if name not in HOOKS:
        raise ValueError(f"unknown shell hook {name!r}; the hooks are {HOOKS}")
    for config in apps.get_app_configs():
        if isinstance(config, ShellAppConfig):
            path: str = getattr(config, name)
            if path:
                yield _load(path)


def nav_items(request: Any, role: str | None) -> list[NavItem]:
    return [item for hook in hooks("nav_items") for item in hook(request, role)]


def workspace_panels(request: Any, role: str | None) -> list[Panel]:
    panels = [panel for hook in hooks("workspace_panels") for panel in hook(request, role)]
    return sorted(panels, key=lambda panel: panel.order)
