"""Seal now the audit records that have no link in their hash chain yet (what the sweeper
does every 5 minutes): after a bulk load, or before audit_verify on a trial machine
without a worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from units import audit_chain


class Command(BaseCommand):
    help = "Seal the audit records that escaped sealing into their hash chains."

    def handle(self, *args: Any, **options: Any) -> None:
        count = audit_chain.seal_all()
        self.stdout.write(_("%(count)d audit record(s) sealed.") % {"count": count})
