"""The rectification ledger (整改台账) as .xlsx: one builder for the direct download and for
the background export (units.exports) that takes over when there are too many rows.

The parameters are the ledger page's filters plus `campaign` (its pk), so that a background
export, which has no URL of its own, knows which campaign's ledger it is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import permissions, selectors
from campaign.forms import LedgerFilterForm
from campaign.models import Campaign, RectificationItem
from campaign.resources import LEDGER_HEADERS, ledger_rows
from units.excel.writer import office_workbook_file, title_line
from units.exports import Built, ExportKind, Tally
from units.models import Unit
from units.selectors import units_actable_by

KIND = "campaign.ledger_xlsx"


def params_for(campaign: Campaign, query: QueryDict) -> str:
    """The query string a background export keeps: the page's filters and the campaign."""
    params = query.copy()
    params["campaign"] = str(campaign.pk)
    return params.urlencode()


def _campaign(user: Any, params: QueryDict) -> Campaign:
    try:
        pk = int(params.get("campaign", ""))
    except ValueError:
        raise Http404 from None
    return permissions.get_campaign_for_user_or_404(user, pk)


def _unit_label(user: Any, campaign: Campaign) -> str:
    """The unit a file is about: the exporter's own (top) unit, else the campaign's scope."""
    top = units_actable_by(user=user).order_by("depth", "path").values_list("name", flat=True)
    return top.first() or campaign.scope.name


def _items(user: Any, campaign: Campaign, params: QueryDict) -> QuerySet[RectificationItem]:
    """The visible ledger with the page's filters (an invalid filter is ignored, as there)."""
    units = Unit.objects.visible_to(user).filter(path__startswith=campaign.scope.path)
    form = LedgerFilterForm(params or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    return selectors.ledger(user=user, campaign=campaign, filters=filters)


def count_in(user: Any, campaign: Campaign, params: QueryDict) -> int:
    """The rows the export would hold: one COUNT through the ledger's scoped queryset."""
    return _items(user, campaign, params).order_by().count()


def build_in(user: Any, campaign: Campaign, params: QueryDict) -> Built:
    """The ledger as an .xlsx an office can file, in a temporary file (closing deletes it).

    Built row by row: a province's 500 000 items never sit in memory, neither as rows nor
    as the finished file.
    """
    today = timezone.localdate()
    tally = Tally()
    content = office_workbook_file(
        sheet_name="整改台账",
        title=title_line(_unit_label(user, campaign), campaign.name, "整改台账", day=today),
        headers=LEDGER_HEADERS,
        rows=tally.count(ledger_rows(_items(user, campaign, params))),
    )
    return f"ledger-{campaign.pk}-{today:%Y%m%d}.xlsx", tally.rows, content


def count(user: Any, params: QueryDict) -> int:
    return count_in(user, _campaign(user, params), params)


def build(user: Any, params: QueryDict) -> Built:
    return build_in(user, _campaign(user, params), params)


def title_of(campaign: Campaign) -> str:
    """The file's title in 我的导出 and in the security log."""
    return _("Rectification ledger (%(campaign)s)") % {"campaign": campaign.name}


def label(user: Any, params: QueryDict) -> str:
    return title_of(_campaign(user, params))


def export_kinds() -> list[ExportKind]:
    """The `export_kinds` hook (units.extensions)."""
    return [
        ExportKind(
            key=KIND,
            title=gettext_lazy("Rectification ledger"),
            count=count,
            build=build,
            label=label,
        )
    ]
