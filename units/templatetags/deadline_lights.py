"""The one deadline light (黄灯 / 红灯): `{% load deadline_lights %}{% light value %}` for any
row annotated by units.workdays.light_case ("red" | "yellow" | "green" | "").

A tag rather than an included template: a printed ledger draws a thousand of them, and an
include costs a template render each (a quarter of the page's time)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def light(value: str | None) -> SafeString | str:
    if value == "red":
        return format_html(
            '<span class="zf-light zf-light-red" title="{}" data-light="red"></span> '
            '<span class="text-danger small">{}</span>',
            gettext("Past the deadline"),
            gettext("Red light"),
        )
    if value == "yellow":
        return format_html(
            '<span class="zf-light zf-light-yellow" title="{}" data-light="yellow"></span> '
            '<span class="text-warning small">{}</span>',
            gettext("Due within 3 working days"),
            gettext("Yellow light"),
        )
    if value == "green":
        return format_html(
            '<span class="zf-light zf-light-green" title="{}" data-light="green"></span>',
            gettext("On schedule"),
        )
    return ""
