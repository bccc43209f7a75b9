"""Enqueueing that never holds a web request hostage to the broker.

A publish is tried once with short timeouts; if the broker is down the caller carries on
and the work waits in its outbox (for e-mail: Notification rows not yet e-mailed), which a
periodic task drains once the broker is back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, **kwargs: Any) -> bool:
    """Publish `task` once; on a broker failure log it and return False instead of raising."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception:
        logger.warning("could not enqueue %s; its outbox will be drained later", task.name)
        return False
    return True


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
