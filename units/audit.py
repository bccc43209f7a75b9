"""The audit tables, and the database refusing to change them.

The audit tables are found, never listed by hand, so a new transition record or a newly
tracked model is covered the day it is added:

- every concrete subclass of `TransitionRecord` (who moved what, from where, to where);
- every django-simple-history historical model (the change history of tracked models);
- the models named in `settings.ZUOFENG_AUDIT_EXTRA_MODELS` ("app.Model" → its time
  field; the identity reveal log), declared in the settings because units imports no app
  above it;
- the security log (`SecurityEvent`);
- and the chain's own tables (`AuditSeal`, `AuditArchive`), protected but not sealed.

On PostgreSQL each of them carries a django-pgtrigger `Protect` trigger refusing UPDATE
and DELETE (TRUNCATE, which the test runner's flush uses, is not a row operation and stays
possible for the database owner; the hash chain in units.audit_chain catches it). The
triggers are registered here when the app is ready and installed after every `migrate`
(a post_migrate receiver), never through migrations: the audited models live in apps whose
migrations are theirs, and a table created later is covered at the next `migrate`. On
SQLite (the single-machine trial) nothing is installed: the protection there is only that
nothing in the application updates or deletes an audit record (docs/AUDIT.md).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from units.models import AuditArchive, AuditSeal, SecurityEvent, TransitionRecord

TRIGGER_NAME = "zf_append_only"


@dataclasses.dataclass(frozen=True)
class AuditTable:
    """One audit table: its model and the field that dates its records (for retention)."""

    model: type[models.Model]
    time_field: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def trigger_uri(self) -> str:
        return f"{self.label}:{TRIGGER_NAME}"


def _is_concrete(model: type[models.Model]) -> bool:
    opts = model._meta
    return not (opts.abstract or opts.proxy or not opts.managed or opts.swapped)


@cache
def sealed_tables() -> tuple[AuditTable, ...]:
    """Every audit table whose records are sealed into a hash chain, in a stable order."""
    found: dict[str, AuditTable] = {}
    for model in apps.get_models():
        if not _is_concrete(model):
            continue
        if issubclass(model, TransitionRecord):
            found[model._meta.label] = AuditTable(model, "created_at")
        elif issubclass(model, HistoricalChanges):
            found[model._meta.label] = AuditTable(model, "history_date")
    for label, time_field in getattr(settings, "ZUOFENG_AUDIT_EXTRA_MODELS", {}).items():
        # A wrong name is reported by the system check (units.checks), not here.
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        found[model._meta.label] = AuditTable(model, time_field)
    found[SecurityEvent._meta.label] = AuditTable(SecurityEvent, "at")
    return tuple(found[label] for label in sorted(found))


def protected_models() -> list[type[models.Model]]:
    """Every table the append-only trigger guards: the sealed ones and the chain's own."""
    return [table.model for table in sealed_tables()] + [AuditSeal, AuditArchive]


def is_audit_model(model: type[models.Model]) -> bool:
    return model in set(protected_models())


def sealed_table(label: str) -> AuditTable:
    for table in sealed_tables():
        if table.label == label:
            return table
    raise LookupError(label)


def trigger_uris(*models_: type[models.Model]) -> list[str]:
    return [f"{model._meta.label}:{TRIGGER_NAME}" for model in models_]


# --- The triggers ------------------------------------------------------------------------


def register_triggers() -> None:
    """Register the append-only trigger on every audit table (AppConfig.ready)."""
    for model in protected_models():
        try:
            pgtrigger.registered(*trigger_uris(model))
            continue  # registered already (ready() ran twice)
        except KeyError:
            pass
        pgtrigger.Protect(
            name=TRIGGER_NAME, operation=pgtrigger.Update | pgtrigger.Delete
        ).register(model)  # type: ignore[arg-type]  # (pgtrigger annotates a class as Model)


def _installed(using: str) -> dict[tuple[str, str], tuple[str | None, str]]:
    """(table, trigger id) → (definition hash, enabled flag) of our triggers in the database."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, obj_description(t.oid, 'pg_trigger'), t.tgenabled "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE %s",
            [f"pgtrigger_{TRIGGER_NAME}%"],
        )
        return {(table, name): (digest, enabled) for table, name, digest, enabled in cursor}


def _audit_triggers() -> list[tuple[Any, Any]]:
    return [
        pair
        for pair in pgtrigger.registered(*trigger_uris(*protected_models()))
        if router.allow_migrate_model(DEFAULT_DB_ALIAS, pair[0])  # type: ignore[arg-type]
    ]


def install_triggers(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Install (or repair) the trigger on every audit table that exists; PostgreSQL only.

    Cheap when all is in place (two catalogue queries), so it can run after every migrate
    and every test flush. Returns the labels of the tables it (re)installed.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = set(connection.introspection.table_names())
    installed = _installed(using)
    done = []
    for model, trigger in _audit_triggers():
        table = model._meta.db_table
        if table not in tables:
            continue  # migrated backwards, or not yet created: the next migrate covers it
        state = installed.get((table, trigger.get_pgid(model)))
        if state == (trigger.compile(model).hash, "O"):
            continue
        trigger.install(model, database=using)
        done.append(model._meta.label)
    return done


def trigger_problems(*, using: str = DEFAULT_DB_ALIAS) -> list[tuple[str, str]]:
    """(table label, "missing" | "disabled" | "outdated") for each audit table not guarded."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    tables = set(connection.introspection.table_names())
    installed = _installed(using)
    problems = []
    for model, trigger in _audit_triggers():
        if model._meta.db_table not in tables:
            continue
        state = installed.get((model._meta.db_table, trigger.get_pgid(model)))
        if state is None:
            problems.append((model._meta.label, "missing"))
        elif state[1] != "O":
            problems.append((model._meta.label, "disabled"))
        elif state[0] != trigger.compile(model).hash:
            problems.append((model._meta.label, "outdated"))
    return problems


@contextmanager
def demo_rewrites() -> Iterator[None]:
    """Lift the append-only triggers in this thread while the demo county backdates what it
    has just fabricated, audit records included (units.demo; never for real data). Inside
    the transaction that wrote them, so they are sealed as they end up."""
    with pgtrigger.ignore(*trigger_uris(*protected_models())):
        yield


def install_on_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate receiver (connected in UnitsConfig.ready)."""
    install_triggers(using=using)


# --- Deleting what audit records point at -----------------------------------------------


def audit_records_in_the_way(objs: Iterable[models.Model]) -> list[str]:
    """What deleting `objs` would delete or rewrite in the audit tables, one line per table.

    Django would cascade (CASCADE) or blank (SET_NULL, e.g. simple-history's history_user)
    into them, and the trigger refuses: callers refuse first, with these lines. Relations
    that PROTECT are left to Django, which reports them itself.
    """
    objs = list(objs)
    if not objs:
        return []
    # origin=objs as the admin's own collector does (only signal receivers read it).
    collector = Collector(using=router.db_for_write(objs[0].__class__), origin=objs)  # type: ignore[arg-type]
    try:
        collector.collect(objs)
    except (ProtectedError, RestrictedError):
        return []
    audit = set(protected_models())
    counts: Counter[type[models.Model]] = Counter()
    for model, instances in collector.data.items():
        if model in audit:
            counts[model] += len(instances)
    for queryset in collector.fast_deletes:
        if queryset.model in audit:
            counts[queryset.model] += queryset.count()
    for (field, _value), batches in collector.field_updates.items():
        if field.model in audit:
            for batch in batches:
                counts[field.model] += (
                    batch.count() if isinstance(batch, models.QuerySet) else len(batch)  # type: ignore[arg-type]
                )
    return [
        _("%(records)s: %(count)d (audit records are kept and cannot be deleted or changed)")
        % {"records": model._meta.verbose_name_plural, "count": count}
        for model, count in sorted(counts.items(), key=lambda item: item[0]._meta.label)
        if count
    ]
