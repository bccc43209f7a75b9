"""Rectification items (整改事项): the ledger (整改台账), its moves, progress and extensions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models.campaigns import UPLOAD_TO, Campaign, ProblemCategory
from campaign.models.inspections import Finding
from units.choice_labels import ChoiceLabels
from units.extension_requests import ExtensionRequestBase, ExtensionTransitionBase
from units.models import TransitionRecord

# The fields a unit fills in for an item, declared once, with their Excel ledger header: the
# item form, the ledger's columns and the services' editable set all come from here (a test
# holds the three to it). A new field: the model field, one line here, its migration, its
# translation, and a line on templates/campaign/item_detail.html (docs/ARCHITECTURE.md, walk
# c). Give a new field `blank=True, default=..., db_default=...`: rows written without naming
# it (the bench loader's COPY, the old code while a deploy runs) then still go in.
ITEM_COLUMNS: dict[str, str] = {
    "list_kind": "清单类型",
    "level": "层级",
    "source": "问题来源",
    "category": "问题类别",
    "problem": "问题描述",
    "measures": "整改措施",
    "target": "整改目标",
    "responsible_person": "责任人",
    "responsible_leader": "责任领导",
    "deadline": "整改时限",
    "long_term": "长期坚持",
}
# Set through the services only (an account or a cadre is chosen, never typed into a sheet).
ITEM_SERVICE_FIELDS: tuple[str, ...] = ("responsible_user", "cadre")


class RectificationItemQuerySet(models.QuerySet["RectificationItem"]):
    def open(self) -> RectificationItemQuerySet:
        return self.exclude(status=RectificationItem.Status.CLOSED)

    def overdue(self, today: datetime.date | None = None) -> RectificationItemQuerySet:
        """Past the deadline and not closed (long-term items have no hard deadline)."""
        today = today or timezone.localdate()
        return self.open().filter(long_term=False, deadline__lt=today)


# Item fields whose index is not repeated on the history table (see RectificationItem.history).
HISTORY_UNINDEXED = [
    "campaign",
    "unit",
    "status",
    "category",
    "cadre",
    "responsible_user",
    "carried_from",
    "closed_by",
    "created_by",
    "finding",
    "source_type",
]


class RectificationItem(ChoiceLabels, models.Model):
    """整改事项: one line of a unit's rectification ledger (整改台账)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for revision")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSURE_REQUESTED = "closure_requested", _("Closure requested")
        CLOSED = "closed", _("Closed")

    class ListKind(models.TextChoices):
        PROBLEM = "problem", _("Problem list")
        RESPONSIBILITY = "responsibility", _("Responsibility list")
        INSTITUTION = "institution", _("Institution-building list")

    class Level(models.TextChoices):
        UNIT = "unit", _("Unit")
        LEADERSHIP = "leadership", _("Leadership team")
        INDIVIDUAL = "individual", _("Individual")

    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("Self-inspection")
        PUBLIC = "public", _("Raised by the public")
        LEADERSHIP = "leadership", _("Pointed out by leaders")
        INSPECTION = "inspection", _("Inspection finding")
        COMPLAINT = "complaint", _("Complaint")
        FEEDBACK = "feedback", _("Feedback from above")

    # The only legal moves (spec §3.2); each is one service in campaign.services.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.ACCEPTED: {Status.IN_PROGRESS},
        Status.IN_PROGRESS: {Status.CLOSURE_REQUESTED},
        Status.CLOSURE_REQUESTED: {Status.CLOSED, Status.IN_PROGRESS},
        # Reopened only when a re-check (回头看) finds the problem back (campaign.services.rechecks).
        Status.CLOSED: {Status.IN_PROGRESS},
    }
    # States in which the unit may still edit what it filed.
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    # Found through item_campaign_unit_status (campaign first): an index of its own would
    # only cost every filing.
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.PROTECT,
        related_name="items",
        db_index=False,
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit"),
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    list_kind = models.CharField(
        _("List"), max_length=16, choices=ListKind.choices, default=ListKind.PROBLEM
    )
    level = models.CharField(_("Level"), max_length=16, choices=Level.choices, default=Level.UNIT)
    source = models.CharField(
        _("Source"), max_length=32, choices=Source.choices, default=Source.SELF_INSPECTION
    )
    # The complaint (or other record) the item came from: the complaints app is separate.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    # The closed campaign this open item was carried over from (campaign_close).
    carried_from = models.ForeignKey(
        Campaign,
        verbose_name=_("Carried over from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finding = models.OneToOneField(
        Finding,
        verbose_name=_("Finding"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="item",
    )
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("Problem category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    problem = models.TextField(_("Problem"))
    measures = models.TextField(_("Rectification measures"), blank=True)
    target = models.TextField(_("Rectification target"), blank=True)
    responsible_person = models.CharField(_("Responsible person"), max_length=64, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Responsible person's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_items",
    )
    # The cadre an individual-level item is tied to (干部作风档案); set from the form or
    # from the responsible account's person. Not a ledger column: a sheet names people by text.
    cadre = models.ForeignKey(
        "units.Person",
        verbose_name=_("Responsible cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    responsible_leader = models.CharField(_("Responsible leader"), max_length=64, blank=True)
    deadline = models.DateField(_("Rectification deadline"))
    long_term = models.BooleanField(
        _("Long-term"), default=False, help_text=_("Kept up for good; stays open by design.")
    )
    # Found through item_status_deadline (status first), not an index of its own.
    status = models.CharField(
        _("Status"), max_length=32, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("Reason for return"), blank=True)
    verification_note = models.TextField(_("Verification record"), blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    # The history is read by item (`id`), by time (the audit chain: history_date) and by
    # author (history_user): the indexes a field of the item carries for the ledger's
    # filters are left off its history rows, which nothing looks up by unit, status,
    # category or person. Each would be one more B-tree written per history row; a ledger
    # import writes twenty thousand rows at a time (bench/README.md).
    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=HISTORY_UNINDEXED)
    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("Rectification item")
        verbose_name_plural = _("Rectification items")
        indexes = [
            # With the level: the ledger's count for whoever may not read individual-level
            # items (a leader over a province's campaign) reads the index alone (205 → 35 ms).
            models.Index(
                fields=["campaign", "unit", "status"],
                include=["level"],
                name="item_campaign_unit_status",
            ),
            models.Index(fields=["status", "deadline"], name="item_status_deadline"),
            # Open items with a hard deadline, covering what the 督办 board counts and pages
            # them by (an index-only scan, never the table's pages).
            models.Index(
                fields=["status", "deadline"],
                include=["unit", "id", "level"],
                name="item_open_deadline_cover",
                condition=Q(
                    long_term=False,
                    status__in=[
                        "submitted",
                        "accepted",
                        "returned",
                        "in_progress",
                        "closure_requested",
                    ],
                ),
            ),
            # Items waiting for staff (报送 lists, 申请销号), found per unit in tree order for
            # the review queue: without it the queue read every item of each unit (57,000
            # rows at province scale) to find the 500 submitted ones.
            models.Index(
                fields=["unit", "status"],
                name="item_awaiting_review_unit",
                condition=Q(status__in=["submitted", "closure_requested"]),
            ),
            # The same per campaign: the campaign page's 逾期未销号 per unit, from the index
            # alone (campaign/figures_db.py: the roll-up cannot keep what changes daily).
            models.Index(
                fields=["campaign", "deadline"],
                include=["unit"],
                name="item_open_campaign_deadline",
                condition=Q(
                    long_term=False,
                    status__in=[
                        "submitted",
                        "accepted",
                        "returned",
                        "in_progress",
                        "closure_requested",
                    ],
                ),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_at__isnull=True),
                name="item_closed_at_only_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    def get_absolute_url(self) -> str:
        return reverse("campaign:item_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_closed and not self.long_term and self.deadline < today


class RectificationTransition(TransitionRecord):
    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Rectification status change")
        verbose_name_plural = _("Rectification status changes")

    def __str__(self) -> str:
        return f"{self.item_id} {self.from_status} → {self.to_status}"


class ProgressUpdate(models.Model):
    """整改进展: what was done, with evidence; a closure request carries its evidence here too."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="progress_updates"
    )
    text = models.TextField(_("Progress"))
    attachment = models.FileField(_("Attachment"), upload_to=UPLOAD_TO, blank=True)
    is_closure_evidence = models.BooleanField(_("Closure evidence"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Progress update")
        verbose_name_plural = _("Progress updates")

    def __str__(self) -> str:
        return self.text[:40]


class ExtensionRequest(ExtensionRequestBase):
    """延期申请 on an item: approved or refused by inspection staff (units.extension_requests)."""

    SUBJECT = "item"

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="extension_requests"
    )

    class Meta(ExtensionRequestBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="extension_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.requested_deadline}"


class ExtensionTransition(ExtensionTransitionBase):
    request = models.ForeignKey(
        ExtensionRequest, on_delete=models.CASCADE, related_name="transitions"
    )
