"""What the handling unit may see of the complainant's files: an officer's decision, recorded.

A file the complainant sent may show who they are (a receipt, a face, a letterhead), so the
unit sees none until an officer who handles the case has looked at it and shared it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import ComplaintAttachment
from complaints.permissions import require_handle
from complaints.services.handling import history_note, lock_case
from units.types import AnyUser


def attachment_share(
    *, attachment: ComplaintAttachment, actor: AnyUser, shared: bool
) -> ComplaintAttachment:
    """Share a file with the handling unit (shared=True) or take it back; in the history."""
    with transaction.atomic():
        complaint = lock_case(attachment.complaint)
        require_handle(actor, complaint)
        row = ComplaintAttachment.objects.select_for_update().get(
            pk=attachment.pk, complaint=complaint
        )
        if row.is_shared == shared:
            raise ValidationError(
                _("This file is already shared with the handling unit.")
                if shared
                else _("This file is not shared with the handling unit.")
            )
        row.shared_at = timezone.now() if shared else None
        row.shared_by = actor if shared else None  # type: ignore[assignment]
        row.save(update_fields=["shared_at", "shared_by"])
        # The history is read by the unit too: the file by its number, never its name.
        number = complaint.attachments.filter(pk__lte=row.pk).count()
        history_note(
            complaint,
            actor,
            (
                _("Attachment %(n)d shared with the handling unit.")
                if shared
                else _("Attachment %(n)d no longer shared with the handling unit.")
            )
            % {"n": number},
        )
    return row
