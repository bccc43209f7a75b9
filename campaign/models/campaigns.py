"""Campaigns (专项活动), their phases and deliverables, and the problem catalogue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
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
        CLOSED = "closed", pgettext_lazy("campaign status", "Closed")

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
