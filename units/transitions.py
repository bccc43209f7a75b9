"""The transition pattern every stateful model follows (see STYLE.md, rule 3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import models
from django.utils.translation import gettext as _


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
    """The same move of many subjects at once (an import): one INSERT per thousand records."""
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
