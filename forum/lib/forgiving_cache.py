"""The site's Redis cache, forgiving: a cache that stops answering costs speed, not pages.

Every read that cannot reach Redis is a miss and every write a no-op, so pages
are built from the database (thread fragments, settings rows) while Redis is
away. Counting (add, incr, decr) still raises: a rate limit cannot count
without it, and forum.lib.limits decides what a limit does then (posting waits,
reading goes on). Failures are counted, and logged once a minute, not once a
request.
Deletions that could not reach Redis are tried again once it answers (by this
process: a restart forgets them), so a page whose words were erased meanwhile
is not kept there until it expires.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
LOG_EVERY_SECONDS = 60


def is_cache_outage(error: BaseException | None) -> bool:
    """redis-py's connection errors, without importing redis where the cache is not Redis."""
    kind = type(error)
    return kind.__module__.startswith("redis") and kind.__name__ in (
        "ConnectionError",
        "TimeoutError",
        "BusyLoadingError",
    )


class _Outages:
    """How many cache calls failed in this process, and when the last was logged."""

    def __init__(self):
        self.count = 0
        self._logged_at = 0.0
        self._lock = threading.Lock()

    def note(self, error: BaseException, operation: str) -> None:
        with self._lock:
            self.count += 1
            now = time.monotonic()
            if now - self._logged_at < LOG_EVERY_SECONDS:
                return
            self._logged_at = now
            count = self.count
        logger.warning("The cache does not answer (%s: %s); %d failed call(s) so far.", operation, error, count)


outages = _Outages()

# The most keys whose deletion waits for Redis in one process (a thread's pages, about 40 keys per change).
MAX_UNDELETED = 10_000


class _Undeleted:
    """Keys a deletion could not reach Redis for, by version: deleted as soon as a call gets through."""

    def __init__(self):
        self.keys: set[tuple] = set()
        self._lock = threading.Lock()

    def add(self, keys_and_versions) -> None:
        wanted = set(keys_and_versions)
        with self._lock:
            room = MAX_UNDELETED - len(self.keys)
            self.keys.update(list(wanted)[:room])
        if len(wanted) > room:
            logger.error("Cache keys left undeleted while the cache is away (over %d): kept until they expire.", room)

    def take(self) -> list[tuple]:
        with self._lock:
            keys, self.keys = list(self.keys), set()
        return keys


undeleted = _Undeleted()


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache whose reads miss and writes are skipped while Redis cannot be reached."""

    def _forgive(self, operation: str, call, fallback, *, deleting=(), version=None):
        try:
            if undeleted.keys:
                self._delete_what_waited()  # before this call could read what should be gone
            return call()
        except Exception as error:
            if not is_cache_outage(error):
                raise
            outages.note(error, operation)
            undeleted.add((key, version) for key in deleting)
            return fallback

    def _delete_what_waited(self) -> None:
        waiting = undeleted.take()
        try:
            for version in {version for _key, version in waiting}:
                super().delete_many([key for key, kept in waiting if kept == version], version)
        except Exception:
            undeleted.add(waiting)  # all of them again: deleting twice is harmless
            raise

    def get(self, key, default=None, version=None):
        return self._forgive("get", lambda: super(ForgivingRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._forgive("get_many", lambda: super(ForgivingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._forgive("has_key", lambda: super(ForgivingRedisCache, self).has_key(key, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("set", lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(
            "set_many", lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("touch", lambda: super(ForgivingRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        call = lambda: super(ForgivingRedisCache, self).delete(key, version)  # noqa: E731
        return self._forgive("delete", call, False, deleting=[key], version=version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        call = lambda: super(ForgivingRedisCache, self).delete_many(keys, version)  # noqa: E731
        return self._forgive("delete_many", call, None, deleting=keys, version=version)

    def clear(self):
        return self._forgive("clear", lambda: super(ForgivingRedisCache, self).clear(), None)
