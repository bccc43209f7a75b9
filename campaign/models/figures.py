"""The rectification figures' roll-up (docs/FIGURES.md), kept by PostgreSQL."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.models.campaigns import Campaign


class RectificationFigure(models.Model):
    """Per campaign and unit, the item counts that do not depend on the day.

    A trigger on the items table appends, for every insert, delete and change of a column
    the figures read, the item's contribution (+1) and the old row's (−1)
    (campaign/figures_db.py); `campaign.services.item_figures_compact` sums the rows per
    key daily. The campaign page adds them up per unit instead of counting half a million
    items. 逾期未销号 changes with the day: it is counted live from the open items past their
    deadline (a partial index); `closed_late` is 整改逾期 of closed items, which no longer
    changes. Written only by the database.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="rectification_figures",
    )
    items = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    closed_on_time = models.IntegerField(default=0)
    closed_late = models.IntegerField(default=0)
    long_term = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("Rectification figure roll-up")
        verbose_name_plural = _("Rectification figure roll-ups")
        indexes = [models.Index(fields=["campaign", "unit"], name="item_figure_campaign_unit")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}"
