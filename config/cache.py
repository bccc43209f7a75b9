"""Django's Redis cache, answering as a miss while Redis is unreachable.

Nothing in the cache must survive (rate-limit counters, a calendar cut-off, scoring
progress, the beat lease), but every page, the login and the public complaint form touch
it: with Django's own backend a Redis outage turned them all into errors. Here a failed
call is logged and answered as the cache would answer for a missing key; short socket
timeouts (settings) bound the wait for a hung Redis, and after a failure the process
leaves Redis alone for a few seconds, so one request pays that wait at most once.

Django's client also builds a new `redis.Redis` for every call, and its constructor fills a
table of some 170 reply callbacks: a public vote paid for two of them, about a tenth of its
Python time. A `redis.Redis` is safe to share between threads (each command takes a
connection from the pool and hands it back), so one per connection pool serves every call.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5.0
_down_until = 0.0  # per process: monotonic time before which Redis is not tried again


def _soft(method: Callable[..., Any], miss: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        global _down_until
        if time.monotonic() < _down_until:
            return miss(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            _down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("cache unavailable, %s answered as a miss: %s", method.__name__, exc)
            return miss(*args, **kwargs)

    return call


def _default(key: str, default: Any = None, version: int | None = None) -> Any:
    return default


def _missing_key(*args: Any, **kwargs: Any) -> Any:
    # What the backends raise for incr on a missing key; django-ratelimit expects it.
    raise ValueError("cache unavailable")


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both make one: either serves
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    add = _soft(RedisCache.add, lambda *a, **k: False)
    get = _soft(RedisCache.get, _default)
    set = _soft(RedisCache.set, lambda *a, **k: None)
    touch = _soft(RedisCache.touch, lambda *a, **k: False)
    delete = _soft(RedisCache.delete, lambda *a, **k: False)
    get_many = _soft(RedisCache.get_many, lambda *a, **k: {})
    has_key = _soft(RedisCache.has_key, lambda *a, **k: False)
    incr = _soft(RedisCache.incr, _missing_key)
    set_many = _soft(RedisCache.set_many, lambda data, *a, **k: list(data))
    delete_many = _soft(RedisCache.delete_many, lambda *a, **k: None)
    clear = _soft(RedisCache.clear, lambda *a, **k: False)
