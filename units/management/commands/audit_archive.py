"""Move audit records older than the retention to a compressed file, never dropping any.

    python manage.py audit_archive /srv/archive/audit-2027-01.jsonl.gz
    python manage.py audit_archive FILE --table units.SecurityEvent   # only the security log

Records older than ZUOFENG_AUDIT_RETENTION_DAYS (at least 180) are written, with their
links in the hash chain, to the file (gzip-compressed JSON lines); only once the whole
file is written and synced are they deleted, and the chain records where the archive
ended, so `audit_verify` still passes. Keep the file (and a copy) as long as the rules
require; `audit_verify --archive FILE` checks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from units import audit, audit_chain
from units.models import SecurityEvent
from units.security_log import security_event


class Command(BaseCommand):
    help = "Archive audit records older than the retention to a gzip JSON-lines file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive file to write (must not exist)")
        parser.add_argument(
            "--table",
            action="append",
            default=[],
            metavar="APP.MODEL",
            help="archive only this audit table (repeatable), e.g. units.SecurityEvent",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"].resolve()
        known = {table.label for table in audit.sealed_tables()}
        unknown = sorted(set(options["table"]) - known)
        if unknown:
            raise CommandError(
                _("Not an audit table: %(tables)s. Audit tables: %(known)s")
                % {"tables": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        try:
            marks = audit_chain.archive(path=path, labels=options["table"])
        except audit_chain.ArchiveRefused as refusal:
            raise CommandError(str(refusal)) from None
        if not marks:
            self.stdout.write(
                _("Nothing is older than %(days)d days: no archive written.")
                % {"days": audit_chain.retention_days()}
            )
            return
        rows = sum(mark.rows for mark in marks)
        security_event(
            kind=SecurityEvent.Kind.AUDIT_ARCHIVED,
            detail=_(
                "%(rows)d records older than %(before)s archived to %(path)s (SHA-256 %(sha)s)"
            )
            % {
                "rows": rows,
                "before": f"{marks[0].before:%Y-%m-%d %H:%M}",
                "path": path,
                "sha": marks[0].file_sha256,
            },
        )
        for mark in marks:
            self.stdout.write(
                _("%(table)s: %(rows)d records, through link #%(seq)d")
                % {"table": mark.table, "rows": mark.rows, "seq": mark.through_seq}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(rows)d records archived to %(path)s (SHA-256 %(sha)s).")
                % {"rows": rows, "path": path, "sha": marks[0].file_sha256}
            )
        )
