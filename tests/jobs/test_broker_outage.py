"""With Redis stopped, a web request that enqueues work still answers within 2 seconds,
and the work is done once Redis is back (the outbox: notices not yet e-mailed, drained by
units.tasks.drain_notification_emails).

The test starts a Redis server of its own on another port and really stops it: the Redis
everyone else uses is untouched.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import time

import pytest
import redis
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from tests.jobs.conftest import IN_CI, reset_broker_pools
from tests.jobs.workers import wait_for
from units.models import Notification
from units.tasks import drain_notification_emails

pytestmark = pytest.mark.django_db(transaction=True)

PORT = 6390


class OwnRedis:
    def __init__(self, tmp_path) -> None:
        self.dir = tmp_path
        self.url = f"redis://127.0.0.1:{PORT}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command of ours)
            [shutil.which("redis-server") or "redis-server", "--port", str(PORT),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        wait_for(lambda: self._ping(client), timeout=20, what=f"redis-server on {PORT}")

    @staticmethod
    def _ping(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def own_redis(real_services, tmp_path, publishing):
    if not shutil.which("redis-server"):
        if IN_CI:
            pytest.fail("CI needs redis-server to stop a Redis of the test's own")
        pytest.skip("needs redis-server to start and stop a Redis of the test's own")
    server = OwnRedis(tmp_path)
    server.start()
    original = app.conf.broker_url
    app.conf.broker_url = server.url
    reset_broker_pools()
    try:
        yield server
    finally:
        server.stop()
        app.conf.broker_url = original
        reset_broker_pools()


def test_with_redis_stopped_an_action_that_notifies_answers_fast_and_mails_later(
    own_redis, cast, client_for
):
    from complaints.models import Complaint, ComplaintCategory
    from tests.complaints.conftest import complaint_drive

    category = ComplaintCategory.objects.get(name="服务态度")
    complaint = complaint_drive(cast, category, Complaint.Status.ACCEPTED)
    baseline = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mail.outbox.clear()
    client = client_for(cast.officer)
    own_redis.stop()

    started = time.monotonic()
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "assign"]), {"unit": cast.dept_a.pk}
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302, response.content.decode()[:500]
    assert elapsed < 2, f"the request took {elapsed:.2f} s with Redis down"
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED
    pending = Notification.objects.filter(pk__gt=baseline, emailed_at__isnull=True)
    assert pending.filter(recipient=cast.head_a).exists()  # the notice is there, in-app
    assert mail.outbox == []  # ... and its e-mail waits in the outbox

    own_redis.start()
    reset_broker_pools()
    # The drain leaves notices younger than a minute to their own delivery task: age them.
    Notification.objects.filter(pk__gt=baseline).update(
        created_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for start_worker)
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        drain_notification_emails.delay()  # what beat enqueues every five minutes
        wait_for(lambda: not pending.exists(), timeout=30, what="the outbox to drain")
    notices = Notification.objects.filter(pk__gt=baseline)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in notices)


def test_with_redis_stopped_starting_a_scoring_run_answers_fast_and_runs_later(
    own_redis, cast, client_for
):
    from assessments.models import AssessmentResult, AssessmentScheme
    from assessments.tasks import recompute_open_schemes
    from tests.assessments.county import build_county

    scheme = build_county(cast.officer)["scheme"]
    client = client_for(cast.officer)
    own_redis.stop()

    started = time.monotonic()
    response = client.post(reverse("assessments:scheme_compute", args=[scheme.pk]))
    elapsed = time.monotonic() - started

    assert response.status_code == 302, response.content.decode()[:500]
    assert elapsed < 2, f"the request took {elapsed:.2f} s with Redis down"
    scheme.refresh_from_db()
    assert scheme.scoring_state == AssessmentScheme.ScoringState.QUEUED

    own_redis.start()
    reset_broker_pools()
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for start_worker)
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        recompute_open_schemes.delay()  # the nightly job picks up the lost request
        wait_for(
            lambda: (
                AssessmentScheme.objects.get(pk=scheme.pk).scoring_state
                == AssessmentScheme.ScoringState.DONE
            ),
            timeout=60,
            what="the scoring run",
        )
    assert AssessmentResult.objects.filter(scheme=scheme).count() == 12


@pytest.fixture
def cache_on_own_redis(own_redis, settings):
    """Django's cache on the test's own Redis too (the shared one stays untouched)."""
    import config.cache

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": own_redis.url}}
    config.cache._down_until = 0.0
    try:
        yield own_redis
    finally:
        config.cache._down_until = 0.0  # later tests get a cache that answers


def _timed(call) -> tuple[object, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_with_the_cache_down_pages_login_and_the_public_form_still_answer(
    cache_on_own_redis, cast, client_for, client
):
    import os
    import signal

    import config.cache
    from tests.factories import PASSWORD

    cache_on_own_redis.stop()
    for user in (cast.head_a, cast.officer, cast.leader):
        logged_in = client_for(user)
        response, elapsed = _timed(lambda: logged_in.get(reverse("units:workspace")))  # noqa: B023
        assert response.status_code == 200 and elapsed < 2, (user, response.status_code, elapsed)
        client.logout()
    # Rate-limited forms: the limiter cannot count, so it lets the request through.
    response, elapsed = _timed(
        lambda: client.post(reverse("login"), {"username": "head_a", "password": PASSWORD})
    )
    assert response.status_code == 302 and elapsed < 2, (response.status_code, elapsed)
    client.logout()
    response, elapsed = _timed(lambda: client.post(reverse("complaints:public_submit"), {}))
    # Past the limiter (not 429) to the form again, with its errors.
    assert response.status_code == 400 and elapsed < 2, (response.status_code, elapsed)
    assert "<form" in response.content.decode()

    # A hung Redis (accepts connections, never answers) costs one short timeout, not a hang.
    cache_on_own_redis.start()
    config.cache._down_until = 0.0
    os.kill(cache_on_own_redis.process.pid, signal.SIGSTOP)
    try:
        response, elapsed = _timed(lambda: client_for(cast.head_a).get(reverse("units:workspace")))
        assert response.status_code == 200 and elapsed < 2, (response.status_code, elapsed)
    finally:
        os.kill(cache_on_own_redis.process.pid, signal.SIGCONT)
