"""Exactly one beat: the database scheduler behind a lease in the shared cache.

Two beats would enqueue every periodic job twice. The jobs are idempotent, but the
deployment should still have one scheduler, and an operator who starts a second one by
mistake (or as a standby on another host) should not get duplicates. So a beat holds a
lease (a key in Django's cache: Redis in production, where `add` is an atomic SET NX)
and renews it on every tick; another beat waits as a standby until the lease lapses.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from django.core.cache import cache
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

LEASE_KEY = "zuofeng:beat-lease"
LEASE_SECONDS = 60
STANDBY_POLL_SECONDS = 10


def lease_holder() -> str | None:
    """Who runs the schedule now (host:pid), for the operations view and the health check."""
    holder = cache.get(LEASE_KEY)
    return str(holder) if holder else None


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler that only ticks while it holds the lease."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lease_token = f"{socket.gethostname()}:{os.getpid()}"
        if not kwargs.get("lazy"):  # the banner builds a lazy instance that never ticks
            self._acquire()
        super().__init__(*args, **kwargs)

    def _acquire(self) -> None:
        announced = False
        while not (cache.add(LEASE_KEY, self.lease_token, LEASE_SECONDS) or self._renew()):
            if not announced:
                logger.warning(
                    "Another beat (%s) runs the schedule; this one waits as a standby.",
                    lease_holder(),
                )
                announced = True
            time.sleep(STANDBY_POLL_SECONDS)
        logger.info("Beat %s holds the schedule lease.", self.lease_token)

    def _renew(self) -> bool:
        if cache.get(LEASE_KEY) != self.lease_token:
            return False
        cache.touch(LEASE_KEY, LEASE_SECONDS)
        return True

    def _keep(self) -> bool:
        """Renew the lease; False only when another beat is seen holding it."""
        if self._renew():
            return True
        holder = cache.get(LEASE_KEY)
        if holder is None:
            # No holder visible: the lease lapsed, or the cache is unreachable (it answers
            # as a miss, config/cache.py). Take it again if we can and keep ticking: stopping
            # on a cache blip would leave no beat at all.
            cache.add(LEASE_KEY, self.lease_token, LEASE_SECONDS)
            return True
        return holder == self.lease_token

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if not self._keep():
            # The lease lapsed (this process stalled) and another beat took over: stop
            # rather than run the schedule twice; the service manager restarts us as standby.
            logger.error("Beat %s lost the schedule lease; stopping.", self.lease_token)
            raise SystemExit(1)
        # Tick at least twice per lease period so the lease never lapses while we run.
        return min(super().tick(*args, **kwargs), LEASE_SECONDS / 3)

    def close(self) -> None:
        if cache.get(LEASE_KEY) == self.lease_token:
            cache.delete(LEASE_KEY)
        super().close()
