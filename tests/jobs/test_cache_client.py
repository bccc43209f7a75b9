"""The cache keeps one redis client per connection pool (config/cache.py), and that client
serves threads at once and outlives a Redis restart."""

from __future__ import annotations

import threading

from config.cache import FailSoftRedisCache, SharedClientRedisCacheClient
from tests.jobs.test_broker_outage import own_redis  # noqa: F401 (the fixture: a Redis of its own)


def test_one_client_per_pool_serves_threads_and_a_restart(own_redis):  # noqa: F811
    cache = FailSoftRedisCache(own_redis.url, {"OPTIONS": {"socket_timeout": 1}})
    client = cache._cache
    assert isinstance(client, SharedClientRedisCacheClient)
    assert client.get_client() is client.get_client(write=True)  # one server: one pool

    failures: list[str] = []

    def worker(n: int) -> None:
        for i in range(50):
            cache.set(f"k{n}:{i}", (n, i), 30)
            if cache.get(f"k{n}:{i}") != (n, i):
                failures.append(f"{n}:{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert cache.add("counter", 0, 30) and cache.incr("counter") == 1

    # The same client after Redis restarts (empty: it keeps nothing on disk).
    own_redis.stop()
    own_redis.start()
    import config.cache

    config.cache._down_until = 0.0
    cache.set("after", "restart", 30)
    assert cache.get("after") == "restart"
    assert client.get_client() is client.get_client()
