"""Leadership digests (周检查、月点评、季小结): figures compiled once per period and
jurisdiction, a comment drafted from them, reviewed by inspection staff, sent to leaders.

The cycle:

1. `digests_prepare` (the beat, on Monday / the 1st): for every distinct jurisdiction among
   the readers (leaders and inspection staff: the county for whoever sees every unit, the
   subtree of each root of anyone else's), `digest_compile` writes one draft with its figures
   and a drafted comment (units.digest_comment), and the inspection staff of that
   jurisdiction are told a draft awaits them.
2. They may edit the comment on the digest's page (`digest_comment_update`) and send it
   (`digest_send`): the leaders and officers of the jurisdiction get the notice with the
   comment in its body.
3. If nobody sends it by `send_by` (settings.ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS working
   days after compiling), `digests_send_due` (the beat, every half hour) sends it as
   drafted, so the leaders are never left without it. A jurisdiction with no inspection
   staff of its own gets its digest sent at once.

The figures come from the apps through the hooks their AppConfig declares
(units.extensions), so the shell does not import them:

- `digest_sections(*, period: Period, scope: Unit | None) -> list[dict]`: titled lines of
  figures restricted to the scope's subtree, each line
  `{"key", "label", "value", "previous", "url", "measure", "overdue"}` (`previous` is the
  same figure one period earlier, or None for a backlog; `url` a list the readers may open,
  filtered to exactly what the line counts; `measure` the counting word the comment uses;
  `overdue` marks the overdue backlogs the comment names);
- `digest_backlog(*, period: Period, scope: Unit | None) -> list[BacklogFigure]`: per-unit
  counts of overdue work as expressions over `Unit` (correlated subqueries), summed to find
  the units at the bottom.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units import extensions, roles
from units.digest_comment import draft_comment
from units.models import (
    ACT,
    OVERSEE,
    VIEW,
    Digest,
    Notification,
    Unit,
    UnitGroupObjectPermission,
    UnitUserObjectPermission,
)
from units.models.organisation import subtree_roots
from units.models.records import edits_digests, reads_digests
from units.notifications import notification_send
from units.transitions import InvalidTransition, transition
from units.workdays import add_working_days, day_start

BOTTOM_UNITS = 5
COMMENT_MAX_LENGTH = 2000

__all__ = [
    "BacklogFigure",
    "Period",
    "can_edit_digest",
    "digest_comment_update",
    "digest_compile",
    "digest_jurisdictions",
    "digest_send",
    "digests_prepare",
    "digests_send_due",
    "edits_digests",
    "get_digest_for_user_or_404",
    "list_url",
    "period_before",
    "reads_digests",
]


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
        return day_start(day)

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


@dataclass(frozen=True)
class BacklogFigure:
    """One kind of overdue work per unit: a column of the units at the bottom."""

    key: str  # the annotation's name
    label: str  # the column heading
    expression: Any  # a count over Unit (OuterRef("pk")), NULL or 0 for none


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


def list_url(name: str, *args: Any, **params: Any) -> str:
    """A list page with its filters, for a digest line (None parameters left out; "" kept, as
    in `status=` for every status)."""
    url = reverse(name, args=args)
    query = {k: v for k, v in params.items() if v is not None}
    return f"{url}?{urlencode(query)}" if query else url


def _title(period: Period, scope: Unit | None) -> str:
    if period.kind == Digest.Kind.WEEKLY:
        title = _("Weekly check, %(start)s to %(end)s") % {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        }
    elif period.kind == Digest.Kind.MONTHLY:
        title = _("Monthly review, %(year)s-%(month)s") % {
            "year": period.start.year,
            "month": period.start.month,
        }
    else:
        title = _("Quarterly summary, Q%(quarter)s %(year)s") % {
            "year": period.start.year,
            "quarter": (period.start.month - 1) // 3 + 1,
        }
    if scope is None:
        return title
    return _("%(scope)s: %(title)s") % {"scope": scope.name, "title": title}


# --- Who reads which digest ----------------------------------------------------------------


@dataclass
class Jurisdiction:
    """One digest's audience: its scope (None: the county), who reads it, who reviews it."""

    scope: Unit | None
    readers: list[Any] = field(default_factory=list)
    editors: list[Any] = field(default_factory=list)


def digest_jurisdictions() -> dict[str, Jurisdiction]:
    """Every distinct jurisdiction among the digest readers, keyed by the scope's path ("" for
    the county): leaders and inspection staff who see every unit read the county's, anyone
    else the digest of each root of their jurisdiction. Seven queries however many readers."""
    user_model = get_user_model()
    memberships = list(
        user_model.objects.filter(
            is_active=True,
            groups__name__in=[
                roles.LEADERSHIP,
                roles.INSPECTION_STAFF,
                roles.SUBTREE_INSPECTION_STAFF,
            ],
        ).values_list("pk", "groups__name")
    )
    ids = {pk for pk, _name in memberships}
    if not ids:
        return {}
    staff = {
        pk
        for pk, name in memberships
        if name in (roles.INSPECTION_STAFF, roles.SUBTREE_INSPECTION_STAFF)
    }
    users = user_model.objects.in_bulk(ids)

    def holders(codenames: tuple[str, ...]) -> set[int]:
        perms = Permission.objects.filter(content_type__app_label="units", codename__in=codenames)
        return set(
            user_model.objects.filter(pk__in=ids)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=perms)
                | Q(groups__permissions__in=perms)
            )
            .values_list("pk", flat=True)
        )

    sees_all = holders(("view_all_units", "oversee_all_units"))
    oversees_all = holders(("oversee_all_units",))
    codenames = (VIEW, ACT, OVERSEE)
    grants = list(
        UnitUserObjectPermission.objects.filter(
            user_id__in=ids,
            permission__codename__in=codenames,
            permission__content_type__app_label="units",
            content_object__status=Unit.Status.ACTIVE,
        ).values_list("user_id", "content_object__path", "permission__codename")
    ) + list(
        UnitGroupObjectPermission.objects.filter(
            group__user__in=ids,
            permission__codename__in=codenames,
            permission__content_type__app_label="units",
            content_object__status=Unit.Status.ACTIVE,
        ).values_list("group__user", "content_object__path", "permission__codename")
    )
    seen: dict[int, set[str]] = {}
    overseen: dict[int, set[str]] = {}
    for user_id, path, codename in grants:
        seen.setdefault(user_id, set()).add(path)
        if codename == OVERSEE:
            overseen.setdefault(user_id, set()).add(path)
    result: dict[str, Jurisdiction] = {}
    county = Jurisdiction(scope=None)
    scopes: dict[str, list[int]] = {}
    for pk in sorted(ids):
        user = users[pk]
        if pk in sees_all:
            county.readers.append(user)
            if pk in staff and pk in oversees_all:
                county.editors.append(user)
            continue
        for root in subtree_roots(seen.get(pk, set())):
            scopes.setdefault(root, []).append(pk)
    if county.readers:
        result[""] = county
    units = {unit.path: unit for unit in Unit.objects.filter(path__in=list(scopes))}
    for path, readers in scopes.items():
        jurisdiction = Jurisdiction(scope=units[path])
        for pk in readers:
            jurisdiction.readers.append(users[pk])
            if pk in staff and path in subtree_roots(overseen.get(pk, set())):
                jurisdiction.editors.append(users[pk])
        result[path] = jurisdiction
    return result


# --- Compiling -----------------------------------------------------------------------------


def bottom_units(
    *, period: Period, scope: Unit | None, limit: int = BOTTOM_UNITS
) -> dict[str, Any]:
    """The section naming the scope's active units with the most overdue work: one query."""
    figures: list[BacklogFigure] = [
        figure
        for hook in extensions.hooks("digest_backlog")
        for figure in hook(period=period, scope=scope)
    ]
    section: dict[str, Any] = {
        "title": _("Units with the most overdue work"),
        "compare": False,
        "units": True,
        "columns": [figure.label for figure in figures],
        "lines": [],
    }
    rows: list[dict[str, Any]] = []
    if figures:
        total: Any = Value(0)
        for figure in figures:
            total = total + F(figure.key)
        units = Unit.objects.filter(status=Unit.Status.ACTIVE)
        if scope is not None:
            units = units.filter(path__startswith=scope.path)
        rows = list(
            units.annotate(
                **{
                    figure.key: Coalesce(figure.expression, Value(0), output_field=IntegerField())
                    for figure in figures
                }
            )
            .annotate(backlog=total)
            .filter(backlog__gt=0)
            .order_by("-backlog", "path")
            .values("pk", "name", "short_name", "backlog", *(f.key for f in figures))[:limit]
        )
    section["lines"] = [
        {
            "key": f"unit:{row['pk']}",
            "label": row["name"],
            "short_name": row["short_name"] or row["name"],
            "value": row["backlog"],
            "previous": None,
            "url": reverse("units:unit_detail", kwargs={"pk": row["pk"]}),
            "parts": [row[figure.key] for figure in figures],
        }
        for row in rows
    ] or [
        {
            "key": "units:none",
            "label": _("No unit has overdue work."),
            "value": "",
            "previous": None,
            "url": "",
        }
    ]
    return section


def _send_by(now: datetime.datetime) -> datetime.datetime:
    """When the system sends a draft nobody sent: N working days later, same time of day."""
    days = max(0, int(settings.ZUOFENG_DIGEST_AUTO_SEND_WORKING_DAYS))
    local = timezone.localtime(now)
    day = add_working_days(local.date(), days)
    return timezone.make_aware(datetime.datetime.combine(day, local.time().replace(microsecond=0)))


def digest_compile(
    *, period: Period, scope: Unit | None = None, now: datetime.datetime | None = None
) -> tuple[Digest, bool]:
    """The draft digest of a period and jurisdiction, compiled once: (digest, created).

    Every figure is restricted to the scope's subtree (None: the county); a constant number
    of queries whatever the number of units (aggregates and correlated subqueries).
    """
    lookup = {"kind": period.kind, "period_start": period.start, "scope": scope}
    existing = Digest.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    sections = [
        section
        for hook in extensions.hooks("digest_sections")
        for section in hook(period=period, scope=scope)
    ]
    bottom = bottom_units(period=period, scope=scope)
    comment = draft_comment(period=period, sections=sections, bottom=bottom)
    sections.append(bottom)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                **lookup,
                period_end=period.end,
                title=_title(period, scope),
                sections=sections,
                comment=comment,
                created_at=now,
                send_by=_send_by(now),
            )
    except IntegrityError:
        # A concurrent run compiled it first: theirs is the record.
        return Digest.objects.get(**lookup), False
    return digest, True


# --- Who may, and the fetch ----------------------------------------------------------------


def get_digest_for_user_or_404(user: Any, pk: int) -> Digest:
    """Outside the reader's jurisdiction, or a draft for a leader: 404."""
    try:
        return Digest.objects.visible_to(user).select_related("scope").get(pk=pk)
    except Digest.DoesNotExist:
        raise Http404(_("Digest not found.")) from None


def can_edit_digest(user: Any, digest: Digest) -> bool:
    """Inspection staff whose jurisdiction holds the digest's, while it is a draft."""
    return digest.is_draft and Digest.objects.editable_by(user).filter(pk=digest.pk).exists()


def _require_edit(user: Any, digest: Digest) -> None:
    if not Digest.objects.editable_by(user).filter(pk=digest.pk).exists():
        raise PermissionDenied(_("Only inspection staff of this jurisdiction may do this."))


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write a comment before saving or sending.")})
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("The comment is %(length)d characters long; at most %(max)d.")
                % {"length": len(comment), "max": COMMENT_MAX_LENGTH}
            }
        )
    return comment


# --- Services ------------------------------------------------------------------------------


def _notices_body(digest: Digest) -> str:
    lines = [digest.comment, ""] if digest.comment else []
    for section in digest.sections:
        lines.append(f"【{section['title']}】")
        for line in section["lines"]:
            value = f"：{line['value']}" if line["value"] != "" else ""
            lines.append(f"{line['label']}{value}")
    return "\n".join(lines)


def _url(digest: Digest) -> str:
    return reverse("units:digest_detail", kwargs={"pk": digest.pk})


def _notify_draft(digest: Digest, editors: list[Any]) -> int:
    deadline = timezone.localtime(digest.send_by).strftime("%Y-%m-%d %H:%M")
    body = "\n\n".join(
        [
            _(
                "The comment below was drafted from the figures. Check it, edit it if need "
                "be and send the digest to the leaders; if nobody has sent it by %(time)s, "
                "it is sent as drafted."
            )
            % {"time": deadline},
            digest.comment,
        ]
    )
    keys = notification_send(
        recipients=editors,
        kind=Notification.Kind.DIGEST,
        title=_("To review and send: %(title)s") % {"title": digest.title},
        body=body,
        url=_url(digest),
        object_key=f"digest-draft:{digest.pk}",
    )
    return len(keys)


def _notify_sent(digest: Digest) -> None:
    path = digest.scope.path if digest.scope_id else ""  # type: ignore[union-attr]
    jurisdiction = digest_jurisdictions().get(path)
    notification_send(
        recipients=jurisdiction.readers if jurisdiction else [],
        kind=Notification.Kind.DIGEST,
        title=digest.title,
        body=_notices_body(digest),
        url=_url(digest),
        object_key=f"digest:{digest.pk}",
    )


def digest_comment_update(*, digest: Digest, comment: str, actor: Any) -> Digest:
    """Inspection staff edit the drafted comment before the digest is sent."""
    _require_edit(actor, digest)
    comment = _clean_comment(comment)
    with transaction.atomic():
        row = Digest.objects.select_for_update().get(pk=digest.pk)
        if not row.is_draft:
            raise InvalidTransition(
                _("This digest has been sent; its comment can no longer change.")
            )
        row.comment = comment
        row.save(update_fields=["comment"])
    return row


def digest_send(
    *,
    digest: Digest,
    actor: Any,
    comment: str | None = None,
    now: datetime.datetime | None = None,
) -> Digest:
    """Send the draft to the leaders and officers of its jurisdiction (the comment, if given,
    replaces the draft's). `actor` None: the system, when nobody sent it in time."""
    if actor is not None:
        _require_edit(actor, digest)
    fields: dict[str, Any] = {"sent_at": now or timezone.now()}
    if comment is not None:
        fields["comment"] = _clean_comment(comment)
    note = (
        _("Not sent by inspection staff in time: sent by the system as drafted.")
        if actor is None
        else ""
    )
    return transition(
        digest,
        target=Digest.Status.SENT,
        actor=actor,
        comment=note,
        fields=fields,
        queryset=Digest.objects.select_related("scope"),
        after_commit=_notify_sent,
    )


def digests_prepare(
    *, kind: str, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> int:
    """Compile the last period's digest of every jurisdiction among the readers; tell their
    inspection staff that a draft awaits review, or send it at once where none would review
    it (or the setting gives no time to). Safe to run twice. Returns notices addressed."""
    now = now or timezone.now()
    period = period_before(kind=kind, today=today or timezone.localdate())
    addressed = 0
    for jurisdiction in digest_jurisdictions().values():
        digest, created = digest_compile(period=period, scope=jurisdiction.scope, now=now)
        if not created or not digest.is_draft:
            continue
        immediate = not jurisdiction.editors or digest.send_by <= now  # type: ignore[operator]
        if immediate:
            digest_send(digest=digest, actor=None, now=now)
            addressed += len(jurisdiction.readers)
        else:
            addressed += _notify_draft(digest, jurisdiction.editors)
    return addressed


def digests_send_due(*, now: datetime.datetime | None = None) -> int:
    """Send, as drafted, every draft nobody sent before its `send_by` (the fallback)."""
    now = now or timezone.now()
    sent = 0
    due = Digest.objects.filter(status=Digest.Status.DRAFT, send_by__lte=now).order_by("pk")
    for digest in due:
        try:
            digest_send(digest=digest, actor=None, now=now)
        except InvalidTransition:
            continue  # sent meanwhile by an officer or another run
        sent += 1
    return sent
