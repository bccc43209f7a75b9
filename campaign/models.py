"""Campaigns, phases, deliverables, the problem catalogue, rectification, inspections, circulars.

The rectification item is the heart: each unit lists its problems, sets measures and a
deadline, and keeps the ledger (整改台账) until inspection staff verify and close (销号).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import TransitionRecord

UPLOAD_TO = "campaign/%Y/%m/"


class ProblemCategory(models.Model):
    """问题类别: a node of the problem catalogue seeded from the campaign documents."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("Code"), max_length=32, unique=True)
    name = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    source = models.CharField(_("Source document"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)
    is_active = models.BooleanField(_("In use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Problem category")
        verbose_name_plural = _("Problem categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Campaign(models.Model):
    """专项活动 / 作风建设年."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Under way")
        CLOSED = "closed", _("Closed")

    class Template(models.TextChoices):
        SPECIAL = "special", _("Special rectification (five phases)")
        ANNUAL = "annual", _("Annual work-style campaign (three phases)")
        NONE = "", _("No template")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.ACTIVE},
        Status.ACTIVE: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    name = models.CharField(_("Campaign name"), max_length=200)
    year = models.PositiveIntegerField(_("Year"))
    scope = models.ForeignKey(
        "units.Unit", verbose_name=_("Scope"), on_delete=models.PROTECT, related_name="campaigns"
    )
    template = models.CharField(
        _("Template"), max_length=16, choices=Template.choices, blank=True, default=""
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    start_date = models.DateField(_("Start date"))
    end_date = models.DateField(_("End date"))
    description = models.TextField(_("Description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-start_date", "-pk"]
        verbose_name = _("Campaign")
        verbose_name_plural = _("Campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="campaign_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaign:campaign_detail", args=[self.pk])


class CampaignTransition(TransitionRecord):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Campaign status change")
        verbose_name_plural = _("Campaign status changes")


class Phase(models.Model):
    """阶段, ordered with dates."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveIntegerField(_("Order"))
    name = models.CharField(_("Phase name"), max_length=100)
    start_date = models.DateField(_("Start date"))
    end_date = models.DateField(_("End date"))
    description = models.TextField(_("Description"), blank=True)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("Phase")
        verbose_name_plural = _("Phases")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="phase_unique_order")
        ]

    def __str__(self) -> str:
        return self.name


class Deliverable(models.Model):
    """规定动作: what every unit in scope must hand in by a due date."""

    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", _("Action plan")
        INDIVIDUAL_NORMS = "individual_norms", _("Individual code of conduct")
        SELF_INSPECTION = "self_inspection", _("Self-inspection report")
        ANNUAL_REPORT = "annual_report", _("Annual responsibility report")
        SUMMARY = "summary", _("Summary report")
        OTHER = "other", _("Other material")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.CASCADE, related_name="deliverables"
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("Phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliverables",
    )
    kind = models.CharField(_("Material type"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    description = models.TextField(_("Requirements"), blank=True)
    due_date = models.DateField(_("Due date"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "due_date", "pk"]
        verbose_name = _("Deliverable")
        verbose_name_plural = _("Deliverables")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:deliverable_detail", args=[self.pk])


class Submission(models.Model):
    """报送: one unit's material for a deliverable."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for revision")

    TRANSITIONS: dict[str, set[str]] = {
        "": {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.ACCEPTED: set(),
    }

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("Deliverable"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="submissions"
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    text = models.TextField(_("Content"), blank=True)
    attachment = models.FileField(_("Attachment"), upload_to=UPLOAD_TO, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("Submitted at"), default=timezone.now)
    return_reason = models.TextField(_("Reason for return"), blank=True)
    reviewed_at = models.DateTimeField(_("Reviewed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deliverable", "unit__path"]
        verbose_name = _("Submission")
        verbose_name_plural = _("Submissions")
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "unit"], name="submission_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.deliverable}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:deliverable_detail", args=[self.deliverable_id])

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.submitted_at) > self.deliverable.due_date


class SubmissionTransition(TransitionRecord):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Submission status change")
        verbose_name_plural = _("Submission status changes")


class Inspection(models.Model):
    """明察暗访 / 察访: a visit with its team and the units visited."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open inspection")
        SECRET = "secret", _("Unannounced inspection")
        PATROL = "patrol", _("Patrol visit")
        VISIT = "visit", _("Home visit")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("Campaign"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("Inspection type"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("Date"))
    team = models.CharField(_("Inspection team"), max_length=200, blank=True)
    summary = models.TextField(_("Summary"), blank=True)
    units = models.ManyToManyField(
        "units.Unit", verbose_name=_("Units visited"), related_name="inspections", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("Inspection")
        verbose_name_plural = _("Inspections")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:inspection_detail", args=[self.pk])


class Finding(models.Model):
    """发现问题: fed back to the unit head and turned into a rectification item."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        SERIOUS = "serious", _("Serious")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("Inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="findings"
    )
    category = models.ForeignKey(
        ProblemCategory,
        verbose_name=_("Problem category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    severity = models.CharField(_("Severity"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("Problem found"))
    evidence = models.FileField(_("Evidence"), upload_to=UPLOAD_TO, blank=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("Finding")
        verbose_name_plural = _("Findings")

    def __str__(self) -> str:
        return f"{self.unit} · {self.description[:30]}"

    def get_absolute_url(self) -> str:
        return (
            reverse("campaign:inspection_detail", args=[self.inspection_id]) + f"#finding-{self.pk}"
        )


class RectificationItemQuerySet(models.QuerySet["RectificationItem"]):
    def open(self) -> RectificationItemQuerySet:
        return self.exclude(status=RectificationItem.Status.CLOSED)

    def overdue(self, today: datetime.date | None = None) -> RectificationItemQuerySet:
        """Past the deadline and not closed (long-term items have no hard deadline)."""
        today = today or timezone.localdate()
        return self.open().filter(long_term=False, deadline__lt=today)


class RectificationItem(models.Model):
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
        Status.CLOSED: set(),
    }
    # States in which the unit may still edit what it filed.
    EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.PROTECT, related_name="items"
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
    responsible_leader = models.CharField(_("Responsible leader"), max_length=64, blank=True)
    deadline = models.DateField(_("Rectification deadline"))
    long_term = models.BooleanField(
        _("Long-term"), default=False, help_text=_("Kept up for good; stays open by design.")
    )
    status = models.CharField(
        _("Status"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
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

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("Rectification item")
        verbose_name_plural = _("Rectification items")
        indexes = [
            models.Index(fields=["campaign", "unit", "status"], name="item_campaign_unit_status"),
            models.Index(fields=["status", "deadline"], name="item_status_deadline"),
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


class ExtensionRequest(models.Model):
    """延期申请: approved or refused by inspection staff; the old deadline stays on record."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
    }

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="extension_requests"
    )
    old_deadline = models.DateField(_("Original deadline"))
    requested_deadline = models.DateField(_("Requested deadline"))
    reason = models.TextField(_("Stated reason"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    decision_note = models.TextField(_("Decision note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Extension request")
        verbose_name_plural = _("Extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="pending"), name="extension_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.requested_deadline}"


class Circular(models.Model):
    """通报 (第N期), numbered per campaign."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Rectification progress circular")
        COMMENDATION = "commendation", _("Commendation")
        CRITICISM = "criticism", _("Circulated criticism")
        EXPOSURE = "exposure", _("Exposure of typical cases")
        BRIEFING = "briefing", _("Briefing")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("Campaign"), on_delete=models.PROTECT, related_name="circulars"
    )
    number = models.PositiveIntegerField(_("Issue number"))
    kind = models.CharField(_("Circular type"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Body"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    period = models.CharField(_("Period"), max_length=16, blank=True)
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    is_public = models.BooleanField(_("Public"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "-number"]
        verbose_name = _("Circular")
        verbose_name_plural = _("Circulars")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="circular_number_unique"),
            # The monthly draft is made once per month even if the schedule fires twice.
            models.UniqueConstraint(
                fields=["campaign", "kind", "period"],
                condition=~Q(period=""),
                name="circular_one_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:circular_detail", args=[self.pk])


class CircularTransition(TransitionRecord):
    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Circular status change")
        verbose_name_plural = _("Circular status changes")


class CircularMention(models.Model):
    """A unit named in a circular, for praise or criticism (criticism vetoes 优秀, §5.4)."""

    class Tone(models.TextChoices):
        POSITIVE = "positive", _("Commended")
        NEGATIVE = "negative", _("Criticised")

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="mentions")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="mentions"
    )
    tone = models.CharField(_("Tone"), max_length=16, choices=Tone.choices)
    note = models.CharField(_("Note"), max_length=200, blank=True)

    class Meta:
        ordering = ["circular", "tone", "pk"]
        verbose_name = _("Unit named in a circular")
        verbose_name_plural = _("Units named in circulars")
        constraints = [
            models.UniqueConstraint(fields=["circular", "unit"], name="mention_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.circular} · {self.unit}"


# --- Accountability (问责): reached by inspections (campaign) and complaints alike -----------


class AccountabilityAction(models.Model):
    """问责: an action against a unit or a person, with the case behind it."""

    class Kind(models.TextChoices):
        REMINDER_TALK = "reminder_talk", _("Reminder talk")
        WARNING_TALK = "warning_talk", _("Efficiency warning talk")
        ADMONITION_TALK = "admonition_talk", _("Admonition talk")
        CRITICISM = "criticism", _("Circulated criticism")
        ORDERED_REVIEW = "ordered_review", _("Ordered written self-examination")
        REASSIGNMENT = "reassignment", _("Organisational adjustment")
        PARTY_DISCIPLINE = "party_discipline", _("Party disciplinary sanction")
        GOVERNMENT_SANCTION = "government_sanction", _("Government sanction")
        JUDICIAL_REFERRAL = "judicial_referral", _("Referral to judicial authorities")

    # Serious actions veto an "excellent" grade (spec §5.4).
    SERIOUS_KINDS = frozenset(
        {
            Kind.REASSIGNMENT,
            Kind.PARTY_DISCIPLINE,
            Kind.GOVERNMENT_SANCTION,
            Kind.JUDICIAL_REFERRAL,
        }
    )

    kind = models.CharField(_("Accountability type"), max_length=32, choices=Kind.choices)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit held accountable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("Person held accountable"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_actions",
    )
    reason = models.TextField(_("Reason"))
    date = models.DateField(_("Date of decision"), default=timezone.localdate)
    document_number = models.CharField(_("Document number"), max_length=64, blank=True)
    # The complaint, finding or inspection behind it.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("Accountability action")
        verbose_name_plural = _("Accountability actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(person__isnull=False),
                name="accountability_has_target",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "date"], name="acc_unit_date"),
            models.Index(fields=["source_type", "source_id"], name="acc_source"),
        ]

    def __str__(self) -> str:
        target = self.unit or self.person
        return f"{self.get_kind_display()} · {target}"

    def get_absolute_url(self) -> str:
        return reverse("campaign:accountability_detail", args=[self.pk])

    @property
    def is_serious(self) -> bool:
        return self.kind in self.SERIOUS_KINDS
