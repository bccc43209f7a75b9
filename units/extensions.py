"""How the later apps plug into the shell without the shell knowing them.

The one interface is the app's AppConfig: an app that plugs in subclasses
`ShellAppConfig` (in its `apps.py`, with `default = True`) and names its hooks there as
dotted paths; a hook it leaves empty ("") contributes nothing. The shell collects them with
`django.apps.apps.get_app_configs()`, so they run in INSTALLED_APPS order. Nothing probes
for modules: an app's hooks are what its config declares.

- `nav_items(request, role) -> list[NavItem]`: entries for the top navigation;
- `workspace_panels(request, role) -> list[Panel]`: sections of the role's workspace,
  each a template and its context (the app computes the context with its selectors);
- `digest_sections(*, period, scope) -> list[dict]`: the app's figures in a leadership
  digest, restricted to the scope's subtree (None: the county; units.digests says what a
  section holds);
- `digest_backlog(*, period, scope) -> list[units.digests.BacklogFigure]`: per-unit counts
  of overdue work, as expressions over `Unit`, summed to find the units at the bottom;
- `demo(*, tally, stdout) -> None`: the app's part of the demo county (units.demo), run
  after the organisation exists, idempotent, inside a transaction;
- `overdue_sources(*, user, today) -> list[OverdueSource]`: the app's overdue work the user
  sees, for the 督办 board (one row shape for every app, so the board pages them together);
- `public_entries(request) -> list[PublicEntry]`: what the app offers the public on the
  front page ("/" for a visitor who is not signed in), each with its order on the page;
- `person_record_urls(*, user, person_ids) -> dict[int, str]`: for the persons the user may
  open a record of (campaign's 干部作风档案), that record's URL; the unit page links names
  with it without knowing the app that keeps the records;
- `export_kinds() -> list[units.exports.ExportKind]`: the app's exports that may be built in
  the background when too large for a web request (我的导出).

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
from django.db.models import BooleanField, Case, Q, Value, When
from django.utils.module_loading import import_string

HOOKS = (
    "nav_items",
    "workspace_panels",
    "digest_sections",
    "digest_backlog",
    "demo",
    "public_entries",
    "overdue_sources",
    "person_record_urls",
    "export_kinds",
)


class ShellAppConfig(AppConfig):
    """An app that plugs into the shell: each hook is a dotted path to a callable, or ""."""

    # Not a config Django should pick for an app by itself; each subclass says default = True.
    default = False

    nav_items: str = ""
    workspace_panels: str = ""
    digest_sections: str = ""
    digest_backlog: str = ""
    demo: str = ""
    public_entries: str = ""
    overdue_sources: str = ""
    person_record_urls: str = ""
    export_kinds: str = ""


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active_prefix: str = ""
    badge: int | None = None


@dataclass(frozen=True)
class PublicLink:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class PublicEntry:
    """One service the public finds on the front page: a heading, a line, where it goes.

    `url` empty: nothing to open at the moment (`text` says why); `links` list what is
    open now (the surveys taking answers, the latest circulars).
    """

    key: str
    title: str
    text: str
    url: str = ""
    action: str = ""
    links: tuple[PublicLink, ...] = ()
    order: int = 100


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


def person_record_urls(*, user: Any, person_ids: Any) -> dict[int, str]:
    """person id -> the URL of a record of that person the user may open (first app wins)."""
    urls: dict[int, str] = {}
    for hook in hooks("person_record_urls"):
        for pk, url in hook(user=user, person_ids=person_ids).items():
            urls.setdefault(pk, url)
    return urls


def public_entries(request: Any) -> list[PublicEntry]:
    entries = [entry for hook in hooks("public_entries") for entry in hook(request)]
    return sorted(entries, key=lambda entry: entry.order)


# The columns every overdue source selects, in this order (the board unions them).
OVERDUE_COLUMNS = (
    "row_kind",  # the source's kind
    "row_id",  # the record's pk
    "row_ref",  # what people call it (a case number; "" for none)
    "row_title",
    "row_unit_id",
    "row_unit_name",
    "row_unit_path",
    "row_deadline",
    "row_status",
    "row_supervised",  # under supervision (督办) already
    "row_can_push",  # the user may 督办 / 催办 it now
)


@dataclass(frozen=True)
class OverdueSource:
    """One app's overdue work for the 督办 board.

    `rows` is a values() queryset selecting OVERDUE_COLUMNS (filterable on them before the
    board unions the sources); `statuses` labels row_status; `detail_url` is the detail page's
    URL name taking the row id; `push(user=, pk=, action=, text=)` runs 督办 ("supervise") or
    催办 ("urge") on one row through the app's own permission helper and service. `search(rows,
    text)`, when given, narrows `rows` to those whose row_ref or row_title contains the text
    as the board's own filter would, through an index of the source's (a source without one
    is filtered on the two columns).
    """

    kind: str
    label: str
    rows: Any
    statuses: dict[str, str]
    detail_url: str
    push: Callable[..., Any] | None = None
    search: Callable[[Any, str], Any] | None = None


def flag(condition: Q) -> Any:
    """A boolean column for OVERDUE_COLUMNS from a Q (an empty Q, "everything", is plain True)."""
    if condition == Q():
        return Value(True)
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def overdue_sources(*, user: Any, today: Any) -> list[OverdueSource]:
    return [source for hook in hooks("overdue_sources") for source in hook(user=user, today=today)]
