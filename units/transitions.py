"""The one state-change mechanism (STYLE.md, rule 3).

Every move of every stateful model goes through `transition`: lock the row, check the move
against the model's `TRANSITIONS` map, save with `update_fields`, write the transition
record (the model's reverse relation named ``transitions``), and schedule what follows
(notices, tasks) for after the commit. Services check *who* acts before calling it; it
checks *what* may move.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
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
    who = actor if actor is not None and actor.is_authenticated else None
    return record_model.objects.bulk_create(  # type: ignore[attr-defined,no-any-return]
        [
            record_model(
                **{subject_field: subject},
                actor=who,
                from_status=from_status,
                to_status=to_status,
                comment=comment,
            )
            for subject in subjects
        ],
        batch_size=1000,
    )
