"""Per-merchant rate limits against noisy neighbours: requests a minute per store across all
its tokens and members (API_MERCHANT_RATE_LIMIT, counted atomically, reported in RateLimit
headers, 429 with Retry-After). The limit binds the store that reached it, never another."""

from __future__ import annotations

import re
import threading
import uuid
from types import SimpleNamespace
from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from accounts.api.throttling import FixedWindowRateThrottle, MerchantRateThrottle
from accounts.roles import Role
from tests.api_calls import ApiCalls
from tests.factories import MerchantFactory, api_token_secret, merchant_with
from tests.security.quota_support import (
    BURST,
    LOCAL_CACHE,
    NOW,
    QUOTA,
)
from tests.security.redis_cache import use_isolated_redis


@override_settings(CACHES=LOCAL_CACHE)
class MerchantRateLimitTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(Role.OWNER, slug="shop-a")
        cls.erp = api_token_secret(cls.merchant, role=Role.PLANNER, actor=cls.owner)
        cls.bi = api_token_secret(cls.merchant, role=Role.VIEWER, name="BI", actor=cls.owner)
        other = MerchantFactory(slug="shop-b")
        cls.other_token = api_token_secret(other, role=Role.PLANNER)

    def setUp(self):
        cache.clear()
        self.clock = self.patch(FixedWindowRateThrottle, "timer", return_value=NOW)
        self.limits()

    def patch(self, target, attribute, new=mock.DEFAULT, **kwargs):
        patcher = mock.patch.object(target, attribute, new, **kwargs)
        self.addCleanup(patcher.stop)
        return patcher.start()

    def limits(self, *, merchant="3/minute", caller="100000/minute"):
        self.patch(FixedWindowRateThrottle, "THROTTLE_RATES", {"merchant": merchant, "api": caller})

    def skus(self, token=None, **extra):
        return self.call("get", reverse("sku-list"), token=token, **extra)

    def test_a_store_is_limited_across_all_its_tokens_and_members(self):
        self.client.force_login(self.owner)
        answers = [
            self.skus(self.erp),
            self.skus(self.bi),
            self.skus(HTTP_X_MERCHANT="shop-a"),  # the portal's own call, with the session
            self.skus(self.bi),
            self.skus(self.erp),
        ]
        self.assertEqual([answer.status_code for answer in answers], [200, 200, 200, 429, 429])
        # another store's requests are not counted with them
        self.assertEqual(self.skus(self.other_token).status_code, 200)

    def test_a_refusal_names_the_limit_and_when_to_retry(self):
        for _ in range(3):
            self.skus(self.erp)
        refused = self.skus(self.bi)
        self.assertEqual(refused.status_code, 429)
        body = refused.json()
        retry_after = int(refused["Retry-After"])
        self.assertTrue(1 <= retry_after <= 60, retry_after)
        self.assertEqual(
            {key: body[key] for key in ("type", "policy", "limit", "window_seconds")},
            {
                "type": "http://testserver/api/v1/problems/rate-limited/",
                "policy": "merchant",
                "limit": 3,
                "window_seconds": 60,
            },
        )
        self.assertEqual(body["retry_after_seconds"], retry_after)
        self.assertIn("this store (all its API tokens and members together)", body["detail"])
        self.assertIn("3 requests a minute", body["detail"])
        self.assertIn(f'"merchant";r=0;t={retry_after}', refused["RateLimit"])

    def test_every_answer_says_the_limits_and_what_is_left(self):
        first = self.skus(self.erp)
        self.assertEqual(first["RateLimit-Policy"], '"merchant";q=3;w=60, "caller";q=100000;w=60')
        pattern = r'"merchant";r=(\d+);t=(\d+), "caller";r=(\d+);t=(\d+)'
        self.assertEqual(re.fullmatch(pattern, first["RateLimit"]).group(1, 3), ("2", "99999"))
        # an error answer too: a SKU that does not exist
        missing = self.call("get", reverse("sku-detail", args=[999999]), token=self.bi)
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(re.fullmatch(pattern, missing["RateLimit"]).group(1, 3), ("1", "99999"))
        seconds = int(re.fullmatch(pattern, first["RateLimit"]).group(2))
        self.assertTrue(1 <= seconds <= 60, seconds)

    def test_the_next_window_allows_again(self):
        for _ in range(4):
            self.skus(self.erp)
        self.assertEqual(self.skus(self.erp).status_code, 429)
        self.clock.return_value = NOW + 60
        self.assertEqual(self.skus(self.erp).status_code, 200)

    def test_each_caller_keeps_its_own_lower_limit(self):
        self.limits(merchant="100/minute", caller="2/minute")
        codes = [self.skus(self.erp).status_code for _ in range(3)]
        self.assertEqual(codes, [200, 200, 429])
        refused = self.skus(self.erp).json()
        self.assertEqual(refused["policy"], "caller")
        self.assertEqual(self.skus(self.bi).status_code, 200)  # the store's other token


class ArriveTogether:
    """The cache, except that a request's first write of a count (``set``, ``incr``) waits
    until every request of the burst has reached one: each has read whatever it reads before
    any count changes, the widest race there is, every time, without sleeping. A count read
    and then written back lets every request of the burst through; one atomic increment
    numbers them 1, 2, 3 ..."""

    def __init__(self, real, parties: int):
        self._real = real
        self._barrier = threading.Barrier(parties, timeout=20)
        self._arrived = threading.local()

    def __getattr__(self, name):
        return getattr(self._real, name)

    def _arrive(self):
        if not getattr(self._arrived, "done", False):
            self._arrived.done = True
            self._barrier.wait()

    def set(self, *args, **kwargs):
        self._arrive()
        return self._real.set(*args, **kwargs)

    def incr(self, *args, **kwargs):
        self._arrive()
        return self._real.incr(*args, **kwargs)


class ConcurrentRequestsMixin:
    def test_a_burst_of_one_store_gets_exactly_its_quota(self):
        view = SimpleNamespace(merchant=SimpleNamespace(pk=uuid.uuid4().int % 10**9))
        allowed = []
        lock = threading.Lock()

        def request():
            throttle = MerchantRateThrottle()
            result = throttle.allow_request(SimpleNamespace(), view)
            with lock:
                allowed.append(result)

        threads = [threading.Thread(target=request) for _ in range(BURST)]
        with (
            mock.patch.object(
                MerchantRateThrottle, "THROTTLE_RATES", {"merchant": f"{QUOTA}/minute"}
            ),
            mock.patch.object(FixedWindowRateThrottle, "timer", return_value=NOW),
            mock.patch("accounts.api.throttling.cache", ArriveTogether(cache, BURST)),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self.assertEqual(len(allowed), BURST)
        self.assertEqual(allowed.count(True), QUOTA)


@override_settings(CACHES=LOCAL_CACHE)
class LocalMemoryConcurrencyTests(ConcurrentRequestsMixin, SimpleTestCase):
    def setUp(self):
        cache.clear()


class RedisConcurrencyTests(ConcurrentRequestsMixin, SimpleTestCase):
    """The same against the Redis that REDIS_URL names (as in CI), under a key prefix of its
    own that is deleted afterwards."""

    def setUp(self):
        use_isolated_redis(self, "quota-tests")
