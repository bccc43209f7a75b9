"""The 督办 board's rows tag writes what the template loop it replaced wrote."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import AnonymousUser
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

# The template loop of templates/campaign/overdue_board.html before the tag.
LOOP = """{% load i18n %}{% for row in page %}
    <tr data-kind="{{ row.row_kind }}" data-testid="overdue-row">
      <td class="text-nowrap">{{ row.kind_label }}</td>
      <td class="text-nowrap"><a href="{{ row.url }}">{{ row.row_ref }}</a></td>
      <td>{{ row.row_unit_name }}</td>
      <td><a href="{{ row.url }}">{{ row.row_title|truncatechars:60 }}</a>{% if row.row_supervised %} <span class="badge text-bg-danger">{% translate "Under supervision" context "supervision state" %}</span>{% endif %}</td>
      <td class="text-nowrap text-danger">{{ row.row_deadline|date:"Y-m-d" }} <span class="zf-light zf-light-red"></span></td>
      <td class="text-end fw-bold text-danger" data-testid="days-overdue" title="{% blocktranslate count n=row.calendar_days %}{{ n }} calendar day{% plural %}{{ n }} calendar days{% endblocktranslate %}">{{ row.working_days }}</td>
      <td class="text-nowrap">{{ row.status_label }}</td>
      <td class="no-print">{% if row.can_push %}
        <form method="post" action="{% url 'campaign:overdue_board_act' %}" class="d-flex gap-1">{% csrf_token %}
          <input type="hidden" name="kind" value="{{ row.row_kind }}"><input type="hidden" name="row_id" value="{{ row.row_id }}"><input type="hidden" name="back" value="{{ back }}">
          <input name="text" class="form-control form-control-sm" maxlength="500" placeholder="{% translate "Message to the unit (optional)" %}" aria-label="{% translate "Message to the unit" %}" style="min-width:9rem">
          <button class="btn btn-sm btn-danger text-nowrap" name="action" value="supervise" data-testid="supervise">{% translate "Supervise" context "reminder kind" %}</button>
          <button class="btn btn-sm btn-outline-danger text-nowrap" name="action" value="urge" data-testid="urge">{% translate "Urge" context "reminder kind" %}</button>
        </form>{% endif %}</td>
    </tr>
    {% empty %}<tr><td colspan="8" class="text-muted">{% translate "Nothing is overdue." %}</td></tr>{% endfor %}"""

TAG = "{% load board_rows %}{% board_rows page back %}"


def _row(n: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "row_kind": "complaint" if n % 2 else "item",
        "row_id": 100 + n,
        "row_ref": f"TS2026-{n:06d}" if n % 2 else str(100 + n),
        "row_unit_name": f"某某局<第{n}科>",
        "row_title": "群众反映“办事难”：" + "推诿扯皮" * (n + 3) + " & <b>",
        "row_deadline": datetime.date(2026, 11, 1) + datetime.timedelta(days=n),
        "row_supervised": n % 3 == 0,
        "kind_label": "投诉举报" if n % 2 else "整改事项",
        "url": f"/complaints/{100 + n}/?a=1&b=2",
        "working_days": n * 2,
        "calendar_days": n,
        "status_label": "已交办",
        "can_push": n % 4 != 1,
    }
    row.update(changes)
    return row


def _normalised(html: str) -> str:
    """Whitespace aside, and the CSRF token (masked afresh for each render)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r"\s+", " ", html).strip()


def _render(source: str, rows: list[dict[str, object]], back: str) -> str:
    request = RequestFactory().get("/campaign/overdue/")
    request.user = AnonymousUser()
    return Template(source).render(RequestContext(request, {"page": rows, "back": back}))


def test_the_tag_writes_the_loops_html():
    rows = [_row(n) for n in range(8)] + [_row(9, row_deadline=None, calendar_days=1)]
    back = "q=推诿&kind=complaint&page=2"
    for language in ("zh-hans", "en"):
        with translation.override(language):
            loop, tag = _render(LOOP, rows, back), _render(TAG, rows, back)
        assert _normalised(tag) == _normalised(loop)
    assert "&lt;b&gt;" in tag and "<b>" not in tag  # what units typed is escaped
    assert tag.count('name="csrfmiddlewaretoken"') == sum(1 for r in rows if r["can_push"])


def test_an_empty_board_says_so():
    with translation.override("zh-hans"):
        assert _normalised(_render(TAG, [], "")) == _normalised(_render(LOOP, [], ""))


def test_without_a_request_token_no_token_is_written():
    rows = [_row(0)]
    assert "csrfmiddlewaretoken" not in Template(TAG).render(Context({"page": rows}))
