"""Leadership digests (周检查、月点评、季小结): compile a period's figures once, notify leaders.

The figures come from the apps through the hooks their AppConfig declares
(units.extensions), so the shell does not import them:

- `digest_sections(*, period: Period) -> list[dict]`: titled lines of figures, each
  `{"label", "value", "previous", "url"}` (previous is the same figure one period earlier,
  or None where the figure is a current backlog rather than a flow);
- `digest_backlog() -> dict[str, Expression]`: per-unit counts of overdue work, as
  expressions over `Unit` (correlated subqueries), summed to find the units at the bottom.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units import extensions, roles
from units.models import Digest, Notification, Unit
from units.notifications import notification_send

BOTTOM_UNITS = 5


@dataclass(frozen=True)
class Period:
    """[start, end] inclusive dates, with the period before it for comparison."""

    kind: str
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date

    @staticmethod
    def _midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    @property
    def since(self) -> datetime.datetime:
        return self._midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        """Exclusive upper bound for timestamps: midnight after the last day."""
        return self._midnight(self.end + datetime.timedelta(days=1))

    @property
    def previous_since(self) -> datetime.datetime:
        return self._midnight(self.previous_start)

    @property
    def as_of(self) -> datetime.date:
        """Backlogs (open, overdue) are counted as of the day after the period."""
        return self.end + datetime.timedelta(days=1)


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_before(*, kind: str, today: datetime.date) -> Period:
    """The last complete week, month or quarter before `today`."""
    if kind == Digest.Kind.WEEKLY:
        start = today - datetime.timedelta(days=today.weekday() + 7)
        end = start + datetime.timedelta(days=6)
        return Period(
            kind, start, end, start - datetime.timedelta(days=7), start - datetime.timedelta(days=1)
        )
    months = 1 if kind == Digest.Kind.MONTHLY else 3
    current = _month_start(today, 0)
    if kind == Digest.Kind.QUARTERLY:
        current = datetime.date(current.year, (current.month - 1) // 3 * 3 + 1, 1)
    start = _month_start(current, months)
    previous_start = _month_start(start, months)
    return Period(
        kind,
        start,
        current - datetime.timedelta(days=1),
        previous_start,
        start - datetime.timedelta(days=1),
    )


def _title(period: Period) -> str:
    if period.kind == Digest.Kind.WEEKLY:
        return _("Weekly check, %(start)s to %(end)s") % {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
    if period.kind == Digest.Kind.MONTHLY:
        return _("Monthly review, %(year)s-%(month)s") % {
            "year": period.start.year,
            "month": period.start.month,
        }
    return _("Quarterly summary, Q%(quarter)s %(year)s") % {
        "year": period.start.year,
        "quarter": (period.start.month - 1) // 3 + 1,
    }


def bottom_units(*, limit: int = BOTTOM_UNITS) -> list[dict[str, Any]]:
    """Active units with the most overdue work, one query (correlated subqueries)."""
    backlog: dict[str, Any] = {}
    for hook in extensions.hooks("digest_backlog"):
        backlog.update(hook())
    if not backlog:
        return []
    total: Any = Value(0)
    for name in backlog:
        total = total + F(name)
    annotations = {
        name: Coalesce(expression, Value(0), output_field=IntegerField())
        for name, expression in backlog.items()
    }
    rows = (
        Unit.objects.filter(status=Unit.Status.ACTIVE)
        .annotate(**annotations)
        .annotate(backlog=total)
        .filter(backlog__gt=0)
        .order_by("-backlog", "path")
        .values("pk", "name", "backlog", *backlog)[:limit]
    )
    return [{**row, "url": reverse("units:unit_detail", kwargs={"pk": row["pk"]})} for row in rows]


def digest_compile(*, period: Period) -> Digest:
    """The digest for a period, compiled once; a second call returns the same row."""
    existing = Digest.objects.filter(kind=period.kind, period_start=period.start).first()
    if existing is not None:
        return existing
    sections = [
        section for hook in extensions.hooks("digest_sections") for section in hook(period=period)
    ]
    units = bottom_units()
    sections.append(
        {
            "title": _("Units with the most overdue work"),
            "compare": False,
            "lines": [
                {"label": row["name"], "value": row["backlog"], "previous": None, "url": row["url"]}
                for row in units
            ]
            or [
                {"label": _("No unit has overdue work."), "value": "", "previous": None, "url": ""}
            ],
        }
    )
    try:
        with transaction.atomic():
            return Digest.objects.create(
                kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                title=_title(period),
                sections=sections,
            )
    except IntegrityError:
        # A concurrent run compiled it first: theirs is the record.
        return Digest.objects.get(kind=period.kind, period_start=period.start)


def digest_recipients() -> Any:
    """Leaders and inspection staff who see every unit: the people digests are written for.

    A digest carries every unit's figures and names the units at the bottom, so it goes only
    to those its page shows it to (Digest.objects.visible_to): a superuser or a holder of
    view_all_units or oversee_all_units, directly or through a group. Someone in these groups
    whose jurisdiction was narrowed to a subtree gets none.
    """
    everything = Permission.objects.filter(
        content_type__app_label="units", codename__in=["view_all_units", "oversee_all_units"]
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[roles.LEADERSHIP, roles.INSPECTION_STAFF])
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=everything)
            | Q(groups__permissions__in=everything)
        )
        .distinct()
    )


def _body(digest: Digest) -> str:
    lines = []
    for section in digest.sections:
        lines.append(f"【{section['title']}】")
        for line in section["lines"]:
            value = f"：{line['value']}" if line["value"] != "" else ""
            lines.append(f"{line['label']}{value}")
    return "\n".join(lines)


def digest_send(*, kind: str, today: datetime.date | None = None) -> int:
    """Compile the last period's digest and notify each leader and officer once (in-app, e-mail)."""
    period = period_before(kind=kind, today=today or timezone.localdate())
    digest = digest_compile(period=period)
    keys = notification_send(
        recipients=digest_recipients(),
        kind=Notification.Kind.DIGEST,
        title=digest.title,
        body=_body(digest),
        url=reverse("units:digest_detail", kwargs={"pk": digest.pk}),
        object_key=f"digest:{digest.pk}",
    )
    return len(keys)
