"""Check the audit trail: every record against its link in the hash chain.

    python manage.py audit_verify                 # all audit tables; exit status 1 on any finding
    python manage.py audit_verify --archive FILE  # an archive file written by audit_archive

Reports records changed or deleted behind the database's back, links of the chain altered
or missing, records that escaped sealing, and append-only triggers missing or disabled.
Each chain's head (last link number and chain value) is printed: note it down outside the
database, and compare it next time, to see that the chain has not been shortened.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from units import audit_chain


class Command(BaseCommand):
    help = "Verify the audit records against their hash chains (exit status 1 on any finding)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--archive", type=Path, help="verify an archive file instead")
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=None,
            help="report records without a link once this old (default: the setting)",
        )
        parser.add_argument(
            "--max-findings", type=int, default=50, help="findings shown per table (default 50)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["archive"] is not None:
            self._archive(options["archive"])
            return
        grace = options["grace_minutes"]
        reports = audit_chain.verify(
            grace=datetime.timedelta(minutes=grace) if grace is not None else None
        )
        total = 0
        limit = options["max_findings"]
        for report in reports:
            findings = report.findings
            total += len(findings)
            if report.label != "-":
                seq, chain = report.head
                line = _("%(name)s (%(table)s): %(checked)d checked, head #%(seq)d %(chain)s") % {
                    "name": report.name,
                    "table": report.label,
                    "checked": report.checked,
                    "seq": seq,
                    "chain": chain[:16],
                }
                style = self.style.ERROR if findings else self.style.SUCCESS
                self.stdout.write(style(("✗ " if findings else "✓ ") + line))
            elif findings:
                self.stdout.write(self.style.ERROR("✗ " + str(report.name)))
            for finding in findings[:limit]:
                self.stdout.write(f"    - {finding.message}")
            if len(findings) > limit:
                self.stdout.write(
                    "    - " + _("… and %(count)d more") % {"count": len(findings) - limit}
                )
        if total:
            raise CommandError(
                _("Audit trail: %(count)d finding(s). Investigate before anything else.")
                % {"count": total}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Audit trail intact: every record matches its chain."))
        )

    def _archive(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": path})
        records, problems = audit_chain.verify_archive_file(path)
        for problem in problems:
            self.stdout.write(self.style.ERROR(f"✗ {problem}"))
        if problems:
            raise CommandError(
                _("Archive %(path)s: %(count)d problem(s).")
                % {"path": path, "count": len(problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Archive %(path)s intact: %(records)d records.")
                % {"path": path, "records": records}
            )
        )
