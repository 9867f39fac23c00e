"""Redis (the cache) away: reads find nothing, writes are dropped, and the portal's sign-in,
its pages and the API's reads keep answering (rate limits fail open, logged)."""

from __future__ import annotations

from django.core.cache import caches
from django.test import TestCase, override_settings
from django.urls import reverse

from accounts.roles import Role
from config.cache import ResilientRedisCache
from tests.factories import MerchantFactory, UserFactory, api_token_secret, member

NOWHERE = {
    "default": {
        "BACKEND": "config.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=NOWHERE)
class CacheOutageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.owner = member(cls.merchant, Role.OWNER, UserFactory(email="ann@x.test"))

    def test_the_cache_itself_degrades(self):
        cache = caches["default"]
        ResilientRedisCache._warned_at = 0.0  # the warning comes at most once a minute
        with self.assertLogs("config.cache", level="WARNING"):
            self.assertEqual(cache.get("k", "fallback"), "fallback")
        self.assertIsNone(cache.set("k", 1))
        self.assertFalse(cache.add("k", 1))
        self.assertEqual(cache.incr("k"), 1)

    def test_api_reads_and_portal_pages_answer(self):
        token = api_token_secret(self.merchant, role=Role.PLANNER, actor=self.owner)
        response = self.client.get(reverse("sku-list"), HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(response.status_code, 200)  # the rate limit could not count: open
        self.client.force_login(self.owner)
        self.assertEqual(
            self.client.get(reverse("inventory:sku_list", args=["shop"])).status_code, 200
        )

    def test_signing_in_still_works(self):
        response = self.client.post(
            reverse("login"), {"username": "ann@x.test", "password": "wrong"}
        )
        self.assertEqual(response.status_code, 200)  # the form again, with its error
        self.assertContains(response, "correct email")
