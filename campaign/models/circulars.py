"""Circulars (通报, 第N期) and the units they name."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign.models.campaigns import Campaign
from units.choice_labels import ChoiceLabels
from units.models import TransitionRecord


class Circular(ChoiceLabels, models.Model):
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


class CircularCadre(models.Model):
    """A cadre (person) named in a circular, commended or criticised: shown on their
    作风档案 once the circular is published."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="cadres")
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("Cadre"),
        on_delete=models.PROTECT,
        related_name="circular_mentions",
    )
    tone = models.CharField(_("Tone"), max_length=16, choices=CircularMention.Tone.choices)

    class Meta:
        ordering = ["circular", "tone", "pk"]
        verbose_name = _("Cadre named in a circular")
        verbose_name_plural = _("Cadres named in circulars")
        constraints = [
            models.UniqueConstraint(fields=["circular", "person"], name="circular_cadre_unique")
        ]
        indexes = [models.Index(fields=["person", "circular"], name="circular_cadre_person")]

    def __str__(self) -> str:
        return f"{self.circular} · {self.person}"
