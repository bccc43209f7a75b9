"""Background exports (我的导出): an export too large for a web request is built by a task.

Each app offers its exports through its `export_kinds` hook (units.extensions): an
`ExportKind` names the export and gives two functions over (user, QueryDict), the same
ones its direct download uses: `count` (how many rows the file would hold, one COUNT
through the scoped queryset) and `build` (the file itself). Both raise PermissionDenied or
Http404 when the user may not export it, as the direct download does.

A view asks `too_many_rows(rows)`; above settings.ZUOFENG_EXPORT_DIRECT_MAX_ROWS it offers
to build the file in the background: `export_request` files one ExportJob (a second request
for the same file while it is pending finds the first), the task `units.tasks.build_export`
runs `export_build`, which builds under the requester's scope as it is *then*, stores the
file under MEDIA_ROOT/exports/ and notifies the requester. The daily `exports_sweep`
deletes files and jobs past settings.ZUOFENG_EXPORT_KEEP_DAYS and fails those stuck.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.extensions import hooks
from units.jobs import enqueue_on_commit
from units.models import ExportJob, Notification, SecurityEvent
from units.notifications import notification_send
from units.security_log import security_event
from units.transitions import InvalidTransition, check_transition

logger = logging.getLogger(__name__)

BUILD_TASK = "units.tasks.build_export"
S = ExportJob.Status

# What a builder returns: the file name offered, the rows written, the file (open, or a path).
Built = tuple[str, int, "IO[bytes] | str"]


@dataclass(frozen=True)
class ExportKind:
    """One export an app offers: `key` ("<app>.<name>"), `title` (what the user reads),
    `count(user, params)` and `build(user, params)` as the direct download runs them;
    `label(user, params)` a fuller title for 我的导出 (the campaign's name, a filter)."""

    key: str
    title: Any
    count: Callable[[Any, QueryDict], int]
    build: Callable[[Any, QueryDict], Built]
    label: Callable[[Any, QueryDict], str] | None = None

    def label_for(self, user: Any, params: QueryDict) -> str:
        return self.label(user, params) if self.label is not None else str(self.title)


class UnknownExport(LookupError):
    """No app offers an export of that key."""


@cache
def export_kinds() -> dict[str, ExportKind]:
    """Every app's exports by key, from the `export_kinds` hooks (INSTALLED_APPS order)."""
    return {kind.key: kind for hook in hooks("export_kinds") for kind in hook()}


def export_kind(key: str) -> ExportKind:
    try:
        return export_kinds()[key]
    except KeyError:
        raise UnknownExport(key) from None


def too_many_rows(rows: int) -> bool:
    """More rows than a web request may build in its time: offer the background instead."""
    return rows > int(settings.ZUOFENG_EXPORT_DIRECT_MAX_ROWS)


def export_logged(*, request: HttpRequest, title: Any, rows: int | None) -> None:
    """A file of records leaves the system: the security log (安全日志) says who took what,
    how many rows, from where. Every direct download and every download from 我的导出."""
    security_event(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        detail=_("%(title)s: %(rows)s rows") % {"title": title, "rows": rows or 0},
    )


class Tally:
    """Rows passed through, counted (a builder reports how many rows its file holds)."""

    def __init__(self) -> None:
        self.rows = 0

    def count(self, rows: Iterable[Any]) -> Iterator[Any]:
        for row in rows:
            self.rows += 1
            yield row


# --- Reads ---------------------------------------------------------------------------------


def exports_of(*, user: Any) -> QuerySet[ExportJob]:
    """The user's own background exports, newest first: nobody sees another's."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requester=user).order_by("-created_at", "-pk")


def get_export_for_user_or_404(user: Any, pk: int) -> ExportJob:
    """The requester's finished export; anyone else (inspection staff too) gets 404."""
    try:
        return exports_of(user=user).get(pk=pk, status=S.DONE)
    except ExportJob.DoesNotExist:
        raise Http404 from None


# --- Writes --------------------------------------------------------------------------------


def export_request(*, user: Any, kind: str, params: str) -> tuple[ExportJob, bool]:
    """File a background export of `kind` with the query string `params` for `user`;
    (the job, created). The same export still pending is returned instead of a second one."""
    export = export_kind(kind)
    query = QueryDict(params)
    # The same check (and the same scope) as the direct download: may the user export it?
    export.count(user, query)
    pending = exports_of(user=user).filter(kind=kind, params=params, status__in=ExportJob.ACTIVE)
    existing = pending.first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                requester=user,
                kind=kind,
                params=params,
                label=export.label_for(user, query)[:200],
            )
            enqueue_on_commit(BUILD_TASK, job.pk)
    except IntegrityError:
        # A second click raced the first past the check: the unique constraint kept one.
        return pending.get(), False
    return job, True


def _move(job: ExportJob, *, target: str, **fields: Any) -> bool:
    """Move `job` to `target` if it is still where it was read: a conditional update, so
    two workers (or a worker and the sweep) never both make the same move. The move itself
    must be in ExportJob.TRANSITIONS."""
    check_transition(
        transitions=ExportJob.TRANSITIONS,
        current=job.status,
        target=target,
        labels=S.choices,
    )
    moved = ExportJob.objects.filter(pk=job.pk, status=job.status).update(status=target, **fields)
    if moved:
        job.status = target
        for name, value in fields.items():
            setattr(job, name, value)
    return bool(moved)


NOT_PERMITTED = gettext_noop(
    "You may no longer export this data: your responsibilities have changed."
)


def export_build(*, job_id: int) -> bool:
    """Build a queued export once (claimed queued → running), store it, notify; True if built.

    The file is built under the requester's scope as it is now, not when it was asked for.
    """
    job = ExportJob.objects.select_related("requester").filter(pk=job_id).first()
    if job is None or job.status != S.QUEUED:
        return False  # gone, or claimed already
    if not _move(job, target=S.RUNNING, started_at=timezone.now()):
        return False  # another worker claimed it first
    try:
        export = export_kind(job.kind)
        if not job.requester.is_active:
            raise PermissionDenied
        # The file's words (statuses, channels) in the site's language, as on its pages.
        with translation.override(settings.LANGUAGE_CODE):
            filename, rows, content = export.build(job.requester, QueryDict(job.params))
            done_title = _("Your export is ready: %(label)s") % {"label": job.label}
            done_body = _("%(rows)s rows. Download it from My exports within %(days)s days.") % {
                "rows": rows,
                "days": settings.ZUOFENG_EXPORT_KEEP_DAYS,
            }
    except (PermissionDenied, Http404):
        with translation.override(settings.LANGUAGE_CODE):
            _fail(job, _(NOT_PERMITTED))
        return False
    except UnknownExport:
        with translation.override(settings.LANGUAGE_CODE):
            _fail(job, _("This export is no longer offered."))
        return False
    except Exception as exc:
        _failed(job, exc)
        return False
    try:
        return _store(job, filename, rows, content, title=done_title, body=done_body)
    except Exception as exc:
        _failed(job, exc)
        return False


def _failed(job: ExportJob, exc: Exception) -> None:
    """An unexpected error: logged in full, the job says it failed (not the details)."""
    logger.exception("background export %s failed", job.pk)
    with translation.override(settings.LANGUAGE_CODE):
        _fail(
            job, _("The file could not be generated (%(error)s).") % {"error": type(exc).__name__}
        )


def _store(
    job: ExportJob, filename: str, rows: int, content: Any, *, title: str, body: str
) -> bool:
    stem, ext = os.path.splitext(os.path.basename(filename))
    stored = f"{job.pk}-{stem[:80]}{ext}"
    if isinstance(content, str):
        with open(content, "rb") as handle:
            name = job.file.storage.save(f"exports/{stored}", File(handle))
    else:
        try:
            content.seek(0)
            name = job.file.storage.save(f"exports/{stored}", File(content))
        finally:
            content.close()
    size = job.file.storage.size(name)

    try:
        # The notice in the same transaction as the move: done and told, or neither. (It is
        # the outbox: its e-mail, if any, is sent after the commit.)
        with transaction.atomic():
            done = _move(
                job,
                target=S.DONE,
                file=name,
                filename=filename[:200],
                rows=rows,
                size=size,
                finished_at=timezone.now(),
            )
            if done:
                notification_send(
                    recipients=[job.requester],
                    kind=Notification.Kind.INFO,
                    title=title[:200],
                    body=body,
                    url=reverse("units:export_list"),
                    object_key=f"exportjob:{job.pk}",
                    email=False,
                )
    except Exception:
        job.file.storage.delete(name)
        raise
    if not done:  # the sweep gave up on it meanwhile: keep no file nobody can download
        job.file.storage.delete(name)
    return done


def _fail(job: ExportJob, message: str) -> None:
    # A job finished meanwhile (the sweep failed it first) stays as it is.
    with contextlib.suppress(InvalidTransition):
        _move(job, target=S.FAILED, error=message[:4000], finished_at=timezone.now())


STUCK = gettext_noop("Generation did not finish in time; please export again.")


def exports_sweep(*, now: datetime.datetime | None = None) -> int:
    """Daily: fail the exports stuck queued or generating, then delete the files and
    records older than the keeping time; how many exports were deleted."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(hours=float(settings.ZUOFENG_EXPORT_RUNNING_HOURS))
    stuck = ExportJob.objects.filter(status__in=ExportJob.ACTIVE, created_at__lt=stuck_before)
    with translation.override(settings.LANGUAGE_CODE):
        message = _(STUCK)
        for job in stuck.only("pk", "status"):
            _fail(job, message)
    old = ExportJob.objects.filter(
        created_at__lt=now - datetime.timedelta(days=int(settings.ZUOFENG_EXPORT_KEEP_DAYS))
    ).exclude(status__in=ExportJob.ACTIVE)
    deleted = 0
    for job in old.only("pk", "file"):
        if job.file:
            job.file.storage.delete(job.file.name)
        deleted += ExportJob.objects.filter(pk=job.pk).delete()[1].get("units.ExportJob", 0)
    return deleted
