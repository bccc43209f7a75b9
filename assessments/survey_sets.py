"""What every vote re-reads of its survey, kept in the cache: the units it covers, its
dimensions in order and its choices.

A vote checks its answers against these; reading them costs three statements a vote (and a
province survey covers 10 000 units), while they change only when the survey is set up. Any
change to them (the services, the admin's inlines, a unit added to or taken out of the
survey from either side) forgets the entry, at once and again when the change commits, so
that a vote never checks against what the database no longer says. The entry also expires
on its own, for changes made around Django (a restored database, raw SQL).

Each process keeps the sets it read, under the stamp the shared cache held when it read
them; a vote asks the shared cache only for the stamp (a few bytes, where the sets of a
province survey are ten thousand ids to fetch and unpickle, twice a vote). Forgetting
deletes the stamp, so every process reads the sets again at its next vote.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

# The survey's unit ids, its dimensions (pk, name) in order, its choice ids.
Sets = tuple[frozenset[int], list[tuple[int, str]], frozenset[int]]

TIMEOUT = 600


# Per process: survey id -> (the stamp the shared cache held when read, the sets).
_read: dict[int, tuple[str, Sets]] = {}


def _key(survey_id: int) -> str:
    return f"assessments:survey-sets-stamp:{survey_id}"


def read_survey_sets(survey_id: int) -> Sets:
    """From the database: three statements."""
    from assessments.models import ScaleOption, Survey, SurveyDimension

    return (
        frozenset(
            Survey.units.through.objects.filter(survey_id=survey_id).values_list(
                "unit_id", flat=True
            )
        ),
        list(
            SurveyDimension.objects.filter(survey_id=survey_id)
            .order_by("sort_order", "pk")
            .values_list("pk", "name")
        ),
        frozenset(ScaleOption.objects.filter(survey_id=survey_id).values_list("pk", flat=True)),
    )


def survey_sets(survey_id: int) -> Sets:
    """The survey's sets: this process's copy while the shared stamp is the one it was read
    under, else read again (and a fresh stamp shared when there was none)."""
    key = _key(survey_id)
    stamp = cache.get(key)
    kept = _read.get(survey_id)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    # The stamp is taken before reading: a change forgetting it meanwhile is read next time.
    if stamp is None:
        stamp = secrets.token_hex(8)
        if not cache.add(key, stamp, TIMEOUT):  # another process shared its stamp first
            stamp = cache.get(key) or stamp
    sets = read_survey_sets(survey_id)
    _read[survey_id] = (stamp, sets)
    return sets


def forget_survey_sets(survey_id: int | None) -> None:
    """Drop the entry now and once more when the transaction commits (a vote in another
    process may have cached the old sets between the change and its commit)."""
    if survey_id is None:
        return
    key = _key(survey_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def _changed_child(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_survey_sets(getattr(instance, "survey_id", None))


def _units_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if not reverse:  # survey.units.add(...): the survey changed
        if action.startswith("post_"):
            forget_survey_sets(instance.pk)
        return
    # unit.surveys.add(...): the surveys named changed; on a clear, every survey of the
    # unit, found before the rows go.
    if action == "pre_clear":
        from assessments.models import Survey

        for survey_id in Survey.objects.filter(units=instance).values_list("pk", flat=True):
            forget_survey_sets(survey_id)
    elif action in ("post_add", "post_remove"):
        for survey_id in pk_set or ():
            forget_survey_sets(survey_id)


def _survey_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_survey_sets(instance.pk)


def connect() -> None:
    """Called once from AssessmentsConfig.ready."""
    from assessments.models import ScaleOption, Survey, SurveyDimension

    for model in (SurveyDimension, ScaleOption):
        post_save.connect(_changed_child, sender=model, dispatch_uid=f"survey-sets-{model}")
        post_delete.connect(_changed_child, sender=model, dispatch_uid=f"survey-sets-del-{model}")
    m2m_changed.connect(_units_changed, sender=Survey.units.through, dispatch_uid="survey-sets-m2m")
    post_delete.connect(_survey_deleted, sender=Survey, dispatch_uid="survey-sets-survey")
