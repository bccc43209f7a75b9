"""`get_<field>_display` without rebuilding the field's choices on every call.

Django's `Model._get_FIELD_display` turns the field's whole choice list into a dict on each
call, hashing every (lazy) label, which translates it: a status column of a 1,000-row printed
ledger cost nine translations per cell. A model listed in long tables takes `ChoiceLabels`
first among its bases; its fields' value → label maps are built once per field and the one
label shown is translated as before (in the request's language).

Only fixed choice lists are kept (Django also accepts a callable, which may change): any
other field goes through Django's own method.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field[Any, Any]) -> dict[Any, Any] | None:
    if not isinstance(field.choices, list | tuple):
        return None
    labels = dict(field.flatchoices)
    # Keys compare as the stored values do (str, int): anything else is Django's to hash.
    if not all(isinstance(key, str | int) or key is None for key in labels):
        return None
    return labels


class ChoiceLabels:
    """Mixin for models: the same labels as `get_<field>_display`, without the rebuild."""

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        labels = _labels(field)
        if labels is None:
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's own method copes
            return super()._get_FIELD_display(field)  # type: ignore[misc]
        return force_str(label, strings_only=True)
