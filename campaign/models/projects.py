"""为民办实事项目: each year a unit commits to projects for the people, in public, by milestone.

Seed 000 §5 ("每年推出一批为民办实事项目，并保证落实到位"), 001 二(六) (办理的进度和质量,
督查考评机制) and 003 二4 (公开服务承诺: "承诺了的事要不折不扣地做到"). A project is a public
commitment, so inspection staff check it before it is published (the 督查 of 001 二(六));
once published its milestones are reported with evidence, reminded and escalated like
rectification items, and it completes when every milestone is done.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.models.campaigns import UPLOAD_TO
from units.models import TransitionRecord


class PeopleProject(models.Model):
    """为民办实事项目: what a unit promised to deliver this year, for whom, by whom."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        COMPLETED = "completed", _("Completed")

    # The unit drafts and submits; inspection staff publish or send back; the last
    # milestone done completes it (campaign.services.projects).
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.PUBLISHED, Status.DRAFT},
        Status.PUBLISHED: {Status.COMPLETED},
        Status.COMPLETED: set(),
    }
    # Being carried out: milestones are reported, reminded and escalated.
    UNDER_WAY = frozenset({Status.PUBLISHED})
    # Shown on the public page (when marked public).
    PUBLISHED_STATES = (Status.PUBLISHED, Status.COMPLETED)

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="projects"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    title = models.CharField(_("Project"), max_length=200)
    content = models.TextField(_("What it delivers"))
    beneficiaries = models.CharField(_("Beneficiaries"), max_length=200)
    # The cadre answering for it (干部作风档案) when chosen; name and post are kept as
    # written when it was filed, so the public page never reads the person's record.
    cadre = models.ForeignKey(
        "units.Person",
        verbose_name=_("Responsible cadre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    responsible_name = models.CharField(_("Responsible person"), max_length=64)
    responsible_post = models.CharField(_("Responsible post"), max_length=128)
    is_public = models.BooleanField(
        _("Public"), default=True, help_text=_("Shown on the public page once published.")
    )
    # Internal: never on a public page.
    internal_note = models.TextField(_("Internal note"), blank=True)
    return_reason = models.TextField(_("Reason for return"), blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("Published at"), null=True, blank=True)
    completed_on = models.DateField(_("Completed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "unit", "pk"]
        verbose_name = _("Project for the people")
        verbose_name_plural = _("Projects for the people")
        indexes = [
            models.Index(fields=["unit", "year"], name="project_unit_year"),
            # The public page: published public projects by year, newest first.
            models.Index(
                fields=["year", "id"],
                name="project_public_year",
                condition=Q(is_public=True, status__in=["published", "completed"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="completed") | Q(completed_on__isnull=True),
                name="project_completed_on_only_when_completed",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:project_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_under_way(self) -> bool:
        return self.status in self.UNDER_WAY


class ProjectTransition(TransitionRecord):
    project = models.ForeignKey(PeopleProject, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Project status change")
        verbose_name_plural = _("Project status changes")

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_status} → {self.to_status}"


class ProjectMilestone(models.Model):
    """One step of a project with its due date: reported, reminded, escalated, dated when done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    TRANSITIONS: dict[str, set[str]] = {Status.OPEN: {Status.DONE}, Status.DONE: set()}

    project = models.ForeignKey(
        PeopleProject,
        verbose_name=_("Project"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    position = models.PositiveSmallIntegerField(_("Order"), default=0)
    description = models.CharField(_("Milestone"), max_length=200)
    due_date = models.DateField(pgettext_lazy("milestone", "Due date"))
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("Done on"), null=True, blank=True)
    # 挂牌督办: set once by the daily sweep when still overdue a set number of working days
    # after its due date (a level beside the status, as a complaint's supervision is).
    escalated_at = models.DateTimeField(_("Escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["project", "position", "due_date", "pk"]
        verbose_name = _("Milestone")
        verbose_name_plural = _("Milestones")
        indexes = [
            models.Index(
                fields=["due_date"],
                include=["project"],
                name="milestone_open_due",
                condition=Q(status="open"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | Q(status="open", done_on__isnull=True),
                name="milestone_done_on_when_done",
            )
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("campaign:project_detail", args=[self.project_id])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return not self.is_done and self.due_date < (today or timezone.localdate())


class MilestoneTransition(TransitionRecord):
    milestone = models.ForeignKey(
        ProjectMilestone, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("Milestone status change")
        verbose_name_plural = _("Milestone status changes")

    def __str__(self) -> str:
        return f"{self.milestone_id} {self.from_status} → {self.to_status}"


class MilestoneProgress(models.Model):
    """进展: what was done on a milestone, with evidence (text, and a file as items take)."""

    milestone = models.ForeignKey(
        ProjectMilestone, on_delete=models.CASCADE, related_name="progress"
    )
    text = models.TextField(_("Progress"))
    attachment = models.FileField(_("Attachment"), upload_to=UPLOAD_TO, blank=True)
    marks_done = models.BooleanField(_("Marks the milestone done"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Milestone progress")
        verbose_name_plural = _("Milestone progress")

    def __str__(self) -> str:
        return self.text[:40]
