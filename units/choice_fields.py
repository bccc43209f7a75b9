"""A choice of one row by its key, looked up by a statement compiled once.

`ModelChoiceField` checks a posted key with `queryset.get(pk=…)`, which the ORM builds and
compiles to SQL again on every request: two thirds of the look-up's time, and on the
public complaint form (a category and a unit) a sixth of the whole submission's. A
`KeyChoiceField` compiles `queryset.filter(pk=<key>)` once per queryset it is given and
runs that statement with each key: the same row, the same refusal ("invalid_choice"),
the same rendering. A field's copies (one per form) share the compiled statement, as they
share the queryset they are copied from; a queryset set on one form (the units a user may
choose) is compiled for that form alone.

Where the statement cannot be reused as it is, the field is a plain `ModelChoiceField`:
a key by another field (`to_field_name`), a queryset whose SQL does not carry the key as
one parameter or that adds to its rows (related rows, annotations, prefetches), or a model
whose columns need converting when read (a JSON field, say).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import Col

# A key no row has, to find the key's place among the compiled statement's parameters
# (within the range of a 32-bit key, or the ORM would compile no statement for it).
_MARKER = -1_987_654_321
_BIGINT = 2**63


class _Statement:
    """The compiled look-up of one queryset, made on first use (never at import)."""

    def __init__(self) -> None:
        self.compiled: tuple[str, list[Any], int, list[str], str] | None = None
        self.usable = True

    def get(self, queryset: QuerySet, key: int) -> Model | bool | None:
        """The row with this key, None if the queryset has none, False if unusable."""
        if not self.usable:
            return False
        if self.compiled is None:
            self.compiled = _compile(queryset)
            if self.compiled is None:
                self.usable = False
                return False
        sql, params, at, attnames, using = self.compiled
        values = list(params)
        values[at] = key
        with connections[using].cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        return None if row is None else queryset.model.from_db(using, attnames, row)


def _compile(queryset: QuerySet) -> tuple[str, list[Any], int, list[str], str] | None:
    base = queryset.query
    if base.select_related or base.annotations or base.extra or queryset._prefetch_related_lookups:
        return None  # the row would come without what the queryset adds to it: the ORM's way
    model = queryset.model
    using = queryset.db
    connection = connections[using]
    fields = model._meta.concrete_fields
    for field in fields:
        if field.get_db_converters(connection) or connection.ops.get_db_converters(
            Col(model._meta.db_table, field)
        ):
            return None
    attnames = [field.attname for field in fields]
    query = queryset.filter(pk=_MARKER).values_list(*attnames).query
    try:
        sql, params = query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # a queryset that can hold nothing (`none()`): the ORM says so
        return None
    params = list(params)
    if params.count(_MARKER) != 1:
        return None
    return sql, params, params.index(_MARKER), attnames, using


class KeyChoiceField(forms.ModelChoiceField):
    """`ModelChoiceField` for a choice posted by primary key (see the module's note)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> KeyChoiceField:
        result = super().__deepcopy__(memo)
        result._statement = self._statement  # a clone of the same queryset: the same SQL
        return result

    def _set_queryset(self, queryset: QuerySet | None) -> None:
        super()._set_queryset(queryset)
        self._statement = _Statement()

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value: Any) -> Any:
        if (
            value in self.empty_values
            or self.to_field_name
            or isinstance(value, self.queryset.model)
        ):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        try:
            key = int(str(value).strip())
        except ValueError:
            key = None
        found = None
        if key is not None and -_BIGINT <= key < _BIGINT:
            found = self._statement.get(self.queryset, key)
            if found is False:
                return super().to_python(value)
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found
