"""Which units a user may pick for a field: the field's own queryset, and a search over it.

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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac

from units.models import Unit

# A form page left open over a working day still searches; each render refreshes it.
TOKEN_SECONDS = 24 * 60 * 60
RESULTS = 20
_PREFIX = "units:picker:"


@dataclass(frozen=True)
class Remembered:
    query: Any  # django.db.models.sql.Query (picklable, as the docs promise)
    public: bool


def remember(*, queryset: QuerySet[Unit], public: bool = False) -> str:
    """Keep the field's query for the lookup; the token names it in the widget's URL."""
    sql, params = queryset.query.sql_with_params()
    token = salted_hmac("units.picker", f"{int(public)}|{sql}|{params!r}").hexdigest()[:40]
    cache.set(_PREFIX + token, Remembered(query=queryset.query, public=public), TOKEN_SECONDS)
    return token


def pickable_units(*, token: str, user: Any) -> QuerySet[Unit] | None:
    """The units the lookup may offer this user for the field behind `token`, or None."""
    remembered = cache.get(_PREFIX + token) if token.isalnum() else None
    if not isinstance(remembered, Remembered):
        return None
    units = Unit.objects.all()
    units.query = remembered.query
    if remembered.public:
        return units
    if not user.is_authenticated:
        return None
    return units.visible_to(user)


def unit_search(*, units: QuerySet[Unit], text: str, limit: int = RESULTS) -> dict[str, Any]:
    """At most `limit` units whose name, short name or code contains `text` (any case),
    in tree order, each labelled with its path so two 办公室 in different towns differ."""
    text = text.strip()[:64]
    found = units
    if text:
        found = found.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(code__icontains=text)
        )
    rows = list(found.order_by("path").values("pk", "path", "depth", "name")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "results": [
            {"id": row["pk"], "text": label}
            for row, label in zip(rows, path_labels(rows), strict=True)
        ],
        "more": more,
    }


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
