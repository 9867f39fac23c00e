"""The cache (Redis) as something the service can live without for a while: when Redis does
not answer, a read finds nothing and a write is dropped, with a warning in the log, instead
of the request failing. What uses the cache is built for that: rate limits and sign-in
throttling count nothing while Redis is away (they fail open, logged), and an import's
progress bar shows no figure. Pages and API reads keep answering."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
WARN_EVERY_SECONDS = 60


class ResilientRedisCache(RedisCache):
    _warned_at = 0.0

    def _unavailable(self, operation: str, error: Exception, default=None):
        now = time.monotonic()
        if now - ResilientRedisCache._warned_at > WARN_EVERY_SECONDS:
            ResilientRedisCache._warned_at = now
            logger.warning("cache unavailable (%s on %s); going on without it",
                           type(error).__name__, operation)  # fmt: skip
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as error:
            return self._unavailable("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as error:
            return self._unavailable("get_many", error, {})

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNAVAILABLE as error:
            return self._unavailable("set", error)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as error:
            return self._unavailable("add", error, False)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            return self._unavailable("incr", error, delta)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE as error:
            return self._unavailable("delete", error, False)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as error:
            return self._unavailable("touch", error, False)
