"""Every write to campaigns, rectification items, inspections and circulars.

One module per concern; each state change goes through units.transitions.transition and
checks its actor with campaign.permissions.require_*. The public names are re-exported here
so that `from campaign import services` and `from campaign.services import x` keep working.
"""

from campaign.services._common import item_url
from campaign.services.accountability import accountability_action_record
from campaign.services.campaigns import (
    ANNUAL_PHASES,
    SPECIAL_DELIVERABLE_PHASES,
    SPECIAL_PHASES,
    STANDARD_DELIVERABLES,
    PhaseTemplate,
    campaign_activate,
    campaign_close,
    campaign_create,
    deliverable_update,
    items_carry_over,
)
from campaign.services.circulars import (
    circular_create,
    circular_draft_progress,
    circular_publish,
    circular_update,
    circulars_draft_monthly,
)
from campaign.services.duty_reports import (
    DutyReportDue,
    duty_report_submit,
    duty_reports_due,
)
from campaign.services.extensions import extension_approve, extension_refuse, extension_request
from campaign.services.figures import item_figures_compact, item_figures_rebuild
from campaign.services.inspections import (
    FindingInput,
    finding_add,
    inspection_record,
    warning_talk_record,
)
from campaign.services.items import (
    ITEM_EDITABLE,
    item_accept,
    item_close,
    item_create,
    item_establish,
    item_raise,
    item_reject_closure,
    item_request_closure,
    item_return,
    item_start,
    item_submit,
    item_update,
    items_file,
    items_file_check,
    items_file_many,
    items_submit_list,
    progress_post,
)
from campaign.services.rechecks import (
    recheck_entry_confirm,
    recheck_entry_relapse,
    recheck_open,
)
from campaign.services.reminders import reminders_sweep
from campaign.services.submissions import (
    submission_accept,
    submission_return,
    submission_submit,
)
from campaign.services.supervision import (
    UrgeResult,
    deliverable_urge,
    deliverable_urge_missing,
    item_supervise,
    item_urge,
    reminder_send,
)
from campaign.services.supervisor_reports import (
    supervisor_report_confirm,
    supervisor_report_convert,
    supervisor_report_dismiss,
    supervisor_report_file,
)

__all__ = [
    "ANNUAL_PHASES",
    "ITEM_EDITABLE",
    "SPECIAL_DELIVERABLE_PHASES",
    "SPECIAL_PHASES",
    "STANDARD_DELIVERABLES",
    "DutyReportDue",
    "FindingInput",
    "PhaseTemplate",
    "UrgeResult",
    "accountability_action_record",
    "campaign_activate",
    "campaign_close",
    "campaign_create",
    "circular_create",
    "circular_draft_progress",
    "circular_publish",
    "circular_update",
    "circulars_draft_monthly",
    "deliverable_update",
    "deliverable_urge",
    "deliverable_urge_missing",
    "duty_report_submit",
    "duty_reports_due",
    "extension_approve",
    "extension_refuse",
    "extension_request",
    "finding_add",
    "inspection_record",
    "item_accept",
    "item_close",
    "item_create",
    "item_establish",
    "item_figures_compact",
    "item_figures_rebuild",
    "item_raise",
    "item_reject_closure",
    "item_request_closure",
    "item_return",
    "item_start",
    "item_submit",
    "item_supervise",
    "item_update",
    "item_urge",
    "item_url",
    "items_carry_over",
    "items_file",
    "items_file_check",
    "items_file_many",
    "items_submit_list",
    "progress_post",
    "recheck_entry_confirm",
    "recheck_entry_relapse",
    "recheck_open",
    "reminder_send",
    "reminders_sweep",
    "submission_accept",
    "submission_return",
    "submission_submit",
    "supervisor_report_confirm",
    "supervisor_report_convert",
    "supervisor_report_dismiss",
    "supervisor_report_file",
    "warning_talk_record",
]
