"""The comment a digest opens with, drafted from its own figures (inspection staff edit it).

Two or three sentences: the biggest changes on the previous period, then the overdue work
and the units it is concentrated in, then what is asked of them. For example:
"本周新增投诉举报12件，较上周增加5件；已销号整改事项3项，较上周减少2项。截至期末，逾期未办结
投诉举报3件、逾期未销号整改事项2项，主要集中在县市场监管局、县住建局。请相关单位抓紧办理逾期事项，
纪检监察人员将跟踪督办。"
Only the figures of the digest are used, so the comment never says what the digest does not.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

CHANGES = 2  # clauses on what changed most
UNITS = 3  # units named as where the overdue work is


def _period_words(kind: str) -> tuple[str, str]:
    if kind == "weekly":
        return _("this week"), _("last week")
    if kind == "monthly":
        return _("this month"), _("last month")
    return _("this quarter"), _("last quarter")


def _change_clause(line: dict[str, Any], *, this: str, previous: str, first: bool) -> str:
    delta = line["value"] - line["previous"]
    values = {
        "label": line["label"],
        "value": line["value"],
        "measure": line.get("measure", ""),
        "delta": abs(delta),
        "period": this,
        "previous": previous,
    }
    if first:
        if delta > 0:
            text = _("%(label)s %(period)s: %(value)s %(measure)s, up %(delta)s on %(previous)s")
        elif delta < 0:
            text = _("%(label)s %(period)s: %(value)s %(measure)s, down %(delta)s on %(previous)s")
        else:
            text = _("%(label)s %(period)s: %(value)s %(measure)s, the same as %(previous)s")
    elif delta > 0:
        text = _("%(label)s: %(value)s %(measure)s, up %(delta)s on %(previous)s")
    else:
        text = _("%(label)s: %(value)s %(measure)s, down %(delta)s on %(previous)s")
    return text % values


def _sentence(clauses: list[str]) -> str:
    return _("%(clauses)s.") % {"clauses": pgettext("clause separator", "; ").join(clauses)}


def _changes(sections: list[dict[str, Any]], kind: str) -> str:
    comparable = [
        line
        for section in sections
        if section.get("compare")
        for line in section["lines"]
        if isinstance(line.get("previous"), int) and isinstance(line.get("value"), int)
    ]
    if not comparable:
        return ""
    this, previous = _period_words(kind)
    # The largest moves first; on a tie, the order the digest shows them in.
    moved = sorted(
        (line for line in comparable if line["value"] != line["previous"]),
        key=lambda line: -abs(line["value"] - line["previous"]),
    )[:CHANGES]
    if not moved:
        moved = comparable[:1]
    clauses = [
        _change_clause(line, this=this, previous=previous, first=index == 0)
        for index, line in enumerate(moved)
    ]
    return _sentence(clauses)


def _overdue(sections: list[dict[str, Any]], bottom: dict[str, Any]) -> tuple[str, bool]:
    lines = [
        line
        for section in sections
        for line in section["lines"]
        if line.get("overdue") and isinstance(line.get("value"), int) and line["value"] > 0
    ]
    if not lines:
        return _("At the end of the period nothing is overdue."), False
    separator = pgettext("list separator", ", ")
    figures = separator.join(
        _("%(label)s: %(value)s %(measure)s")
        % {"label": line["label"], "value": line["value"], "measure": line.get("measure", "")}
        for line in lines
    )
    units = [line["short_name"] for line in bottom["lines"] if line.get("short_name")][:UNITS]
    if not units:
        return _("At the end of the period, %(figures)s.") % {"figures": figures}, True
    return (
        _("At the end of the period, %(figures)s, mostly at %(units)s.")
        % {"figures": figures, "units": separator.join(units)},
        True,
    )


def draft_comment(*, period: Any, sections: list[dict[str, Any]], bottom: dict[str, Any]) -> str:
    """Two or three sentences drafted from the digest's figures (no query)."""
    sentences = [_changes(sections, period.kind)]
    backlog, overdue = _overdue(sections, bottom)
    sentences.append(backlog)
    if overdue:
        sentences.append(
            _(
                "The units concerned should deal with the overdue work without delay; "
                "inspection staff will keep up supervision."
            )
        )
    # Chinese runs its sentences on after "。"; English puts a space between them.
    return " ".join(sentence for sentence in sentences if sentence).replace("。 ", "。")
