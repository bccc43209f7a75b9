"""The unit and cadre fields' widgets: a search-as-you-type picker, never the whole list.

A province has 10,000 units: a <select> listing them is megabytes of HTML and seconds of
rendering (twice on a circular's form). `UnitSelect` and `UnitSelectMultiple` render only
the chosen unit(s) (a re-displayed invalid form keeps its choice) plus the address of a
lookup that searches the field's own queryset (units.picker); static/js/unit_picker.js turns
the <select> into a Tom Select box that asks it as the user types. The field's queryset still
validates what is posted. Given plain choices (no queryset) they render those in one pass.
Cadre fields (90,000 in a province) use the same widgets: the queryset's model picks the
search and labels (units.picker.KINDS); `PersonSelect` names them for the reader.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from units import picker
from units.html import escaped


class _OnePassOptions:
    """Render `optgroups` (from Django's ChoiceWidget) without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        context = self.get_context(name, value, attrs)  # type: ignore[attr-defined]
        widget = context["widget"]
        select_attrs = dict(widget["attrs"])
        if self.allow_multiple_selected:  # type: ignore[attr-defined]
            select_attrs["multiple"] = True
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], flatatt(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            if group_name:
                rendered = format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
            parts.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(select_attrs),
            mark_safe("".join(parts)),  # noqa: S308 (each part built by format_html)
        )


class _Picker(_OnePassOptions):
    """Only the chosen units as options; the rest come from the lookup as the user types."""

    def __init__(
        self, attrs: dict[str, Any] | None = None, choices: Any = (), *, public: bool = False
    ) -> None:
        # public: the lookup answers visitors who are not signed in (the citizens' intake).
        super().__init__(attrs, choices)  # type: ignore[call-arg]
        self.public = public

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None) -> Any:
        choices = self.choices  # type: ignore[has-type]
        if not isinstance(choices, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        field = choices.field
        chosen = [int(v) for v in value if str(v).isdigit()]
        rows = picker.labels(choices.queryset.filter(pk__in=chosen)) if chosen else []
        options = []
        if not self.allow_multiple_selected and field.empty_label is not None:  # type: ignore[attr-defined]
            options.append(self.create_option(name, "", field.empty_label, not rows, 0))  # type: ignore[attr-defined]
        for index, (pk, label) in enumerate(rows, start=len(options)):
            options.append(self.create_option(name, pk, label, True, index))  # type: ignore[attr-defined]
        return [(None, options, 0)]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        choices = self.choices  # type: ignore[has-type]
        if isinstance(choices, ModelChoiceIterator) and not choices.queryset.query.is_empty():
            token = picker.remember(queryset=choices.queryset, public=self.public)
            kind = picker.KINDS[choices.queryset.model]
            context["widget"]["attrs"].update(
                {
                    "data-unit-picker": reverse("units:unit_lookup", args=[token]),
                    "data-placeholder": str(kind.placeholder),
                    "data-no-results": str(kind.no_results),
                    "data-expired": gettext("The page has expired: reload it to search again."),
                }
            )
        return context


class UnitSelect(_Picker, forms.Select):
    pass


class OnePassSelect(_OnePassOptions, forms.Select):
    """A plain <select> of given choices, its options written in one pass (the list
    filters' units: the top levels of a city are 500 options, a template each otherwise).

    Django's Select context minus its options' dicts (one per unit, built and dropped):
    the same HTML, written from the choices directly (a province's two unit filters took
    12 ms through format_html and the dicts)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        values = self.format_value(value)
        parts = []
        has_selected = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                group_name, choices = option_value, option_label
            else:
                group_name = None
                choices = [("" if option_value is None else option_value, option_label)]
            options = []
            for subvalue, sublabel in choices:
                selected = not has_selected and str(subvalue) in values
                has_selected |= selected
                options.append(
                    f'<option value="{escaped(subvalue)}"{" selected" if selected else ""}>'
                    f"{escaped(sublabel)}</option>"
                )
            rendered = "".join(options)
            if group_name:
                rendered = f'<optgroup label="{escaped(group_name)}">{rendered}</optgroup>'
            parts.append(rendered)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(parts)),  # noqa: S308 (every value and label escaped above)
        )


class UnitSelectMultiple(_Picker, forms.SelectMultiple):
    pass


# Cadres (units.models.Person) the same way: the chosen ones, labelled by units.cadres.cadre_label.
PersonSelect = UnitSelect
PersonSelectMultiple = UnitSelectMultiple
