"""Exports built in the background (我的导出): too many rows for a web request's time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ExportJob(models.Model):
    """One requested export: what (a registered kind and its query string), for whom, the file.

    The file lives under MEDIA_ROOT/exports/ and is only ever served by the download view,
    to its requester. Like a JobRun, this is an operational record deleted after
    ZUOFENG_EXPORT_KEEP_DAYS: its moves are checked against TRANSITIONS and made by a
    conditional update (units.exports), with no transition record, since transition
    records are append-only audit rows that a row deleted next week could not own.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Generating")
        DONE = "done", _("Completed")
        FAILED = "failed", _("Generation failed")

    TRANSITIONS: dict[str, set[str]] = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
    }
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("Export"), max_length=64)
    params = models.CharField(_("Parameters"), max_length=2000, blank=True)
    label = models.CharField(_("Title"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    rows = models.PositiveIntegerField(pgettext_lazy("export", "Rows"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("File size"), null=True, blank=True)
    file = models.FileField(_("File"), upload_to="exports/", max_length=300, blank=True)
    filename = models.CharField(_("File name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("Requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("Started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    error = models.TextField(_("Error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Background export")
        verbose_name_plural = _("Background exports")
        indexes = [models.Index(fields=["requester", "-created_at"], name="exportjob_mine")]
        constraints = [
            # One identical export at a time per user: a second click finds the first.
            models.UniqueConstraint(
                fields=["requester", "kind", "params"],
                condition=Q(status__in=["queued", "running"]),
                name="exportjob_one_active",
            )
        ]

    def __str__(self) -> str:
        return self.label
