"""Re-encrypt every complainant identity with the newest key in ZUOFENG_IDENTITY_KEYS."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from complaints import identity
from complaints.models import Complaint

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Re-encrypt complainants' identities with the first key of ZUOFENG_IDENTITY_KEYS; "
        "afterwards the old keys can be removed. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                # Decryption is per row by nature; batches keep memory and locks small.
                batch = list(
                    Complaint.objects.select_for_update()
                    .filter(pk__gt=last_pk)
                    .exclude(identity_token="")
                    .order_by("pk")
                    .only("pk", "identity_token")[:BATCH]
                )
                if not batch:
                    break
                for complaint in batch:
                    complaint.identity_token = identity.rotate(complaint.identity_token)
                Complaint.objects.bulk_update(batch, ["identity_token"])
                rotated += len(batch)
                last_pk = batch[-1].pk
        self.stdout.write(f"{rotated} identities re-encrypted with the newest key.")
