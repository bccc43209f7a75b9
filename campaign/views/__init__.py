"""Thin views: fetch through the permission helpers, validate a form, call one service.

One module per part of the site; state changes go through units.actions.perform. The view
names are re-exported here for campaign.urls and anyone importing `campaign.views`.
"""

from campaign.views.accountability import accountability_detail
from campaign.views.board import overdue_board, overdue_board_act
from campaign.views.cadres import (
    cadre_duty_report,
    cadre_flag,
    cadre_list,
    cadre_mine,
    cadre_record,
)
from campaign.views.campaigns import (
    campaign_activate,
    campaign_close,
    campaign_detail,
    campaign_list,
    home,
)
from campaign.views.circulars import (
    circular_create,
    circular_detail,
    circular_draft_progress,
    circular_edit,
    circular_list,
    circular_publish,
    public_circular_detail,
    public_circular_list,
)
from campaign.views.deliverables import (
    deliverable_detail,
    deliverable_due_date,
    deliverable_urge,
    deliverable_urge_missing,
    deliverables,
    submission_review,
    submission_submit,
)
from campaign.views.files import finding_evidence, progress_attachment, submission_attachment
from campaign.views.inspections import inspection_detail, inspection_list
from campaign.views.items import (
    extension_decide,
    item_action,
    item_create,
    item_detail,
    item_edit,
    items_submit_list,
    ledger,
    review_queue,
)
from campaign.views.rechecks import (
    recheck_detail,
    recheck_entry_action,
    recheck_list,
    recheck_open,
)

__all__ = [
    "accountability_detail",
    "cadre_duty_report",
    "cadre_flag",
    "cadre_list",
    "cadre_mine",
    "cadre_record",
    "campaign_activate",
    "campaign_close",
    "campaign_detail",
    "campaign_list",
    "circular_create",
    "circular_detail",
    "circular_draft_progress",
    "circular_edit",
    "circular_list",
    "circular_publish",
    "deliverable_detail",
    "deliverable_due_date",
    "deliverable_urge",
    "deliverable_urge_missing",
    "deliverables",
    "extension_decide",
    "finding_evidence",
    "home",
    "inspection_detail",
    "inspection_list",
    "item_action",
    "item_create",
    "item_detail",
    "item_edit",
    "items_submit_list",
    "ledger",
    "overdue_board",
    "overdue_board_act",
    "progress_attachment",
    "public_circular_detail",
    "public_circular_list",
    "recheck_detail",
    "recheck_entry_action",
    "recheck_list",
    "recheck_open",
    "review_queue",
    "submission_attachment",
    "submission_review",
    "submission_submit",
]
