"""Computing a scheme's results: queue the job, run it (the task calls this), report progress.

Each request (a click on the scheme page, the nightly recompute) gets a token, stored on the
scheme and carried by its task. A run records itself with a heartbeat (units.jobs.job_run)
and writes results only if, holding the scheme row, its token is still the scheme's: once a
newer request has been made, an older task (redelivered an hour later, or woken from a lock
wait) ends as superseded without writing. The page reads the run of the current request: a
run whose heartbeat stopped is shown as interrupted, and may be started again at once.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from assessments import permissions, scoring
from assessments.models import AssessmentScheme
from assessments.services.results_act import scheme_act_on_results
from units.jobs import enqueue_on_commit, job_run, register_job_title, sweep_interrupted_runs
from units.models import JobRun
from units.models.records import heartbeat_timeout
from units.transitions import transition
from units.types import AnyUser

logger = logging.getLogger(__name__)

Status = AssessmentScheme.Status
ScoringState = AssessmentScheme.ScoringState
# By name: assessments.tasks imports this module, never the other way round.
COMPUTE_SCHEME = "assessments.tasks.compute_scheme"
# Its runs in the operations view (job names drop the ".tasks" part, as record_run's do).
COMPUTE_JOB = "assessments.compute_scheme"
register_job_title(COMPUTE_JOB, gettext_lazy("Compute assessment results"))

# What scoring.compute reports as it goes, as the operations view shows it.
STEP_LABELS = {
    "survey": pgettext_lazy("scoring step", "Mass survey scores"),
    "evaluations": pgettext_lazy("scoring step", "Evaluation scores"),
    "adjustments": pgettext_lazy("scoring step", "Additions and deductions"),
    "results": pgettext_lazy("scoring step", "Totals"),
    "ranks": pgettext_lazy("scoring step", "Ranks, grades and recognition"),
    "done": pgettext_lazy("scoring step", "Saving the results"),
}

# The page's states beyond the stored ones: read from the current request's run.
INTERRUPTED = "interrupted"  # its run's heartbeat stopped: the process died
STALLED = "stalled"  # queued, and no process has taken it up for a heartbeat timeout
STATE_LABELS = {
    INTERRUPTED: gettext_lazy("Interrupted"),
    STALLED: gettext_lazy("Waiting for a worker"),
}


class Superseded(Exception):
    """A newer scoring request has taken over the scheme."""


def _subject(scheme_id: int) -> str:
    return f"assessments.AssessmentScheme:{scheme_id}"


def _current_run(scheme: AssessmentScheme) -> JobRun | None:
    """The latest attempt at the scheme's current request (a redelivery is a new attempt)."""
    return (
        JobRun.objects.filter(
            job=COMPUTE_JOB, subject=_subject(scheme.pk), token=scheme.scoring_token
        )
        .order_by("-pk")
        .first()
    )


def scoring_progress(*, scheme: AssessmentScheme) -> dict[str, Any]:
    """The scoring state the scheme page shows, with progress and what may be done next.

    state: idle, queued, running, done, failed, interrupted (the run's heartbeat stopped)
    or stalled (queued with no process taking it up); `live` while work is under way (no new
    start, no publishing); `can_restart` when it may be started again because it stopped.
    """
    state = scheme.scoring_state
    percent, step, message = (100 if state == ScoringState.DONE else 0), "", ""
    if scheme.status == Status.PUBLISHED and state in (ScoringState.QUEUED, ScoringState.RUNNING):
        state = ScoringState.DONE  # a request left over when it was published: moot
    elif state in (ScoringState.QUEUED, ScoringState.RUNNING):
        run = _current_run(scheme)
        cutoff = timezone.now() - heartbeat_timeout()
        if run is None or run.status == JobRun.Status.SUPERSEDED:
            requested = scheme.scoring_requested_at
            state = STALLED if requested is None or requested < cutoff else ScoringState.QUEUED
            if state == STALLED and requested is not None:
                message = _(
                    "Scoring was queued at %(time)s and no background process has taken it up. "
                    "Check that the worker is running; you can compute again."
                ) % {"time": date_format(timezone.localtime(requested), "DATETIME_FORMAT")}
            elif state == STALLED:
                message = _(
                    "No background process is computing the results; you can compute again."
                )
        elif run.is_live:
            state, percent, step = ScoringState.RUNNING, run.progress, run.step
        elif run.state == JobRun.Status.SUCCEEDED:
            state, percent = ScoringState.DONE, 100
        else:  # its heartbeat stopped (or it was swept): the bar stays where it stopped
            state, percent, step = INTERRUPTED, run.progress, run.step
        if state == INTERRUPTED:
            message = _(
                "Scoring interrupted: the process running it has stopped. You can compute again."
            )
    if state in (INTERRUPTED, STALLED) and scheme.computed_at:
        message += " " + _("The previous results are kept.")
    label = STATE_LABELS.get(state) or ScoringState(state).label
    live = state in (ScoringState.QUEUED, ScoringState.RUNNING)
    return {
        "state": state,
        "state_label": str(label),
        "percent": percent,
        "step": step,
        "message": message,
        "live": live,
        "can_restart": state in (INTERRUPTED, STALLED, ScoringState.FAILED),
    }


def _new_request() -> dict[str, Any]:
    """The fields of a new scoring request (queued, with its own token)."""
    return {
        "scoring_state": ScoringState.QUEUED,
        "scoring_error": "",
        "scoring_token": uuid.uuid4().hex,
        "scoring_requested_at": timezone.now(),
    }


def scheme_request_scoring(*, scheme: AssessmentScheme, actor: AnyUser) -> AssessmentScheme:
    """Queue the scoring job (after commit); the page then shows its progress.

    Refused while a run of the current request is alive; after one stopped (interrupted),
    this is the restart: the new token retires the old task, should it ever come back.
    """
    if not permissions.can_run_scoring(actor):
        raise PermissionDenied(_("You may not compute assessment results."))
    current = AssessmentScheme.objects.get(pk=scheme.pk)
    if scoring_progress(scheme=current)["state"] == ScoringState.RUNNING:
        raise ValidationError(_("Scoring is already running; wait for it to finish."))
    with transaction.atomic():
        locked = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.status not in (Status.OPEN, Status.COMPUTED):
            raise ValidationError(_("Only a scheme in progress or computed can be scored."))
        request = _new_request()
        for field, value in request.items():
            setattr(locked, field, value)
        locked.save(update_fields=list(request))
        # Never hold the request hostage to the broker: if Redis is down the scheme stays
        # queued and the nightly recompute_open_schemes runs it.
        enqueue_on_commit(COMPUTE_SCHEME, locked.pk, locked.scoring_token)
    # The stopped run shows as interrupted in the operations view at once.
    sweep_interrupted_runs()
    return locked


def schemes_recompute_open() -> int:
    """Queue a recomputation of every scheme in progress or computed (not yet published).

    Nightly, so leaders' rankings follow the facts. Each gets a new request: one queued or
    running already is superseded (if it holds the scheme it finishes first; if it was lost,
    this recovers it), and scoring updates results atomically, so nothing is done twice over.
    """
    with transaction.atomic():
        ids = list(
            AssessmentScheme.objects.filter(status__in=[Status.OPEN, Status.COMPUTED]).values_list(
                "pk", flat=True
            )
        )
        for scheme_id in ids:  # one scheme a year: a handful of rows
            request = _new_request()
            AssessmentScheme.objects.filter(pk=scheme_id).update(**request)
            enqueue_on_commit(COMPUTE_SCHEME, scheme_id, request["scoring_token"])
    return len(ids)


def scheme_compute(
    *, scheme_id: int, token: str | None = None, actor: AnyUser | None = None
) -> int:
    """Compute every result of a scheme in one transaction; the task calls this.

    Running it twice on the same inputs gives the same results (the same rows, updated in
    place); a failure rolls back to the previous results and records the error on the scheme.
    `token` is the request the task carries; without one (a direct call) the run adopts the
    scheme's current request. A run whose request is no longer current writes nothing.
    """
    scheme = AssessmentScheme.objects.get(pk=scheme_id)
    if scheme.status not in (Status.OPEN, Status.COMPUTED):
        raise ValidationError(_("Only a scheme in progress or computed can be scored."))
    if token is None:
        token = scheme.scoring_token
    superseded = _("A newer scoring request took over; this run wrote nothing.")
    with job_run(COMPUTE_JOB, subject=_subject(scheme_id), label=str(scheme), token=token) as run:
        if scheme.scoring_token != token:
            logger.info("Scoring scheme %s: request %s was superseded", scheme_id, token)
            run.supersede(superseded)
            return 0
        # Waits while another transaction holds the scheme row; the run's heartbeat goes on.
        AssessmentScheme.objects.filter(pk=scheme_id, scoring_token=token).update(
            scoring_state=ScoringState.RUNNING
        )

        def progress(percent: int, step: str) -> None:
            run.progress(percent, str(STEP_LABELS.get(step, step)))

        try:
            with transaction.atomic():
                locked = AssessmentScheme.objects.select_for_update().get(pk=scheme_id)
                # Under the row lock: no newer request can be made until this one commits.
                if locked.scoring_token != token:
                    raise Superseded
                count = scoring.compute(locked, progress)
                # Final results draft the 通报表扬 and open the 约谈提醒 (provisional: nothing).
                scheme_act_on_results(scheme=locked, actor=actor)
                transition(
                    locked,
                    target=Status.COMPUTED,
                    actor=actor,
                    comment=_("%(count)s units ranked.") % {"count": count},
                    fields={
                        "computed_at": timezone.now(),
                        "scoring_state": ScoringState.DONE,
                    },
                    locked=True,
                )
        except Superseded:
            logger.info("Scoring scheme %s: request %s was superseded", scheme_id, token)
            run.supersede(superseded)
            return 0
        except Exception as exc:
            logger.exception("Scoring scheme %s failed", scheme_id)
            # Only the request's own outcome: a newer request's state is not this run's.
            AssessmentScheme.objects.filter(pk=scheme_id, scoring_token=token).update(
                scoring_state=ScoringState.FAILED, scoring_error=str(exc)[:2000]
            )
            raise
        run.items = count
    return count
