"""The one-pass unit selects give the browser what Django's own selects give it."""

from __future__ import annotations

from django import forms
from django.test.html import parse_html

from units.widgets import UnitSelect, UnitSelectMultiple

CHOICES = [("", "全部单位"), (1, "县教育局"), (2, "县市场监督管理局 <局机关>"), (3, "城关镇")]


def _normalised(html: str):
    """The markup as a browser reads it: attribute order and whitespace between tags aside."""
    return parse_html(html)


def test_a_single_select_renders_as_djangos_with_the_chosen_unit_selected():
    ours = UnitSelect(choices=CHOICES, attrs={"class": "form-select", "required": True})
    django = forms.Select(choices=CHOICES, attrs={"class": "form-select", "required": True})
    html = ours.render("unit", 2, attrs={"id": "id_unit"})
    assert _normalised(html) == _normalised(django.render("unit", 2, attrs={"id": "id_unit"}))
    assert '<option value="2" selected>县市场监督管理局 &lt;局机关&gt;</option>' in html


def test_a_multiple_select_marks_every_chosen_unit():
    ours = UnitSelectMultiple(choices=CHOICES[1:])
    html = ours.render("commended", [1, 3])
    assert _normalised(html) == _normalised(
        forms.SelectMultiple(choices=CHOICES[1:]).render("commended", [1, 3])
    )
    assert html.count(" selected") == 2 and " multiple" in html
