"""The 督办 board's rows: `{% load board_rows %}{% board_rows page back %}`.

One tag for the table body rather than a template loop, as the ledger's rows
(campaign.templatetags.ledger_rows): fifty rows of eight cells, each with its labels, a
link, a plural and, for the staff who push, a form. The template loop translated the same
six labels and drew the same form attributes fifty times; here each label is translated
and escaped once per page, and every value escaped once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext

from units.html import escaped

register = template.Library()

ROW = (
    '<tr data-kind="{kind}" data-testid="overdue-row">\n'
    '      <td class="text-nowrap">{kind_label}</td>\n'
    '      <td class="text-nowrap"><a href="{url}">{ref}</a></td>\n'
    "      <td>{unit}</td>\n"
    '      <td><a href="{url}">{title}</a>{supervised}</td>\n'
    '      <td class="text-nowrap text-danger">{deadline} '
    '<span class="zf-light zf-light-red"></span></td>\n'
    '      <td class="text-end fw-bold text-danger" data-testid="days-overdue" '
    'title="{calendar}">{working}</td>\n'
    '      <td class="text-nowrap">{status}</td>\n'
    '      <td class="no-print">{push}</td>\n'
    "    </tr>"
)

PUSH = (
    '\n        <form method="post" action="{action}" class="d-flex gap-1">{csrf}\n'
    '          <input type="hidden" name="kind" value="{kind}"><input type="hidden" '
    'name="row_id" value="{row_id}"><input type="hidden" name="back" value="{back}">\n'
    '          <input name="text" class="form-control form-control-sm" maxlength="500" '
    'placeholder="{placeholder}" aria-label="{label}" style="min-width:9rem">\n'
    '          <button class="btn btn-sm btn-danger text-nowrap" name="action" '
    'value="supervise" data-testid="supervise">{supervise}</button>\n'
    '          <button class="btn btn-sm btn-outline-danger text-nowrap" name="action" '
    'value="urge" data-testid="urge">{urge}</button>\n'
    "        </form>"
)


class _Rows:
    def __init__(self, csrf_token: Any, back: str) -> None:
        self.csrf_token = csrf_token
        self.back = escaped(back)
        self.supervised = ' <span class="badge text-bg-danger">{}</span>'.format(
            escaped(pgettext("supervision state", "Under supervision"))
        )
        self.calendar: dict[int, str] = {}
        self._push: dict[str, str] | None = None

    def push_parts(self) -> dict[str, str]:
        """The form's fixed parts, made at the first row that offers it."""
        if self._push is None:
            self._push = {
                "action": escaped(reverse("campaign:overdue_board_act")),
                "csrf": self.csrf_input(),
                "back": self.back,
                "placeholder": escaped(gettext("Message to the unit (optional)")),
                "label": escaped(gettext("Message to the unit")),
                "supervise": escaped(pgettext("reminder kind", "Supervise")),
                "urge": escaped(pgettext("reminder kind", "Urge")),
            }
        return self._push

    def csrf_input(self) -> str:
        """What {% csrf_token %} writes (one token for the page's forms, as there)."""
        token = self.csrf_token
        if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker, no secret)
            return ""
        return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escaped(token)}">'

    def calendar_days(self, n: int) -> str:
        if n not in self.calendar:
            self.calendar[n] = escaped(
                ngettext("%(n)s calendar day", "%(n)s calendar days", n) % {"n": n}
            )
        return self.calendar[n]

    def row(self, row: dict[str, Any]) -> str:
        kind = escaped(row["row_kind"])
        push = ""
        if row["can_push"]:
            push = PUSH.format(kind=kind, row_id=escaped(row["row_id"]), **self.push_parts())
        deadline = row["row_deadline"]
        return ROW.format(
            kind=kind,
            kind_label=escaped(row["kind_label"]),
            url=escaped(row["url"]),
            ref=escaped(row["row_ref"]),
            unit=escaped(row["row_unit_name"]),
            title=escaped(Truncator(row["row_title"]).chars(60)),
            supervised=self.supervised if row["row_supervised"] else "",
            deadline=deadline.isoformat() if deadline else "",
            calendar=self.calendar_days(row["calendar_days"]),
            working=escaped(row["working_days"]),
            status=escaped(row["status_label"]),
            push=push,
        )


@register.simple_tag(takes_context=True)
def board_rows(context: Any, rows: Iterable[dict[str, Any]], back: str = "") -> SafeString:
    maker = _Rows(context.get("csrf_token"), back)
    body = "\n    ".join(maker.row(row) for row in rows)
    if not body:
        body = '<tr><td colspan="8" class="text-muted">{}</td></tr>'.format(
            escaped(gettext("Nothing is overdue."))
        )
    return mark_safe(body)  # noqa: S308  (every value above went through escaped)
