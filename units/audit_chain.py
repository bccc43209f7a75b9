"""The hash chain over the audit tables: sealing, verifying, archiving.

Each audit table (units.audit.sealed_tables) has its own chain of `AuditSeal` links. A
link holds the SHA-256 of one record's canonical content and a chain value, the SHA-256 of
the previous link's chain value and this link; the chain's order is the order of sealing.

- **Sealing.** A record is sealed right after the transaction that wrote it commits (a
  post_save receiver gathers the transaction's new records; one on_commit callback seals
  them in a short transaction of its own, serialised per table by an advisory lock on
  PostgreSQL). Records written without post_save (bulk_create) or whose sealing failed are
  sealed by the sweeper (`units.tasks.seal_audit_records`, every few minutes); sealing is
  idempotent (one link per record, under the lock).
- **Verifying** (`manage.py audit_verify`) walks each chain from its start (or from where
  the last archive ended): a record whose content no longer matches its link was changed,
  a link whose record is gone was deleted, a gap in the sequence or a link that does not
  follow on from the one before shows the chain itself was tampered with, and a record
  older than a few minutes without a link escaped sealing (or was inserted by hand).
- **Archiving** (`manage.py audit_archive`) writes the records older than the retention to
  a gzip-compressed JSON-lines file with their links, and only then deletes them and their
  links, leaving an `AuditArchive` mark with the chain value where the archive ended, so
  the chain still verifies. The file itself can be checked with `audit_verify --archive`.

The canonical content is rebuilt from what the database returns, so it is the same at
sealing and at verifying: datetimes in UTC ISO form, decimals to their decimal places,
JSON with sorted keys, binary as hex.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import gzip
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

import pgtrigger
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from units.audit import AuditTable, sealed_table, sealed_tables, trigger_problems, trigger_uris
from units.models import AuditArchive, AuditSeal

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
SEAL_BATCH = 500
VERIFY_BATCH = 1000
ARCHIVE_FORMAT = "zuofeng-audit-archive"
# Advisory-lock namespace for the chains (the first key of pg_advisory_xact_lock(int, int)).
LOCK_NAMESPACE = 0x5A46  # "ZF"


# --- Canonical content -------------------------------------------------------------------


def _iso(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = value.astimezone(datetime.UTC)
    return value.isoformat(timespec="microseconds")


def canonical_value(field: models.Field, value: Any) -> Any:
    """A column's value as JSON, the same whichever database returned it."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return _iso(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value // datetime.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal):
        places = getattr(field, "decimal_places", None)
        return f"{value:.{places}f}" if places is not None else str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    return value


def record_content(
    *, table: str, row_id: int, names: list[str], fields: dict[str, models.Field], row: dict
) -> dict[str, Any]:
    return {
        "table": table,
        "id": row_id,
        "fields": {name: canonical_value(fields[name], row[name]) for name in names},
    }


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(
    *,
    prev: str,
    table: str,
    seq: int,
    row_id: int,
    fields: str,
    row_hash: str,
    sealed_at: datetime.datetime,
) -> str:
    text = "\n".join([prev, table, str(seq), str(row_id), fields, row_hash, _iso(sealed_at)])
    return hashlib.sha256(text.encode()).hexdigest()


def _columns(model: type[models.Model]) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields}


def sealed_columns(model: type[models.Model]) -> list[str]:
    """The columns a new link covers: every concrete column, by name."""
    return sorted(_columns(model))


# --- Sealing -----------------------------------------------------------------------------


def _lock(label: str, using: str) -> None:
    """Serialise sealing of one table's chain until the transaction ends (PostgreSQL).

    SQLite serialises writers by itself (the trial setup opens transactions IMMEDIATE).
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(label.encode()).digest()[:4], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])


def _head(label: str, using: str) -> tuple[int, str]:
    """(seq, chain value) of the chain's last link, or of where the last archive ended."""
    last = (
        AuditSeal.objects.using(using)
        .filter(table=label)
        .order_by("-seq")
        .values_list("seq", "chain")
        .first()
    )
    if last is not None:
        return last
    mark = (
        AuditArchive.objects.using(using)
        .filter(table=label)
        .order_by("-through_seq")
        .values_list("through_seq", "chain")
        .first()
    )
    return mark if mark is not None else (0, GENESIS)


def _unsealed(table: AuditTable, using: str) -> models.QuerySet:
    seals = AuditSeal.objects.using(using).filter(table=table.label, row_id=OuterRef("pk"))
    return table.model._base_manager.using(using).filter(~Exists(seals))


def seal(table: AuditTable, row_ids: Collection[int] | None = None, *, using: str = "") -> int:
    """Seal the given records of `table` (or, with None, up to SEAL_BATCH unsealed ones)
    that have no link yet; returns how many were sealed. Safe to run twice, and at once."""
    using = using or DEFAULT_DB_ALIAS
    if row_ids is None:
        return _seal_batch(table, None, using)
    total = 0
    while True:
        count = _seal_batch(table, row_ids, using)
        total += count
        if count < SEAL_BATCH:
            return total


def _seal_batch(table: AuditTable, row_ids: Collection[int] | None, using: str) -> int:
    model, label = table.model, table.label
    names = sealed_columns(model)
    fields = _columns(model)
    joined = ",".join(names)
    pk_name = model._meta.pk.attname
    with transaction.atomic(using=using):
        _lock(label, using)
        candidates = _unsealed(table, using)
        if row_ids is not None:
            candidates = candidates.filter(pk__in=list(row_ids))
        rows = list(candidates.order_by("pk").values(*names)[:SEAL_BATCH])
        if not rows:
            return 0
        seq, chain = _head(label, using)
        now = timezone.now()
        links = []
        for row in rows:
            seq += 1
            row_id = row[pk_name]
            row_hash = content_hash(
                record_content(table=label, row_id=row_id, names=names, fields=fields, row=row)
            )
            link = link_hash(
                prev=chain,
                table=label,
                seq=seq,
                row_id=row_id,
                fields=joined,
                row_hash=row_hash,
                sealed_at=now,
            )
            links.append(
                AuditSeal(
                    table=label,
                    seq=seq,
                    row_id=row_id,
                    fields=joined,
                    row_hash=row_hash,
                    prev_chain=chain,
                    chain=link,
                    sealed_at=now,
                )
            )
            chain = link
        AuditSeal.objects.using(using).bulk_create(links)
    return len(rows)


def _existing(using: str) -> set[str]:
    return set(connections[using].introspection.table_names())


def seal_all(*, using: str = "") -> int:
    """The sweeper: seal every record that escaped sealing, in every audit table."""
    using = using or DEFAULT_DB_ALIAS
    total = 0
    existing = _existing(using)
    for table in sealed_tables():
        if table.model._meta.db_table not in existing:
            continue  # not migrated yet
        while True:
            count = seal(table, using=using)
            total += count
            if count < SEAL_BATCH:
                break
    return total


class _Batch:
    """The records a transaction added to the audit tables, sealed once it commits."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.rows: dict[str, list[int]] = {}
        self.callback = self.flush

    def add(self, label: str, pk: int) -> None:
        self.rows.setdefault(label, []).append(pk)

    def flush(self) -> None:
        rows, self.rows = self.rows, {}
        for label, pks in rows.items():
            # Records a rolled-back savepoint took with it are simply not found.
            seal(sealed_table(label), pks, using=self.using)


def _record_written(sender: Any, instance: Any, created: bool, raw: bool, using: str, **kw: Any):  # type: ignore[no-untyped-def]
    if not created or raw:
        return
    connection = connections[using]
    batch: _Batch | None = getattr(connection, "_zf_audit_batch", None)
    # run_on_commit holds (savepoint ids, callback, robust): ours is gone once it has run or
    # its (savepoint's) transaction was rolled back, and then a new batch starts.
    pending = batch is not None and any(
        entry[1] is batch.callback for entry in connection.run_on_commit
    )
    if batch is None or not pending:
        batch = _Batch(using)
        connection._zf_audit_batch = batch  # type: ignore[attr-defined]
        batch.add(sender._meta.label, instance.pk)
        # Robust: a failed seal never fails what was written; the sweeper seals it later.
        transaction.on_commit(batch.callback, using=using, robust=True)
    else:
        batch.add(sender._meta.label, instance.pk)


def connect_sealing() -> None:
    """Seal each audit record after its transaction commits (UnitsConfig.ready)."""
    for table in sealed_tables():
        post_save.connect(
            _record_written, sender=table.model, dispatch_uid=f"zf_audit_seal:{table.label}"
        )


def chain_heads(*, using: str = "") -> dict[str, tuple[int, str]]:
    """Each chain's last (seq, chain value): worth noting down outside the database."""
    using = using or DEFAULT_DB_ALIAS
    return {table.label: _head(table.label, using) for table in sealed_tables()}


# --- Verifying ---------------------------------------------------------------------------


@dataclasses.dataclass
class Finding:
    kind: str  # changed, missing, columns, seal_altered, seal_gap, chain_broken, stale_seal,
    # unsealed, trigger, unknown_table
    message: str


@dataclasses.dataclass
class TableReport:
    label: str
    name: str
    checked: int = 0
    head: tuple[int, str] = (0, GENESIS)
    findings: list[Finding] = dataclasses.field(default_factory=list)


def _seals(label: str, after: int, using: str) -> Iterator[list[AuditSeal]]:
    """The table's links after `after`, in order, in batches (keyset pagination)."""
    while True:
        batch = list(
            AuditSeal.objects.using(using)
            .filter(table=label, seq__gt=after)
            .order_by("seq")[:VERIFY_BATCH]
        )
        if not batch:
            return
        yield batch
        after = batch[-1].seq


def verify_table(
    table: AuditTable, *, using: str = "", grace: datetime.timedelta | None = None
) -> TableReport:
    """Walk one table's chain and compare every link with its record."""
    using = using or DEFAULT_DB_ALIAS
    if grace is None:
        grace = datetime.timedelta(minutes=settings.ZUOFENG_AUDIT_UNSEALED_GRACE_MINUTES)
    model, label = table.model, table.label
    report = TableReport(label=label, name=str(model._meta.verbose_name_plural))
    columns = _columns(model)
    mark = (
        AuditArchive.objects.using(using)
        .filter(table=label)
        .order_by("-through_seq")
        .values_list("through_seq", "chain")
        .first()
    )
    start_seq, chain = mark if mark is not None else (0, GENESIS)
    add = report.findings.append
    stale = AuditSeal.objects.using(using).filter(table=label, seq__lte=start_seq)
    for seq in stale.order_by("seq").values_list("seq", flat=True)[:20]:
        add(
            Finding(
                "stale_seal",
                _("link #%(seq)d lies before the point where an archive ended (#%(through)d)")
                % {"seq": seq, "through": start_seq},
            )
        )
    expected = start_seq + 1
    for batch in _seals(label, start_seq, using):
        rows = {
            row[model._meta.pk.attname]: row
            for row in model._base_manager.using(using)
            .filter(pk__in=[link.row_id for link in batch])
            .values(*columns)
        }
        for link in batch:
            report.checked += 1
            if link.seq != expected:
                add(
                    Finding(
                        "seal_gap",
                        _("links #%(first)d to #%(last)d of the chain are missing")
                        % {"first": expected, "last": link.seq - 1},
                    )
                )
            elif link.prev_chain != chain:
                add(
                    Finding(
                        "chain_broken",
                        _("link #%(seq)d does not follow on from the link before it")
                        % {"seq": link.seq},
                    )
                )
            recomputed = link_hash(
                prev=link.prev_chain,
                table=label,
                seq=link.seq,
                row_id=link.row_id,
                fields=link.fields,
                row_hash=link.row_hash,
                sealed_at=link.sealed_at,
            )
            if recomputed != link.chain:
                add(
                    Finding(
                        "seal_altered",
                        _("link #%(seq)d (record %(id)d) has been altered")
                        % {"seq": link.seq, "id": link.row_id},
                    )
                )
            chain, expected = link.chain, link.seq + 1
            row = rows.get(link.row_id)
            if row is None:
                add(
                    Finding(
                        "missing",
                        _("record %(id)d (link #%(seq)d) has been deleted")
                        % {"id": link.row_id, "seq": link.seq},
                    )
                )
                continue
            names = link.fields.split(",")
            gone = [name for name in names if name not in columns]
            if gone:
                add(
                    Finding(
                        "columns",
                        _(
                            "record %(id)d (link #%(seq)d) cannot be checked: columns %(columns)s "
                            "no longer exist"
                        )
                        % {"id": link.row_id, "seq": link.seq, "columns": ", ".join(gone)},
                    )
                )
                continue
            digest = content_hash(
                record_content(
                    table=label, row_id=link.row_id, names=names, fields=columns, row=row
                )
            )
            if digest != link.row_hash:
                add(
                    Finding(
                        "changed",
                        _("record %(id)d (link #%(seq)d) has been changed since it was sealed")
                        % {"id": link.row_id, "seq": link.seq},
                    )
                )
    report.head = (expected - 1, chain)
    cutoff = timezone.now() - grace
    late = _unsealed(table, using).filter(**{f"{table.time_field}__lt": cutoff})
    count = late.count()
    if count:
        ids = list(late.order_by("pk").values_list("pk", flat=True)[:10])
        add(
            Finding(
                "unsealed",
                _("%(count)d record(s) older than %(minutes)d minutes have no link (IDs %(ids)s)")
                % {
                    "count": count,
                    "minutes": int(grace.total_seconds() // 60),
                    "ids": ", ".join(str(pk) for pk in ids) + ("…" if count > len(ids) else ""),
                },
            )
        )
    return report


def verify(*, using: str = "", grace: datetime.timedelta | None = None) -> list[TableReport]:
    """Every chain, then the triggers and links for tables no longer audited."""
    using = using or DEFAULT_DB_ALIAS
    existing = _existing(using)
    reports = []
    database = TableReport(label="-", name=_("Database"))
    for table in sealed_tables():
        if table.model._meta.db_table in existing:
            reports.append(verify_table(table, using=using, grace=grace))
        else:
            database.findings.append(
                Finding(
                    "trigger",
                    _("the table of %(table)s does not exist: run migrate")
                    % {"table": table.label},
                )
            )
    problems = {
        "missing": _("the append-only trigger on %(table)s is missing"),
        "disabled": _("the append-only trigger on %(table)s is disabled"),
        "outdated": _("the append-only trigger on %(table)s is not the current one"),
    }
    for label, problem in trigger_problems(using=using):
        database.findings.append(Finding("trigger", problems[problem] % {"table": label}))
    known = [table.label for table in sealed_tables()]
    for label in (
        AuditSeal.objects.using(using)
        .exclude(table__in=known)
        .values_list("table", flat=True)
        .distinct()
    ):
        database.findings.append(
            Finding(
                "unknown_table",
                _("links exist for %(table)s, which is no longer an audit table")
                % {"table": label},
            )
        )
    return [*reports, database]


# --- Archiving ---------------------------------------------------------------------------


class ArchiveRefused(Exception):
    """The archive was not made: nothing was written to the database."""


def retention_days() -> int:
    return int(settings.ZUOFENG_AUDIT_RETENTION_DAYS)


def _archive_point(table: AuditTable, start: int, before: datetime.datetime, using: str) -> int:
    """The last link of the run from the chain's start whose records are all older than
    `before` (the chain is in sealing order, so a late-sealed old record waits its turn)."""
    row_time = table.model._base_manager.using(using).filter(pk=OuterRef("row_id"))
    first_kept = (
        AuditSeal.objects.using(using)
        .filter(table=table.label, seq__gt=start)
        .annotate(t=Subquery(row_time.values(table.time_field)[:1]))
        .filter(Q(t__gte=before) | Q(t__isnull=True))
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if first_kept is not None:
        return first_kept - 1
    last = (
        AuditSeal.objects.using(using)
        .filter(table=table.label)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return last or start


def _archive_lines(
    table: AuditTable, start: int, start_chain: str, through: int, using: str
) -> Iterator[tuple[dict, AuditSeal]]:
    model, label = table.model, table.label
    columns = _columns(model)
    chain, expected = start_chain, start + 1
    for batch in _seals(label, start, using):
        batch = [link for link in batch if link.seq <= through]
        if not batch:
            return
        rows = {
            row[model._meta.pk.attname]: row
            for row in model._base_manager.using(using)
            .filter(pk__in=[link.row_id for link in batch])
            .values(*columns)
        }
        for link in batch:
            recomputed = link_hash(
                prev=link.prev_chain,
                table=label,
                seq=link.seq,
                row_id=link.row_id,
                fields=link.fields,
                row_hash=link.row_hash,
                sealed_at=link.sealed_at,
            )
            if link.seq != expected or link.prev_chain != chain or recomputed != link.chain:
                raise ArchiveRefused(
                    _("%(table)s: the chain is broken at link #%(seq)d; run audit_verify")
                    % {"table": label, "seq": link.seq}
                )
            chain, expected = link.chain, link.seq + 1
            row = rows.get(link.row_id)
            names = link.fields.split(",")
            if row is None or any(name not in columns for name in names):
                raise ArchiveRefused(
                    _("%(table)s: record %(id)d cannot be read as sealed; run audit_verify")
                    % {"table": label, "id": link.row_id}
                )
            content = record_content(
                table=label, row_id=link.row_id, names=names, fields=columns, row=row
            )
            if content_hash(content) != link.row_hash:
                raise ArchiveRefused(
                    _(
                        "%(table)s: record %(id)d has been changed since it was sealed; run audit_verify"
                    )
                    % {"table": label, "id": link.row_id}
                )
            yield content, link
        if batch[-1].seq >= through:
            return


def _link_json(link: AuditSeal) -> dict[str, Any]:
    return {
        "seq": link.seq,
        "row_id": link.row_id,
        "fields": link.fields,
        "row_hash": link.row_hash,
        "prev_chain": link.prev_chain,
        "chain": link.chain,
        "sealed_at": _iso(link.sealed_at),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dump(line: dict[str, Any]) -> bytes:
    return (json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode()


def archive(
    *,
    path: Path,
    using: str = "",
    now: datetime.datetime | None = None,
    labels: Collection[str] = (),
) -> list[AuditArchive]:
    """Write the audit records older than the retention to `path` (gzip JSON lines), then
    delete them and their links, leaving a mark per table (only the tables in `labels`,
    if given). Nothing is deleted unless the whole file was written and synced; a record
    that does not match its link stops it."""
    using = using or DEFAULT_DB_ALIAS
    days = retention_days()
    if days < 180:
        raise ArchiveRefused(
            _("ZUOFENG_AUDIT_RETENTION_DAYS is %(days)d: audit records are kept at least 180 days.")
            % {"days": days}
        )
    if path.exists():
        raise ArchiveRefused(_("%(path)s exists already: choose a new file.") % {"path": path})
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    seal_all(using=using)
    plan: list[tuple[AuditTable, int, str, int]] = []  # table, start seq, start chain, through
    for table in sealed_tables():
        if labels and table.label not in labels:
            continue
        mark = (
            AuditArchive.objects.using(using)
            .filter(table=table.label)
            .order_by("-through_seq")
            .values_list("through_seq", "chain")
            .first()
        )
        start, start_chain = mark if mark is not None else (0, GENESIS)
        through = _archive_point(table, start, before, using)
        if through > start:
            plan.append((table, start, start_chain, through))
    if not plan:
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    counts: dict[str, tuple[int, str]] = {}
    try:
        with partial.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as out:
            out.write(
                _dump(
                    {
                        "format": ARCHIVE_FORMAT,
                        "version": 1,
                        "created_at": _iso(timezone.now()),
                        "before": _iso(before),
                        "retention_days": days,
                    }
                )
            )
            for table, start, start_chain, through in plan:
                out.write(
                    _dump(
                        {
                            "table": table.label,
                            "start_seq": start,
                            "start_chain": start_chain,
                            "through_seq": through,
                        }
                    )
                )
                rows, chain = 0, start_chain
                for content, link in _archive_lines(table, start, start_chain, through, using):
                    out.write(_dump({"link": _link_json(link), "record": content}))
                    rows, chain = rows + 1, link.chain
                counts[table.label] = (rows, chain)
            out.flush()
            raw.flush()
            os.fsync(raw.fileno())
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    file_hash = _sha256(path)
    marks = []
    with transaction.atomic(using=using):
        for table, _start, _chain, through in plan:
            rows, chain = counts[table.label]
            _lock(table.label, using)
            ids = AuditSeal.objects.using(using).filter(table=table.label, seq__lte=through)
            with pgtrigger.ignore(*trigger_uris(table.model, AuditSeal)):
                table.model._base_manager.using(using).filter(
                    pk__in=Subquery(ids.values("row_id"))
                ).delete()
                ids.delete()
            marks.append(
                AuditArchive.objects.using(using).create(
                    table=table.label,
                    through_seq=through,
                    chain=chain,
                    rows=rows,
                    before=before,
                    file=str(path),
                    file_sha256=file_hash,
                )
            )
    return marks


def verify_archive_file(path: Path) -> tuple[int, list[str]]:
    """Re-hash every record of an archive file and follow its chains: (records, problems)."""
    problems: list[str] = []
    records = 0
    label, chain, expected = "", GENESIS, 1
    with gzip.open(path, "rb") as handle:
        header = json.loads(handle.readline())
        if header.get("format") != ARCHIVE_FORMAT:
            return 0, [_("%(path)s is not an audit archive") % {"path": path}]
        for number, line in enumerate(handle, start=2):
            item = json.loads(line)
            if "table" in item and "link" not in item:
                label, chain = item["table"], item["start_chain"]
                expected = item["start_seq"] + 1
                continue
            link, content = item["link"], item["record"]
            records += 1
            where = {"line": number, "table": label, "seq": link["seq"]}
            if content_hash(content) != link["row_hash"] or content.get("table") != label:
                problems.append(
                    _("line %(line)d: %(table)s #%(seq)d does not match its hash") % where
                )
            if link["seq"] != expected or link["prev_chain"] != chain:
                problems.append(_("line %(line)d: %(table)s #%(seq)d breaks the chain") % where)
            recomputed = link_hash(
                prev=link["prev_chain"],
                table=label,
                seq=link["seq"],
                row_id=link["row_id"],
                fields=link["fields"],
                row_hash=link["row_hash"],
                sealed_at=datetime.datetime.fromisoformat(link["sealed_at"]),
            )
            if recomputed != link["chain"]:
                problems.append(_("line %(line)d: %(table)s #%(seq)d has been altered") % where)
            chain, expected = link["chain"], link["seq"] + 1
    marks = AuditArchive.objects.filter(file_sha256=_sha256(path))
    if not marks.exists():
        problems.append(_("no archive mark in the database has this file's SHA-256"))
    return records, problems
