"""Circulars (通报, 第N期): drafted by staff or from the figures each month, then published."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import permissions, recheck_selectors, selectors
from campaign.models import (
    Campaign,
    Circular,
    CircularCadre,
    CircularMention,
    CircularTransition,
)
from campaign.services._common import required_text
from units.cadres import cadres_of_units
from units.models import Person, Unit
from units.transitions import record_transition, transition
from units.types import AnyUser


def _next_number(campaign: Campaign) -> int:
    # The campaign row lock serialises numbering; the unique constraint backs it up.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    current = Circular.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1


def _set_mentions(circular: Circular, mentions: Iterable[tuple[Unit, str]]) -> None:
    rows = {}
    for unit, tone in mentions:
        if tone not in CircularMention.Tone.values:
            raise ValidationError({"mentions": _("Unknown tone.")})
        rows[unit.pk] = CircularMention(circular=circular, unit=unit, tone=tone)
    circular.mentions.all().delete()
    CircularMention.objects.bulk_create(rows.values())


def _set_cadres(circular: Circular, cadres: Iterable[tuple[Person, str]]) -> None:
    """The cadres the circular names: each a cadre of a unit in the campaign's scope, once."""
    rows: dict[int, CircularCadre] = {}
    for person, tone in cadres:
        if tone not in CircularMention.Tone.values:
            raise ValidationError({"cadres": _("Unknown tone.")})
        if person.pk in rows:
            raise ValidationError(
                {"cadres": _("A cadre cannot be both commended and criticised in one circular.")}
            )
        rows[person.pk] = CircularCadre(circular=circular, person=person, tone=tone)
    if rows:
        scope = Unit.objects.filter(path__startswith=circular.campaign.scope.path)
        within = set(
            cadres_of_units(units=scope).filter(pk__in=list(rows)).values_list("pk", flat=True)
        )
        outside = [row.person.name for pk, row in rows.items() if pk not in within]
        if outside:
            raise ValidationError(
                {
                    "cadres": _("Not a cadre of a unit in the campaign: %(names)s")
                    % {"names": "、".join(outside)}
                }
            )
    circular.cadres.all().delete()
    CircularCadre.objects.bulk_create(rows.values())


def circular_create(
    *,
    campaign: Campaign,
    kind: str,
    title: str,
    body: str,
    actor: AnyUser | None,
    mentions: Iterable[tuple[Unit, str]] = (),
    period: str = "",
    cadres: Iterable[tuple[Person, str]] = (),
) -> Circular:
    """A draft circular with the next number (第N期) of its campaign."""
    if actor is not None:
        permissions.require_manage_campaigns(actor)
    if kind not in Circular.Kind.values:
        raise ValidationError({"kind": _("Unknown circular type.")})
    title = required_text(title, "title", _("The title is required."))
    body = required_text(body, "body", _("The body is required."))
    with transaction.atomic():
        circular = Circular.objects.create(
            campaign=campaign,
            number=_next_number(campaign),
            kind=kind,
            title=title,
            body=body,
            period=period,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        _set_mentions(circular, mentions)
        _set_cadres(circular, cadres)
        record_transition(
            record_model=CircularTransition,
            subject_field="circular",
            subject=circular,
            from_status="",
            to_status=circular.status,
            actor=actor,
        )
    return circular


def circular_update(
    *,
    circular: Circular,
    actor: AnyUser | None,
    title: str,
    body: str,
    mentions: Iterable[tuple[Unit, str]] | None = None,
    kind: str | None = None,
    cadres: Iterable[tuple[Person, str]] | None = None,
) -> Circular:
    """Edit a draft; `actor` None is the system refreshing a draft it made (as in create)."""
    if actor is not None:
        permissions.require_manage_campaigns(actor)
    title = required_text(title, "title", _("The title is required."))
    body = required_text(body, "body", _("The body is required."))
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        if locked.status != Circular.Status.DRAFT:
            raise ValidationError(_("A published circular cannot be changed."))
        locked.title, locked.body = title, body
        fields = ["title", "body"]
        if kind:
            if kind not in Circular.Kind.values:
                raise ValidationError({"kind": _("Unknown circular type.")})
            locked.kind = kind
            fields.append("kind")
        locked.save(update_fields=fields)
        if mentions is not None:
            _set_mentions(locked, mentions)
        if cadres is not None:
            _set_cadres(locked, cadres)
    return locked


def circular_publish(*, circular: Circular, actor: AnyUser, is_public: bool = False) -> Circular:
    """第N期 goes out: read by every unit in scope, and by the public when `is_public`."""
    permissions.require_manage_campaigns(actor)
    return transition(
        circular,
        target=Circular.Status.PUBLISHED,
        actor=actor,
        fields={"published_at": timezone.now(), "is_public": is_public},
    )


def _fmt_rate(value: Any) -> str:
    return "—" if value is None else f"{Decimal(value):.1f}%"


def circular_draft_progress(
    *,
    campaign: Campaign,
    actor: AnyUser | None,
    period: str = "",
    today: datetime.date | None = None,
) -> Circular:
    """整改完成情况通报 drafted from the figures, for staff to edit and publish.

    With a `period` (e.g. "2026-03") it is made once: a second call returns the first draft.
    """
    today = today or timezone.localdate()
    if period:
        existing = Circular.objects.filter(
            campaign=campaign, kind=Circular.Kind.PROGRESS, period=period
        ).first()
        if existing is not None:
            return existing
    # Figures over the whole scope: the circular is for everyone, not the drafter's view.
    viewer: Any = actor if actor is not None else _SystemViewer()
    totals = selectors.campaign_totals(user=viewer, campaign=campaign, today=today)
    rows = list(selectors.unit_figures(user=viewer, campaign=campaign, today=today))
    lines = [
        _(
            "As of %(date)s, %(items)s rectification items have been filed, %(closed)s closed; "
            "closure rate %(rate)s, on-time closure rate %(on_time)s, %(overdue)s overdue."
        )
        % {
            "date": today.isoformat(),
            "items": totals["items"],
            "closed": totals["closed"],
            "rate": _fmt_rate(totals["closure_rate"]),
            "on_time": _fmt_rate(totals["on_time_rate"]),
            "overdue": totals["overdue"],
        },
        "",
        _("Ranking by closure rate:"),
    ]
    for rank, unit in enumerate(rows, start=1):
        lines.append(
            _(
                "%(rank)s. %(unit)s: %(items)s items, %(closed)s closed, closure rate %(rate)s, "
                "on-time rate %(on_time)s, %(overdue)s overdue"
            )
            % {
                "rank": rank,
                "unit": unit.name,
                "items": unit.items,  # type: ignore[attr-defined]
                "closed": unit.closed,  # type: ignore[attr-defined]
                "rate": _fmt_rate(unit.closure_rate),  # type: ignore[attr-defined]
                "on_time": _fmt_rate(unit.on_time_rate),  # type: ignore[attr-defined]
                "overdue": unit.overdue,  # type: ignore[attr-defined]
            }
        )
    laggards = [unit.name for unit in rows if unit.overdue]  # type: ignore[attr-defined]
    if laggards:
        lines += [
            "",
            _("Units with overdue items, to rectify at once: %(units)s.")
            % {"units": "、".join(laggards)},
        ]
    lines += relapse_lines(campaign=campaign)
    try:
        return circular_create(
            campaign=campaign,
            kind=Circular.Kind.PROGRESS,
            title=_("Circular on rectification progress (%(date)s)") % {"date": today.isoformat()},
            body="\n".join(lines),
            actor=actor,
            period=period,
        )
    except IntegrityError:
        # The same month's draft was made concurrently: return that one.
        return Circular.objects.get(campaign=campaign, kind=Circular.Kind.PROGRESS, period=period)


# The relapsed items a draft names one by one; past this, a count says how many more.
RELAPSES_NAMED = 100


def relapse_lines(*, campaign: Campaign) -> list[str]:
    """The draft's paragraph on relapses a re-check (回头看) found: per unit, its items with the
    new deadline (two queries: the count and the first RELAPSES_NAMED rows)."""
    relapsed = recheck_selectors.relapsed_entries(campaign=campaign)
    total = relapsed.count()
    if not total:
        return []
    lines = [
        "",
        _(
            "The re-check (回头看) found %(count)s rectification items relapsed; they are "
            "reopened and must be rectified again by the new deadline:"
        )
        % {"count": total},
    ]
    for entry in relapsed[:RELAPSES_NAMED]:
        lines.append(
            _("%(unit)s: %(problem)s (new deadline %(deadline)s)")
            % {
                "unit": entry.item.unit.name,
                "problem": str(entry.item),
                "deadline": entry.new_deadline.isoformat() if entry.new_deadline else "—",
            }
        )
    if total > RELAPSES_NAMED:
        lines.append(_("And %(count)s more relapsed items.") % {"count": total - RELAPSES_NAMED})
    return lines


class _SystemViewer:
    """The scheduler drafting a circular sees the whole organisation."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def has_perm(self, perm: str) -> bool:
        return True


def circulars_draft_monthly(*, today: datetime.date | None = None) -> list[Circular]:
    """The beat task's work: one progress draft per active campaign per month."""
    today = today or timezone.localdate()
    period = f"{today:%Y-%m}"
    return [
        circular_draft_progress(campaign=campaign, actor=None, period=period, today=today)
        for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related(
            "scope"
        )
    ]
