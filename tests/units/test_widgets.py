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


def test_the_list_filters_select_renders_as_djangos_written_from_its_choices():
    """OnePassSelect writes its options from the choices directly (no dict per option)."""
    from django.utils.functional import lazystr
    from django.utils.safestring import mark_safe

    from units.widgets import OnePassSelect

    choices = [
        (None, lazystr("全部单位 & 部门")),
        *CHOICES[1:],
        ("局机关", [(4, "办公室"), (5, mark_safe("<b>法规科</b>"))]),
        (6, '"引号" 单位'),
    ]
    for value in (None, "", 2, "5", 99):
        ours = OnePassSelect(choices=choices, attrs={"class": "form-select"})
        django = forms.Select(choices=choices, attrs={"class": "form-select"})
        html = ours.render("unit", value, attrs={"id": "filter_unit"})
        expected = django.render("unit", value, attrs={"id": "filter_unit"})
        assert _normalised(html) == _normalised(expected), value
    assert '<option value="2" selected>县市场监督管理局 &lt;局机关&gt;</option>' in (
        OnePassSelect(choices=choices).render("unit", 2)
    )
