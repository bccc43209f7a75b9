"""Computing a scheme's results: queue the job, run it (the task calls this), report progress."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import permissions, scoring
from assessments.models import AssessmentScheme
from units.jobs import enqueue_on_commit
from units.transitions import transition
from units.types import AnyUser

logger = logging.getLogger(__name__)

Status = AssessmentScheme.Status
# By name: assessments.tasks imports this module, never the other way round.
COMPUTE_SCHEME = "assessments.tasks.compute_scheme"


def _progress_key(scheme_id: int) -> str:
    return f"assessments:scoring:{scheme_id}"


def scoring_progress(*, scheme: AssessmentScheme) -> dict[str, Any]:
    """What the scoring job last reported (percent and step); shown while it runs."""
    found: dict[str, Any] | None = cache.get(_progress_key(scheme.pk))
    return found or {"percent": 100 if scheme.scoring_state == "done" else 0, "step": ""}


def scheme_request_scoring(*, scheme: AssessmentScheme, actor: AnyUser) -> AssessmentScheme:
    """Queue the scoring job (after commit); the page then shows its progress."""
    if not permissions.can_run_scoring(actor):
        raise PermissionDenied(_("You may not compute assessment results."))
    with transaction.atomic():
        locked = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.status not in (Status.OPEN, Status.COMPUTED):
            raise ValidationError(_("Only a scheme in progress or computed can be scored."))
        locked.scoring_state = AssessmentScheme.ScoringState.QUEUED
        locked.scoring_error = ""
        locked.save(update_fields=["scoring_state", "scoring_error"])
        cache.set(_progress_key(locked.pk), {"percent": 0, "step": "queued"}, 3600)
        # Never hold the request hostage to the broker: if Redis is down the scheme stays
        # queued and the nightly recompute_open_schemes runs it.
        enqueue_on_commit(COMPUTE_SCHEME, locked.pk)
    return locked


def schemes_recompute_open() -> int:
    """Queue a recomputation of every scheme in progress or computed (not yet published).

    Nightly, so leaders' rankings follow the facts. Schemes already queued or running are
    queued again on purpose: if an earlier publish or run was lost, this recovers it, and
    scoring locks the scheme row and updates results atomically, so a duplicate is harmless.
    """
    with transaction.atomic():
        ids = list(
            AssessmentScheme.objects.filter(status__in=[Status.OPEN, Status.COMPUTED]).values_list(
                "pk", flat=True
            )
        )
        AssessmentScheme.objects.filter(pk__in=ids).update(
            scoring_state=AssessmentScheme.ScoringState.QUEUED, scoring_error=""
        )
        for scheme_id in ids:
            enqueue_on_commit(COMPUTE_SCHEME, scheme_id)
    return len(ids)


def scheme_compute(*, scheme_id: int, actor: AnyUser | None = None) -> int:
    """Compute every result of a scheme in one transaction; the task calls this.

    Running it twice on the same inputs gives the same results (the same rows, updated in
    place); a failure rolls back to the previous results and records the error on the scheme.
    """
    scheme = AssessmentScheme.objects.get(pk=scheme_id)
    if scheme.status not in (Status.OPEN, Status.COMPUTED):
        raise ValidationError(_("Only a scheme in progress or computed can be scored."))
    AssessmentScheme.objects.filter(pk=scheme_id).update(
        scoring_state=AssessmentScheme.ScoringState.RUNNING
    )

    def progress(percent: int, step: str) -> None:
        # The cache is outside the transaction, so the page sees progress as it happens.
        cache.set(_progress_key(scheme_id), {"percent": percent, "step": step}, 3600)

    try:
        with transaction.atomic():
            locked = AssessmentScheme.objects.select_for_update().get(pk=scheme_id)
            count = scoring.compute(locked, progress)
            transition(
                locked,
                target=Status.COMPUTED,
                actor=actor,
                comment=_("%(count)s units ranked.") % {"count": count},
                fields={
                    "computed_at": timezone.now(),
                    "scoring_state": AssessmentScheme.ScoringState.DONE,
                },
                locked=True,
            )
    except Exception as exc:
        logger.exception("Scoring scheme %s failed", scheme_id)
        AssessmentScheme.objects.filter(pk=scheme_id).update(
            scoring_state=AssessmentScheme.ScoringState.FAILED, scoring_error=str(exc)[:2000]
        )
        cache.set(_progress_key(scheme_id), {"percent": 0, "step": "failed"}, 3600)
        raise
    progress(100, "done")
    return count
