"""Which units or cadres a user may pick for a field: the field's own queryset, and a search.

A form that chooses units builds its field's queryset with the scoping helpers (the
jurisdiction, a campaign's subtree, active units …); that queryset validates what is posted.
The search-as-you-type picker must offer exactly those units without the page listing them
all (a province has 10,000). So the widget remembers the field's query server-side under a
token (`remember`), and the lookup endpoint searches that same query (`pickable_units`):
nothing here restates a jurisdiction, and a future form gets a correct lookup by using the
widget.

The token is an HMAC of the query's SQL and parameters (one cache entry per distinct
queryset, refreshed at each render; an anonymous visitor cannot mint one). It is not a
capability on its own: a signed-in user's lookup is also held to `Unit.objects.visible_to`
(every unit a form may offer a user is one they may see), and only a queryset rendered as
public (the citizens' intake) answers an anonymous visitor.

Cadres (Person: 90,000 in a province) are picked the same way: `KINDS` says, per pickable
model, what the search matches, how a choice is labelled and whom the user may see
(`Unit.objects.visible_to`, `units.cadres.cadres_visible_to`). The token remembers the model,
so the one lookup answers for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Model, Q, QuerySet
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from units.cadres import cadre_label, cadres_visible_to
from units.models import Person, Unit

# A form page left open over a working day still searches; each render refreshes it.
TOKEN_SECONDS = 24 * 60 * 60
RESULTS = 20
_PREFIX = "units:picker:"


@dataclass(frozen=True)
class Kind:
    """What makes a model pickable: its search, its labels, its visibility."""

    matches: Callable[[str], Q]  # the rows whose text contains the typed text
    order: tuple[str, ...]
    labelled: Callable[[QuerySet[Any]], list[tuple[int, str]]]  # (pk, label) of ordered rows
    visible: Callable[[QuerySet[Any], Any], QuerySet[Any]]  # held to what the user may see
    placeholder: Promise
    no_results: Promise


def _unit_labels(units: QuerySet[Unit]) -> list[tuple[int, str]]:
    rows = list(units.values("pk", "path", "depth", "name"))
    return [(row["pk"], label) for row, label in zip(rows, path_labels(rows), strict=True)]


def _cadre_labels(cadres: QuerySet[Person]) -> list[tuple[int, str]]:
    return [(p.pk, cadre_label(p)) for p in cadres.select_related("unit")]


KINDS: dict[type[Model], Kind] = {
    Unit: Kind(
        matches=lambda text: (
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(code__icontains=text)
        ),
        order=("path",),
        labelled=_unit_labels,
        visible=lambda units, user: units.visible_to(user),
        placeholder=_("Type a unit name to search"),
        no_results=_("No unit found"),
    ),
    Person: Kind(
        matches=lambda text: Q(name__icontains=text) | Q(title__icontains=text),
        order=("name", "pk"),
        labelled=_cadre_labels,
        visible=lambda cadres, user: cadres.filter(
            pk__in=cadres_visible_to(user=user).values("pk")
        ),
        placeholder=_("Type a name to search"),
        no_results=_("No cadre found"),
    ),
}


@dataclass(frozen=True)
class Remembered:
    query: Any  # django.db.models.sql.Query (picklable, as the docs promise)
    public: bool


def remember(*, queryset: QuerySet[Any], public: bool = False) -> str:
    """Keep the field's query for the lookup; the token names it in the widget's URL."""
    sql, params = queryset.query.sql_with_params()
    token = salted_hmac("units.picker", f"{int(public)}|{sql}|{params!r}").hexdigest()[:40]
    cache.set(_PREFIX + token, Remembered(query=queryset.query, public=public), TOKEN_SECONDS)
    return token


def pickable(*, token: str, user: Any) -> QuerySet[Any] | None:
    """The rows the lookup may offer this user for the field behind `token`, or None."""
    remembered = cache.get(_PREFIX + token) if token.isalnum() else None
    if not isinstance(remembered, Remembered) or remembered.query.model not in KINDS:
        return None
    found = remembered.query.model._default_manager.all()
    found.query = remembered.query
    if remembered.public:
        return found
    if not user.is_authenticated:
        return None
    return KINDS[found.model].visible(found, user)


def search(*, queryset: QuerySet[Any], text: str, limit: int = RESULTS) -> dict[str, Any]:
    """At most `limit` rows whose text contains `text` (any case), each with its label: a
    unit with its path (two 办公室 in different towns differ), a cadre with unit and post."""
    kind = KINDS[queryset.model]
    text = text.strip()[:64]
    found = queryset.filter(kind.matches(text)) if text else queryset
    rows = labels(found, limit=limit + 1)
    return {
        "results": [{"id": pk, "text": label} for pk, label in rows[:limit]],
        "more": len(rows) > limit,
    }


def labels(queryset: QuerySet[Any], limit: int | None = None) -> list[tuple[int, str]]:
    """(pk, label) of the queryset's rows in the kind's order (the first `limit`)."""
    kind = KINDS[queryset.model]
    return kind.labelled(queryset.order_by(*kind.order)[:limit])


def path_labels(rows: list[dict[str, Any]]) -> list[str]:
    """ "镇 / 办公室" labels for rows with path, depth and name: one query for all ancestors.

    The tree's root (the county or province every unit shares) is left out of the label."""
    step = Unit.steplen
    wanted = {row["path"][:end] for row in rows for end in range(2 * step, len(row["path"]), step)}
    names = dict(
        Unit.objects.filter(path__in=wanted).order_by().values_list("path", "name")
        if wanted
        else []
    )
    labels = []
    for row in rows:
        ancestors = [
            names[row["path"][:end]]
            for end in range(2 * step, len(row["path"]), step)
            if row["path"][:end] in names
        ]
        labels.append(" / ".join([*ancestors, row["name"]]))
    return labels
