"""Campaigns, phases, deliverables, the problem catalogue, rectification, inspections, circulars.

The rectification item is the heart: each unit lists its problems, sets measures and a
deadline, and keeps the ledger (整改台账) until inspection staff verify and close (销号).
One module per concern; every model is importable from `campaign.models` as before.
"""

from campaign.models.accountability import AccountabilityAction
from campaign.models.campaigns import (
    UPLOAD_TO,
    Campaign,
    CampaignTransition,
    Deliverable,
    Phase,
    ProblemCategory,
    Submission,
    SubmissionTransition,
)
from campaign.models.circulars import (
    Circular,
    CircularCadre,
    CircularMention,
    CircularTransition,
)
from campaign.models.duty_reports import DutyReport
from campaign.models.figures import RectificationFigure
from campaign.models.inspections import Finding, Inspection
from campaign.models.items import (
    ITEM_COLUMNS,
    ITEM_SERVICE_FIELDS,
    ExtensionRequest,
    ExtensionTransition,
    ProgressUpdate,
    RectificationItem,
    RectificationItemQuerySet,
    RectificationTransition,
)
from campaign.models.projects import (
    MilestoneProgress,
    MilestoneTransition,
    PeopleProject,
    ProjectMilestone,
    ProjectTransition,
)
from campaign.models.rechecks import (
    SUMMARY_PHASE_MARK,
    Recheck,
    RecheckEntry,
    RecheckEntryTransition,
)
from campaign.models.reminders import Reminder
from campaign.models.supervisor_reports import SupervisorReport, SupervisorReportTransition

__all__ = [
    "ITEM_COLUMNS",
    "ITEM_SERVICE_FIELDS",
    "SUMMARY_PHASE_MARK",
    "UPLOAD_TO",
    "AccountabilityAction",
    "Campaign",
    "CampaignTransition",
    "Circular",
    "CircularCadre",
    "CircularMention",
    "CircularTransition",
    "Deliverable",
    "DutyReport",
    "ExtensionRequest",
    "ExtensionTransition",
    "Finding",
    "Inspection",
    "MilestoneProgress",
    "MilestoneTransition",
    "PeopleProject",
    "Phase",
    "ProblemCategory",
    "ProgressUpdate",
    "ProjectMilestone",
    "ProjectTransition",
    "Recheck",
    "RecheckEntry",
    "RecheckEntryTransition",
    "RectificationFigure",
    "RectificationItem",
    "RectificationItemQuerySet",
    "RectificationTransition",
    "Reminder",
    "Submission",
    "SubmissionTransition",
    "SupervisorReport",
    "SupervisorReportTransition",
]
