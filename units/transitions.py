"""The one state-change mechanism (STYLE.md, rule 3).

Every move of every stateful model goes through `transition`: lock the row, check the move
against the model's `TRANSITIONS` map, save with `update_fields`, write the transition
record (the model's reverse relation named ``transitions``), and schedule what follows
(notices, tasks) for after the commit. Services check *who* acts before calling it; it
checks *what* may move.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models import QuerySet
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class InvalidTransition(Exception):
    """The requested move is not in the model's transition map."""


def check_transition(
    *, transitions: Mapping[str, set[str]], current: str, target: str, labels: Any = None
) -> None:
    if target not in transitions.get(current, set()):
        label = dict(labels) if labels is not None else {}
        raise InvalidTransition(
            _("Cannot change from “%(from)s” to “%(to)s”.")
            % {"from": label.get(current, current), "to": label.get(target, target)}
        )


def record_spec(model: type[models.Model]) -> tuple[type[models.Model], str]:
    """The record model of a stateful model and its foreign key to it (`<model>.transitions`)."""
    relation = model._meta.get_field("transitions")
    return relation.related_model, relation.field.name  # type: ignore[union-attr,return-value]


def _auto_now_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def transition(
    obj: M,
    *,
    target: str,
    actor: Any,
    comment: str = "",
    fields: Mapping[str, Any] | None = None,
    queryset: QuerySet[M] | None = None,
    locked: bool = False,
    check: Callable[[M], None] | None = None,
    after_commit: Callable[[M], None] | None = None,
    from_status: str | None = None,
) -> M:
    """Move `obj` to `target`: lock, check, save, record, then `after_commit` once committed.

    `queryset` chooses what is locked and loaded with it (select_related); `locked=True`
    says the caller already holds the row's lock (a service that moves the row as part of a
    larger change). `check` runs on the locked row before the move (state-dependent rules).
    `from_status` is for a row created in the same transaction ("" = a new record).
    Returns the locked, saved instance.
    """
    model = type(obj)
    with transaction.atomic():
        if locked:
            row = obj
        else:
            base = queryset if queryset is not None else model._default_manager.all()
            row = base.select_for_update(of=("self",)).get(pk=obj.pk)
        if check is not None:
            check(row)
        current = row.status if from_status is None else from_status  # type: ignore[attr-defined]
        check_transition(
            transitions=model.TRANSITIONS,  # type: ignore[attr-defined]
            current=current,
            target=target,
            labels=model.Status.choices,  # type: ignore[attr-defined]
        )
        changes = {"status": target, **(fields or {})}
        for name, value in changes.items():
            setattr(row, name, value)
        update_fields = list(dict.fromkeys([*changes, *_auto_now_fields(model)]))
        row.save(update_fields=update_fields)
        record_model, subject_field = record_spec(model)
        record_transitions(
            record_model=record_model,
            subject_field=subject_field,
            subjects=[row],
            from_status=current,
            to_status=target,
            actor=actor,
            comment=comment,
        )
        if after_commit is not None:
            transaction.on_commit(partial(after_commit, row))
    return row


def record_transition(
    *,
    record_model: type[models.Model],
    subject_field: str,
    subject: models.Model,
    from_status: str,
    to_status: str,
    actor: Any,
    comment: str = "",
) -> models.Model:
    """Write the transition record (actor may be None for the system)."""
    return record_transitions(
        record_model=record_model,
        subject_field=subject_field,
        subjects=[subject],
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        comment=comment,
    )[0]


def record_transitions(
    *,
    record_model: type[models.Model],
    subject_field: str,
    subjects: Sequence[models.Model],
    from_status: str,
    to_status: str,
    actor: Any,
    comment: str = "",
) -> list[models.Model]:
    """The same move of many subjects at once (an import, a sweep): one INSERT per thousand."""
    return record_model.objects.bulk_create(  # type: ignore[attr-defined,no-any-return]
        [
            _record(
                record_model,
                {subject_field: subject},
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                comment=comment,
            )
            for subject in subjects
        ],
        batch_size=1000,
    )


def _record(
    record_model: type[models.Model],
    subject: dict[str, Any],
    *,
    from_status: str,
    to_status: str,
    actor: Any,
    comment: str,
) -> models.Model:
    """One transition record, unsaved (actor None for the system or the public)."""
    return record_model(
        **subject,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def create_recorded(obj: M, *, to_status: str, actor: Any, comment: str = "") -> M:
    """Write a new row of a stateful model in `to_status` with its first transition record
    ("" → `to_status`, as `record_transition` writes it). Returns `obj`, saved.

    On PostgreSQL both rows are one statement (`INSERT … RETURNING` feeding `INSERT …
    SELECT`), atomic as any statement is: a new complaint is the public's busiest write,
    and the ORM's INSERT and record cost a third of its service's time. The columns are
    the models' own concrete fields, prepared as `Model.save` prepares them (defaults,
    `auto_now`, foreign keys), so a new field is written without touching this. Elsewhere
    (SQLite) the same rows are written by `save` and `record_transition` in a transaction.
    """
    model = type(obj)
    record_model, subject_field = record_spec(model)
    obj.status = to_status  # type: ignore[attr-defined]
    using = router.db_for_write(model, instance=obj)
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using):
            obj.save(force_insert=True, using=using)
            record_transition(
                record_model=record_model,
                subject_field=subject_field,
                subject=obj,
                from_status="",
                to_status=to_status,
                actor=actor,
                comment=comment,
            )
        return obj
    # Its subject is filled in by the statement (the row's key, drawn by the INSERT).
    record = _record(
        record_model, {}, from_status="", to_status=to_status, actor=actor, comment=comment
    )
    link = str(record_model._meta.get_field(subject_field).column)  # type: ignore[union-attr]
    columns, values = _insert_values(obj, connection)
    record_columns, record_values = _insert_values(record, connection, skip=link)
    sql = _create_recorded_sql(
        using, model, tuple(columns), record_model, link, tuple(record_columns)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *record_values])
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = using
    return obj


@cache
def _create_recorded_sql(
    using: str,
    model: type[models.Model],
    columns: tuple[str, ...],
    record_model: type[models.Model],
    link: str,
    record_columns: tuple[str, ...],
) -> str:
    quote = connections[using].ops.quote_name
    pk = quote(model._meta.pk.column)
    return (
        f"WITH subject AS (INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (names)
        f"({', '.join(map(quote, columns))}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"RETURNING {pk}) "
        f"INSERT INTO {quote(record_model._meta.db_table)} "
        f"({', '.join(map(quote, [link, *record_columns]))}) "
        f"SELECT subject.{pk}, {', '.join(['%s'] * len(record_columns))} "
        f"FROM subject RETURNING {quote(link)}"
    )


def _insert_values(
    obj: models.Model, connection: Any, *, skip: str = ""
) -> tuple[list[str], list[Any]]:
    """The columns an INSERT of `obj` writes and their values, prepared as `save` prepares
    them; a primary key not yet drawn and a field left to its database default are left to
    the database."""
    if obj._meta.parents:
        raise ValueError(f"{type(obj).__name__}: a child of multi-table inheritance")
    columns, values = [], []
    for field in obj._meta.local_concrete_fields:
        if field.column == skip or getattr(field, "generated", False):
            continue
        if field.primary_key and getattr(obj, field.attname) is None:
            continue
        value = field.pre_save(obj, add=True)
        if isinstance(value, DatabaseDefault):
            continue
        columns.append(field.column)
        values.append(field.get_db_prep_save(value, connection=connection))
    return columns, values
