"""Complaints and accountability (问责)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import tracking
from complaints.models_dispatch import (  # noqa: F401 (registered with the app from here)
    ComplaintPart,
    ComplaintPartTransition,
    DispatchDispute,
    DispatchDisputeTransition,
    DispatchRule,
    DispatchRuleTransition,
)
from complaints.models_escalation import ComplaintEscalation  # noqa: F401 (registered here)
from complaints.models_pause import ComplaintPause  # noqa: F401 (registered from here)
from complaints.models_service import (  # noqa: F401 (registered with the app from here)
    ReceptionDay,
    ServiceCommitment,
    ServiceCommitmentTransition,
)
from units.choice_labels import ChoiceLabels
from units.extension_requests import ExtensionRequestBase, ExtensionTransitionBase
from units.models import TransitionRecord
from units.workdays import traffic_light

# --- Complaints (投诉) ---------------------------------------------------------------------


class ComplaintCategory(models.Model):
    """投诉类别, with its own time limits in working days and a default handling unit."""

    name = models.CharField(_("Designation"), max_length=64, unique=True)
    # How other systems name the category (the 12345 hotline's API calls, imports).
    code = models.CharField(
        _("Category code"), max_length=32, blank=True, default="", db_default=""
    )
    accept_days = models.PositiveSmallIntegerField(_("Days to accept (working days)"), default=3)
    handle_days = models.PositiveSmallIntegerField(_("Days to handle (working days)"), default=15)
    urgent_days = models.PositiveSmallIntegerField(
        _("Days to handle urgent cases (working days)"), default=3
    )
    default_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Default handling unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("Sort order"), default=0)
    is_active = models.BooleanField(_("In use"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("Complaint category")
        verbose_name_plural = _("Complaint categories")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="complaint_category_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def open(self) -> ComplaintQuerySet:
        return self.exclude(status__in=Complaint.FINAL_STATUSES)

    def in_handling(self) -> ComplaintQuerySet:
        return self.filter(status__in=Complaint.HANDLING_STATUSES)


def clock_running_q(prefix: str = "") -> Q:
    """The handling clock runs: a unit handles the case and its clock is not paused (中止计时).
    Every deadline figure of a case reads this: 逾期未办结, the red and yellow lights, the 督办
    board, the escalation sweep."""
    return Q(
        **{
            f"{prefix}status__in": Complaint.HANDLING_STATUSES,
            f"{prefix}clock_paused": False,
        }
    )


class Complaint(ChoiceLabels, models.Model):
    """投诉: one case from intake to closure; it stays on the books until closed."""

    class Channel(models.TextChoices):
        WEB = "web", _("Online mailbox")
        HOTLINE = "hotline", _("Complaint hotline")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit in person")
        MAILBOX = "mailbox", _("Complaint box")
        MEDIA = "media", _("Media and online opinion")
        INSPECTION = "inspection", _("Inspection")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACCEPTED = "accepted", _("Accepted for handling")
        REJECTED = "rejected", _("Not accepted")
        ASSIGNED = "assigned", _("Assigned for handling")
        REROUTE_REQUESTED = "reroute_requested", _("Re-routing requested")
        ANSWERED = "answered", _("Answered by the unit")
        SENT_BACK = "sent_back", _("Sent back for re-handling")
        RETURN_VISIT = "return_visit", _("Return visit")
        CLOSED = "closed", _("Case closed")
        MERGED = "merged", _("Merged as duplicate")

    class Verdict(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("Substantiated")
        PARTLY = "partly", _("Partly substantiated")
        UNSUBSTANTIATED = "unsubstantiated", _("Unsubstantiated")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY = "basically", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    class Supervision(models.TextChoices):
        NONE = "none", _("None")
        SUPERVISED = "supervised", _("Supervised handling")
        LISTED = "listed", _("Listed supervision")

    # The only legal moves; every service checks against this map.
    TRANSITIONS: dict[str, set[str]] = {
        Status.REGISTERED: {Status.ACCEPTED, Status.REJECTED, Status.MERGED},
        Status.ACCEPTED: {Status.ASSIGNED, Status.MERGED},
        Status.ASSIGNED: {Status.ANSWERED, Status.REROUTE_REQUESTED},
        Status.REROUTE_REQUESTED: {Status.ASSIGNED},
        Status.ANSWERED: {Status.RETURN_VISIT, Status.SENT_BACK},
        Status.SENT_BACK: {Status.ANSWERED, Status.REROUTE_REQUESTED},
        Status.RETURN_VISIT: {Status.CLOSED, Status.ASSIGNED},
        Status.REJECTED: set(),
        Status.CLOSED: set(),
        Status.MERGED: set(),
    }
    FINAL_STATUSES = frozenset({Status.REJECTED, Status.CLOSED, Status.MERGED})
    # A unit is working on the case: its deadline runs and escalation applies.
    HANDLING_STATUSES = frozenset({Status.ASSIGNED, Status.SENT_BACK, Status.REROUTE_REQUESTED})
    # The unit's answer was accepted on review: its verdict holds.
    REVIEWED_STATUSES = frozenset({Status.RETURN_VISIT, Status.CLOSED})
    # The open statuses in a fixed order, as the ledger filters and its partial index say
    # (PostgreSQL uses a partial index only when the query's condition matches it).
    OPEN_STATUSES = tuple(sorted(set(Status.values) - FINAL_STATUSES))

    # number and tracking_hash are unique by constraints, status and supervision indexed in
    # Meta: a field's unique=True or db_index=True also builds a varchar_pattern_ops copy
    # of the index on PostgreSQL, for LIKE 'x%', which nothing asks of these columns, and
    # every new case wrote into both (the hash's copies are 240 MB each, written at random).
    number = models.CharField(_("Case number"), max_length=20)
    # Only HMAC-SHA256 of the tracking code (complaints/tracking.py): the code itself is shown
    # once and never stored; `tracking_code` below holds it on the instance that created it.
    tracking_hash = models.CharField(_("Tracking code hash"), max_length=64)
    channel = models.CharField(_("Channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("Status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REGISTERED,
    )
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("Category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    subject_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Unit complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_about",
    )
    subject_person = models.CharField(_("Person complained about"), max_length=64, blank=True)
    title = models.CharField(_("Subject"), max_length=120)
    content = models.TextField(_("Complaint details"))
    urgent = models.BooleanField(_("Urgent"), default=False)
    # Name, phone, ID number, contact and IP as one MultiFernet token (complaints.identity).
    identity_token = models.TextField(blank=True, editable=False)
    has_identity = models.BooleanField(_("Complainant named"), default=False)
    received_at = models.DateTimeField(_("Received at"), default=timezone.now)
    accept_deadline = models.DateField(_("Acceptance deadline"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)
    rejection_reason = models.TextField(_("Reason for not accepting"), blank=True)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("Handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    assigned_at = models.DateTimeField(_("Assigned at"), null=True, blank=True)
    deadline = models.DateField(_("Handling deadline"), null=True, blank=True, db_index=True)
    # An open ComplaintPause (complaints.services.pauses keeps the two together): the deadline
    # does not run, and moves on by the days paused when the clock restarts.
    clock_paused = models.BooleanField(
        _("Clock paused"), default=False, db_default=False, editable=False
    )
    instructions = models.TextField(_("Assignment instructions"), blank=True)
    answered_at = models.DateTimeField(_("Answered at"), null=True, blank=True)
    facts = models.TextField(_("Facts found"), blank=True)
    verdict = models.CharField(_("Verdict"), max_length=20, choices=Verdict.choices, blank=True)
    measures = models.TextField(_("Measures taken"), blank=True)
    public_reply = models.TextField(_("Reply to the complainant"), blank=True)
    review_note = models.TextField(_("Review opinion"), blank=True)
    satisfaction = models.CharField(
        _("Satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    satisfaction_comment = models.TextField(_("Comment on the handling"), blank=True)
    closed_at = models.DateTimeField(_("Case closed at"), null=True, blank=True)
    supervision = models.CharField(
        _("Supervision"),
        max_length=16,
        choices=Supervision.choices,
        default=Supervision.NONE,
    )
    supervised_at = models.DateTimeField(_("Supervised since"), null=True, blank=True)
    listed_at = models.DateTimeField(_("Listed since"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("Merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    reopen_count = models.PositiveSmallIntegerField(_("Times reopened"), default=0)
    # 一事一评: the round (reopen_count) the complainant last rated; a second 不满意 after a
    # reopening waits for the officers' review (rating_review) instead of reopening again.
    rating_round = models.PositiveSmallIntegerField(_("Rated in round"), null=True, blank=True)
    rating_review = models.BooleanField(
        _("Dissatisfaction awaiting review"), default=False, db_default=False
    )
    # The daily sweep's claims (complaints.services.escalation): each step once per case
    # and deadline, claimed by a conditional update of the case's own row.
    visit_due = models.DateField(_("Return visit due"), null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    accept_escalation = models.CharField(
        max_length=16, blank=True, default="", db_default="", editable=False
    )
    visit_escalation = models.CharField(
        max_length=16, blank=True, default="", db_default="", editable=False
    )
    criticism_proposed_at = models.DateTimeField(null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 来源工单号: the case's number in the system that pushed it through the API (the 12345
    # hotline), unique per client; the digest of what was pushed tells a retry (same payload:
    # the same case) from a conflicting resend (409).
    source_client = models.ForeignKey(
        "units.IntegrationClient",
        verbose_name=_("Source system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_ticket = models.CharField(
        _("Source ticket number"), max_length=64, blank=True, default="", db_default=""
    )
    source_digest = models.CharField(
        max_length=64, blank=True, default="", db_default="", editable=False
    )
    # 违诺: the published service commitment the complainant says was broken (of the unit
    # complained about); substantiated, it counts as a breach (complaints.selectors).
    commitment = models.ForeignKey(
        ServiceCommitment,
        verbose_name=_("Service commitment said to be broken"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        db_index=False,  # a partial index (Meta): few cases name one
    )
    # 领导接待日: the visit was received by a leader on this day (channel 来访).
    reception_day = models.ForeignKey(
        ReceptionDay,
        verbose_name=_("Leaders' reception day"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,  # a partial index (Meta): few cases come from one
    )
    received_by_leader = models.CharField(
        _("Received by leader"), max_length=130, blank=True, default="", db_default=""
    )
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Complaint")
        verbose_name_plural = _("Complaints")
        permissions = [
            ("view_complainant_identity", _("View the complainant's identity")),
            ("handle_complaint", _("Handle complaints (intake, triage, assignment, review)")),
            ("view_all_complaints", _("View all complaints")),
            ("view_complaint_figures", _("View complaint figures")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_client", "source_ticket"],
                condition=~Q(source_ticket=""),
                name="one_complaint_per_source_ticket",
            ),
            models.UniqueConstraint(fields=["number"], name="complaint_number_unique"),
            models.UniqueConstraint(
                fields=["tracking_hash"], name="complaint_tracking_hash_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="complaint_status"),
            models.Index(fields=["supervision"], name="complaint_supervision"),
            models.Index(fields=["unit", "status"], name="complaint_unit_status"),
            # The complaints of a period, with what scoring's facts (属实, 逾期办理, 违诺) and
            # the figures read of each: a year's complaints are counted from the index alone
            # (an index-only scan of ~40 MB a province year instead of ~600 MB of rows,
            # once per rule). The included columns change only with the status or with
            # columns indexed already, so no update that was HOT stops being HOT.
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "status",
                    "verdict",
                    "subject_unit",
                    "unit",
                    "deadline",
                    "answered_at",
                    "closed_at",
                    "clock_paused",
                    "commitment",
                ],
                name="complaint_received_cover",
            ),
            # The few cases naming a service commitment or a reception day (built
            # concurrently: migration 0016).
            models.Index(
                fields=["commitment"],
                name="complaint_commitment",
                condition=Q(commitment__isnull=False),
            ),
            models.Index(
                fields=["reception_day"],
                name="complaint_reception_day",
                condition=Q(reception_day__isnull=False),
            ),
            # The ledger of open cases (a few percent of the table), oldest first, and the
            # lists newest first; with what their scope and filters read (the state, the
            # handling unit and the unit complained about, the category, the channel, 督办,
            # the light's deadline and paused clock), a page's ids are found from the index
            # alone. Without them each open case
            # passed over was read from the table: on a province whose newest open cases
            # were 40,000 intake not yet routed, a city head's list read them all (170 ms).
            models.Index(
                fields=["received_at", "id"],
                include=[
                    "status",
                    "unit",
                    "subject_unit",
                    "category",
                    "channel",
                    "supervision",
                    "deadline",
                    "clock_paused",
                ],
                name="complaint_open_received_cover",
                condition=Q(
                    status__in=[
                        "accepted",
                        "answered",
                        "assigned",
                        "registered",
                        "reroute_requested",
                        "return_visit",
                        "sent_back",
                    ]
                ),
            ),
            # The open cases by state and deadline, with their units and id: the workspace's
            # complaint panel and the 督办 board count and page them from the index alone
            # (an index-only scan, a subtree's scope included), never the table's pages; and
            # with what 逾期未办结 and 逾期办理 read (the paused clock, the answer and closing
            # times, the day received), the figures count the open cases past their deadline
            # from it too; and with 督办 (挂牌督办 shows whatever the deadline) and the
            # acceptance deadline, the board finds its overdue cases in it; with the category,
            # the queue filtered by category counts and pages them without the table (it read
            # 70,000 open rows from the table at province scale, 300 ms twice); with the
            # channel (set at intake, never changed), the lists filtered by channel too (the
            # 我的 list of a city by channel read 38,000 table pages: 90-130 ms).
            models.Index(
                fields=["status", "deadline"],
                include=[
                    "unit",
                    "subject_unit",
                    "id",
                    "answered_at",
                    "closed_at",
                    "clock_paused",
                    "received_at",
                    "supervision",
                    "accept_deadline",
                    "category",
                    "channel",
                ],
                name="complaint_open_status_cover",
                condition=Q(
                    status__in=[
                        "accepted",
                        "answered",
                        "assigned",
                        "registered",
                        "reroute_requested",
                        "return_visit",
                        "sent_back",
                    ]
                ),
            ),
            # The 督办 board's rows of the cases waiting for their return visit (回访 overdue,
            # ratings to review) and of those not accepted in time: a few thousand of two
            # million, found and paged from these alone.
            models.Index(
                fields=["visit_due"],
                include=["unit", "id", "deadline", "rating_review", "supervision"],
                name="complaint_return_visit_due",
                condition=Q(status="return_visit"),
            ),
            models.Index(
                fields=["accept_deadline"],
                include=["subject_unit", "id", "supervision"],
                name="complaint_registered_accept",
                condition=Q(status="registered"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        """The officers' and handling unit's page (never the complainant's identity)."""
        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINAL_STATUSES

    @property
    def is_in_handling(self) -> bool:
        return self.status in self.HANDLING_STATUSES

    @property
    def is_substantiated(self) -> bool:
        """属实 or 基本属实, as the unit found and the staff accepted on review: what opens
        rectification and 问责 (an answer still under review may yet be sent back)."""
        return (
            self.verdict in (self.Verdict.SUBSTANTIATED, self.Verdict.PARTLY)
            and self.status in self.REVIEWED_STATUSES
        )

    @property
    def tracking_code(self) -> str:
        """The clear code: known only on the instance it was given to (intake), never loaded."""
        return getattr(self, "_tracking_code", "")

    @tracking_code.setter
    def tracking_code(self, code: str) -> None:
        self._tracking_code = tracking.tracking_code_normalise(code)
        self.tracking_hash = tracking.tracking_hash(code)

    @property
    def tracking_code_display(self) -> str:
        return tracking.tracking_code_display(self.tracking_code)

    def light(self, today: datetime.date | None = None) -> str | None:
        if not self.is_in_handling or self.clock_paused:
            return None
        light = traffic_light(self.deadline, today or timezone.localdate())
        return light.value if light else None


class ComplaintFigure(models.Model):
    """The complaint figures' roll-up (docs/FIGURES.md), one row per change on PostgreSQL.

    A trigger on the complaints table appends, for every insert, delete and change of a
    column the figures read, the row's contribution (+1) and the old row's (−1) under each
    dimension of the figures page; `complaints.services.figures_compact` sums the rows per
    key from time to time. The figures page adds them up per key instead of counting two
    million complaints. What depends on the day (逾期未办结, and 逾期办理 of open cases) is
    counted live from the open cases; `late_closed` is 逾期办理 of closed cases, which no
    longer changes with the day. Written only by the database (complaints/figures_sql.py).
    """

    class Kind(models.TextChoices):
        UNIT = "unit", _("By unit complained about")
        HANDLING_UNIT = "handling_unit", _("By handling unit")
        CATEGORY = "category", _("By category")
        CHANNEL = "channel", _("By channel")
        MONTH = "month", _("By month")
        # The same per handling unit (and, for intake not yet routed, the unit complained
        # about): what a reader confined to a subtree adds up (complaint_scope_q).
        SCOPED_UNIT = "s_unit", _("By unit complained about, per handling unit")
        SCOPED_HANDLING_UNIT = "s_handling_unit", _("By handling unit, per handling unit")
        SCOPED_CATEGORY = "s_category", _("By category, per handling unit")
        SCOPED_CHANNEL = "s_channel", _("By channel, per handling unit")
        SCOPED_MONTH = "s_month", _("By month, per handling unit")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    year = models.IntegerField()
    # The unit the row counts for (unit and handling unit), its category, channel or month.
    unit = models.ForeignKey(
        "units.Unit",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    category = models.ForeignKey(
        ComplaintCategory,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    channel = models.CharField(max_length=16, blank=True, default="")
    month = models.DateField(null=True)
    total = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    judged = models.IntegerField(default=0)
    substantiated = models.IntegerField(default=0)
    late_closed = models.IntegerField(default=0)
    # 违诺: substantiated (or partly) complaints naming a service commitment.
    breached = models.IntegerField(default=0, db_default=0)
    # Scoped kinds only (s_…): the case's handling unit, and the unit complained about when
    # no unit handles it yet: the two columns complaint_scope_q reads.
    handling_unit = models.ForeignKey(
        "units.Unit",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    subject_unit = models.ForeignKey(
        "units.Unit",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Complaint figure roll-up")
        verbose_name_plural = _("Complaint figure roll-ups")
        indexes = [
            models.Index(fields=["kind", "year"], name="complaint_figure_kind_year"),
            models.Index(fields=["kind", "handling_unit"], name="complaint_figure_kind_handling"),
            # Intake no unit handles yet, by the unit complained about (complaint_scope_q).
            models.Index(
                fields=["kind", "subject_unit"],
                name="complaint_figure_kind_unrouted",
                condition=Q(handling_unit__isnull=True),
            ),
            # The figures by unit find their units (total not 0) in order from this alone
            # (figures_db.unit_keys_in_order): an index-only scan grouped as it reads, in
            # place of 40,000 rows from the table hashed.
            models.Index(
                fields=["kind", "unit"],
                include=["year", "total"],
                name="complaint_figure_unit_totals",
                condition=Q(kind__in=["unit", "handling_unit"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}"


class ComplaintTransition(TransitionRecord):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Complaint status change")
        verbose_name_plural = _("Complaint status changes")

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.from_status} → {self.to_status}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("File"), upload_to="complaints/%Y/%m/")
    original_name = models.CharField(_("File name"), max_length=255)
    content_type = models.CharField(_("File type"), max_length=100)
    size = models.PositiveIntegerField(_("Size"))
    uploaded_at = models.DateTimeField(_("Uploaded at"), default=timezone.now)
    # What the complainant sent may show who they are (a receipt, a face, a letterhead): the
    # handling unit sees a file only once an officer has checked it and shared it.
    shared_at = models.DateTimeField(_("Shared with the handling unit at"), null=True, blank=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Shared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Shown inline as a thumbnail (never SVG or anything a browser would run).
    PREVIEW_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Complaint attachment")
        verbose_name_plural = _("Complaint attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def has_preview(self) -> bool:
        return self.content_type in self.PREVIEW_TYPES

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if "." in self.file.name else ""

    @property
    def kind_label(self) -> str:
        major = self.content_type.split("/", 1)[0]
        if major == "image":
            return str(_("Picture"))
        if major in ("audio", "video"):
            return str(_("Audio recording") if major == "audio" else _("Video"))
        return str(_("PDF document") if self.content_type == "application/pdf" else _("File"))


class ExtensionRequest(ExtensionRequestBase):
    """延期申请 on a complaint: asked before the deadline (units.extension_requests)."""

    SUBJECT = "complaint"

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="extension_requests"
    )

    class Meta(ExtensionRequestBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status="pending"),
                name="one_pending_extension_per_complaint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} → {self.requested_deadline}"


class ExtensionTransition(ExtensionTransitionBase):
    request = models.ForeignKey(
        ExtensionRequest, on_delete=models.CASCADE, related_name="transitions"
    )


class IdentityRequestQuerySet(models.QuerySet["IdentityRequest"]):
    def valid(self, now: datetime.datetime | None = None) -> IdentityRequestQuerySet:
        """Approved and not yet expired: the asker may see the identity now."""
        return self.filter(
            status=IdentityRequest.Status.APPROVED, expires_at__gt=now or timezone.now()
        )

    def open(self, now: datetime.datetime | None = None) -> IdentityRequestQuerySet:
        """Waiting for a decision, or approved and still valid: one per asker and case."""
        return self.filter(
            Q(status=IdentityRequest.Status.PENDING)
            | Q(status=IdentityRequest.Status.APPROVED, expires_at__gt=now or timezone.now())
        )


class IdentityRequest(models.Model):
    """查看投诉人身份申请: an officer asks, with a reason; a custodian (never the asker)
    approves or refuses; approved, the asker alone may see the identity until `expires_at`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Expiry is not a move: an approval simply stops being valid at `expires_at`.
    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.APPROVED, Status.REFUSED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.REFUSED: set(),
        Status.WITHDRAWN: set(),
    }

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("Complaint"),
        on_delete=models.PROTECT,
        related_name="identity_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("Reason for viewing"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("Requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("Decision comment"), blank=True)
    expires_at = models.DateTimeField(_("Viewable until"), null=True, blank=True)

    objects = IdentityRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("Identity access request")
        verbose_name_plural = _("Identity access requests")
        permissions = [
            (
                "approve_identity_request",
                _("Approve requests to see a complainant's identity"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "requested_by"],
                condition=Q(status="pending"),
                name="one_pending_identity_request_per_asker",
            )
        ]
        indexes = [
            models.Index(
                fields=["requested_at"],
                name="identity_request_pending",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} · {self.requested_by}"

    def is_valid(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.expires_at is not None
            and self.expires_at > (now or timezone.now())
        )

    @property
    def is_expired(self) -> bool:
        """Approved once, no longer valid (已过期)."""
        return self.status == self.Status.APPROVED and not self.is_valid()

    @property
    def state_label(self) -> str:
        """The status as the pages show it, with 已过期 for a lapsed approval."""
        return str(_("Expired")) if self.is_expired else self.get_status_display()


class IdentityRequestTransition(TransitionRecord):
    request = models.ForeignKey(
        IdentityRequest, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Identity access request decision")
        verbose_name_plural = _("Identity access request decisions")

    def __str__(self) -> str:
        return f"{self.request_id} {self.from_status} → {self.to_status}"


class IdentityReveal(models.Model):
    """Every time someone saw a complainant's identity: who, when, which case, on which
    approved request (none in the one-step mode, ZUOFENG_IDENTITY_NEEDS_APPROVAL off)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="identity_reveals"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("Reason for viewing"), max_length=255)
    revealed_at = models.DateTimeField(_("Time"), default=timezone.now)
    request = models.ForeignKey(
        IdentityRequest,
        verbose_name=_("Identity access request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="views",
    )

    class Meta:
        ordering = ["-revealed_at", "-pk"]
        verbose_name = _("Identity access record")
        verbose_name_plural = _("Identity access records")

    def __str__(self) -> str:
        return f"{self.complaint.number} · {self.user}"
