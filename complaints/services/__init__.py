"""Every write to complaints, one module per stage of a case.

intake (登记), handling (受理 → 办结), extensions (延期), escalation (督办 sweep),
follow_up (整改 and 问责 from a substantiated complaint), integration (cases pushed
through the API) and identity (查看投诉人身份 on a
custodian's approval). The public names are importable
from `complaints.services` as before.
"""

from __future__ import annotations

from campaign.services import accountability_action_record
from complaints.services.attachments import attachment_share
from complaints.services.commitments import (
    commitment_create,
    commitment_publish,
    commitment_update,
    commitment_withdraw,
    reception_day_create,
    reception_day_update,
    reception_visit_record,
)
from complaints.services.escalation import complaints_escalation_sweep
from complaints.services.extensions import extension_request_create, extension_request_decide
from complaints.services.figures import complaint_figures_compact, complaint_figures_rebuild
from complaints.services.follow_up import (
    Accountability,
    complaint_follow_up,
    complaint_raise_item,
)
from complaints.services.handling import (
    ASSIGNABLE_FROM,
    already_rated,
    complaint_accept,
    complaint_answer,
    complaint_assign,
    complaint_close,
    complaint_merge,
    complaint_rate,
    complaint_rating_review_decide,
    complaint_reject,
    complaint_request_reroute,
    complaint_review,
)
from complaints.services.identity import (
    complaint_identity_reveal,
    identity_custodians_for,
    identity_request_create,
    identity_request_decide,
    identity_request_withdraw,
)
from complaints.services.intake import (
    CROCKFORD,
    TRACKING_CODE_LENGTH,
    Upload,
    complaint_default_deadline,
    complaint_submit,
    tracking_code_new,
    tracking_code_normalise,
)
from complaints.services.integration import TicketConflict, complaint_push
from complaints.services.pauses import (
    complaint_pause,
    complaint_pauses_expire,
    complaint_resume,
)
from complaints.services.supervision import (
    complaint_list_supervision,
    complaint_supervise,
    complaint_urge,
    criticism_proposal_decide,
)

__all__ = [
    "ASSIGNABLE_FROM",
    "CROCKFORD",
    "TRACKING_CODE_LENGTH",
    "Accountability",
    "TicketConflict",
    "Upload",
    "accountability_action_record",
    "already_rated",
    "attachment_share",
    "commitment_create",
    "commitment_publish",
    "commitment_update",
    "commitment_withdraw",
    "complaint_accept",
    "complaint_answer",
    "complaint_assign",
    "complaint_close",
    "complaint_default_deadline",
    "complaint_figures_compact",
    "complaint_figures_rebuild",
    "complaint_follow_up",
    "complaint_identity_reveal",
    "complaint_list_supervision",
    "complaint_merge",
    "complaint_pause",
    "complaint_pauses_expire",
    "complaint_push",
    "complaint_raise_item",
    "complaint_rate",
    "complaint_rating_review_decide",
    "complaint_reject",
    "complaint_request_reroute",
    "complaint_resume",
    "complaint_review",
    "complaint_submit",
    "complaint_supervise",
    "complaint_urge",
    "complaints_escalation_sweep",
    "criticism_proposal_decide",
    "extension_request_create",
    "extension_request_decide",
    "identity_custodians_for",
    "identity_request_create",
    "identity_request_decide",
    "identity_request_withdraw",
    "reception_day_create",
    "reception_day_update",
    "reception_visit_record",
    "tracking_code_new",
    "tracking_code_normalise",
]
