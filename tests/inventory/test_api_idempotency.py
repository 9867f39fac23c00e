"""The ERP sync API's idempotency keys and its per-token rate limit."""

from __future__ import annotations

import uuid
from unittest import mock

from django.urls import reverse

from accounts.roles import Role
from inventory.models import SKU
from tests.factories import MerchantFactory, api_token_secret
from tests.inventory.api_support import (
    ApiTestCase,
)


class IdempotencyTests(ApiTestCase):
    def test_retry_replays_and_writes_nothing(self):
        key = str(uuid.uuid4())
        rows = [{"code": "I1", "name": "Once"}]
        first = self.bulk("sku", rows, **{"Idempotency-Key": key})
        self.bulk("sku", [{"code": "I1", "name": "Changed meanwhile"}])  # another write
        retry = self.bulk("sku", rows, **{"Idempotency-Key": key})
        self.assertEqual(retry.status_code, 200)
        self.assertEqual(retry.json(), first.json())
        self.assertEqual(retry["Idempotent-Replayed"], "true")
        self.assertEqual(self.in_db(SKU, code="I1")[0].name, "Changed meanwhile")

    def test_same_key_other_payload_is_422(self):
        key = "order-sync-42"
        self.bulk("sku", [{"code": "K", "name": "One"}], **{"Idempotency-Key": key})
        response = self.bulk("sku", [{"code": "K", "name": "Two"}], **{"Idempotency-Key": key})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.in_db(SKU, code="K")[0].name, "One")

    def test_a_refused_batch_is_not_remembered(self):
        key = "fix-and-retry"
        bad = self.bulk("sku", [{"code": "", "name": "x"}], **{"Idempotency-Key": key})
        self.assertEqual(bad.status_code, 400)
        again = self.bulk("sku", [{"code": "", "name": "x"}], **{"Idempotency-Key": key})
        self.assertEqual(again.status_code, 400)
        self.assertNotIn("Idempotent-Replayed", again)

    def test_keys_belong_to_one_merchant(self):
        other = MerchantFactory(slug="elsewhere")
        other_token = api_token_secret(other, role=Role.OWNER, name="t")
        self.bulk("sku", [{"code": "M", "name": "Mine"}], **{"Idempotency-Key": "shared"})
        response = self.client.post(
            reverse("sku-bulk"),
            '[{"code": "T", "name": "Theirs"}]',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {other_token}",
            HTTP_IDEMPOTENCY_KEY="shared",
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["created"], 1)


class ThrottleTests(ApiTestCase):
    def test_a_token_is_limited_per_minute(self):
        from accounts.api.throttling import CallerRateThrottle

        with (
            mock.patch.object(CallerRateThrottle, "THROTTLE_RATES", {"api": "3/minute"}),
            # one instant: the requests cannot straddle two windows
            mock.patch.object(CallerRateThrottle, "timer", return_value=1_800_000_000.0),
        ):
            codes = [self.call("get", "sku-list").status_code for _ in range(5)]
        self.assertEqual(codes, [200, 200, 200, 429, 429])
