"""Tests that must run against the real Redis (REDIS_URL, as in CI): the cache is pointed at
it under a key prefix of the test's own, whose keys are deleted afterwards, so nothing else in
that Redis is touched."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings


def use_isolated_redis(test, name: str, **overrides) -> None:
    """In ``test``'s setUp: the default cache becomes Redis under a fresh prefix (skipped
    without REDIS_URL), with ``overrides`` as further settings, all undone afterwards."""
    if not settings.REDIS_URL:
        test.skipTest("REDIS_URL is not set")
    prefix = f"{name}-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 5},
        }
    }
    changed = override_settings(CACHES=caches, **overrides)
    changed.enable()
    test.addCleanup(changed.disable)
    test.addCleanup(_forget_keys, prefix)


def _forget_keys(prefix: str) -> None:
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
