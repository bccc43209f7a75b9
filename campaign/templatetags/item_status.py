"""A rectification item's status badge: `{% load item_status %}{% item_status item %}`.

A tag rather than an included template: the printed ledger draws a thousand of them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# Status → Bootstrap badge colour: done, sent back, waiting for staff, being worked on.
TONES = {
    "closed": "text-bg-success",
    "returned": "text-bg-danger",
    "closure_requested": "text-bg-warning",
    "submitted": "text-bg-warning",
    "in_progress": "text-bg-primary",
    "accepted": "text-bg-primary",
}


@register.simple_tag
def item_status(item: Any) -> SafeString:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        TONES.get(item.status, "text-bg-secondary"),
        item.status,
        item.get_status_display(),
    )
