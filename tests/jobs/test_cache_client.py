"""The cache keeps one redis client per connection pool (config/cache.py), and that client
serves threads at once and outlives a Redis restart."""

from __future__ import annotations

import shutil
import threading

import pytest

from config.cache import FailSoftRedisCache, SharedClientRedisCacheClient
from tests.jobs.conftest import IN_CI
from tests.jobs.test_broker_outage import OwnRedis


@pytest.fixture
def redis_of_our_own(tmp_path):
    if not shutil.which("redis-server"):
        if IN_CI:
            pytest.fail("CI needs redis-server to start a Redis of the test's own")
        pytest.skip("needs redis-server")
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_one_client_per_pool_serves_threads_and_a_restart(redis_of_our_own):
    cache = FailSoftRedisCache(redis_of_our_own.url, {"OPTIONS": {"socket_timeout": 1}})
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
    redis_of_our_own.stop()
    redis_of_our_own.start()
    import config.cache

    config.cache._down_until = 0.0
    cache.set("after", "restart", 30)
    assert cache.get("after") == "restart"
    assert client.get_client() is client.get_client()
