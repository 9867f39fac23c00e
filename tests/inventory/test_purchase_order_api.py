"""Purchase orders on the API, scoped to the token's store."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import PurchaseOrderEvent
from tests.factories import issued_token
from tests.inventory.purchase_order_support import PurchaseOrderTestCase, Status
from tests.world import snapshot


class ApiTests(PurchaseOrderTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.planner_token = issued_token(cls.merchant, role=Role.PLANNER, actor=cls.owner)
        cls.viewer_token = issued_token(cls.merchant, role=Role.VIEWER, name="BI", actor=cls.owner)

    def call(self, method, url, body=None, token=None, **headers):
        headers["HTTP_AUTHORIZATION"] = f"Bearer {(token or self.planner_token).secret}"
        if method == "get":
            return self.client.get(url, body or {}, **headers)
        return self.client.post(
            url, json.dumps(body or {}), content_type="application/json", **headers
        )

    def action(self, name, order=None):
        return reverse(f"purchase-order-{name}", args=[(order or self.order).pk])

    def test_list_and_detail_with_filters(self):
        response = self.call("get", reverse("purchase-order-list"), {"status": "draft"})
        self.assertEqual(response.status_code, 200, response.content)
        (row,) = response.json()["results"]
        self.assertEqual(
            (row["number"], row["status"], row["source"], row["total"]),
            ("SC-000001", "draft", "suggested", "66.0000"),  # 12 x 2.50 + 12 x 3
        )
        later = self.call(
            "get", reverse("purchase-order-list"), {"updated_since": "2999-01-01T00:00:00Z"}
        )
        self.assertEqual(later.json()["results"], [])
        detail = self.call("get", self.action("detail"))
        self.assertEqual([line["sku"] for line in detail.json()["lines"]], ["MUG", "TEAPOT"])

    def test_send_is_idempotent_and_receive_is_by_sku(self):
        key = {"HTTP_IDEMPOTENCY_KEY": "send-sc-1"}
        with self.captureOnCommitCallbacks(execute=True):
            first = self.call("post", self.action("send"), {}, **key)
        with self.captureOnCommitCallbacks(execute=True):
            second = self.call("post", self.action("send"), {}, **key)
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json()["status"], "sent")
        self.assertEqual(second["Idempotent-Replayed"], "true")
        self.assertEqual(len(mail.outbox), 1)
        again = self.call("post", self.action("send"), {})  # a new key: refused, not resent
        self.assertEqual(again.status_code, 400)
        self.assertIn("cannot be sent", again.json()["detail"])
        response = self.call(
            "post", self.action("receive"), {"lines": [{"sku": "TEAPOT", "quantity": "12"}]}
        )
        self.assertEqual(response.json()["status"], "partly_received", response.content)
        self.assertEqual(self.on_hand(self.teapot), (Decimal("12"), Decimal("0")))
        over = self.call(
            "post", self.action("receive"), {"lines": [{"sku": "MUG", "quantity": 13}]}
        )
        self.assertEqual(over.status_code, 400)
        unknown = self.call(
            "post", self.action("receive"), {"lines": [{"sku": "NOPE", "quantity": 1}]}
        )
        self.assertEqual(unknown.status_code, 400)
        self.assertEqual(self.call("post", self.action("receive"), {}).json()["status"], "received")
        with tenant_context(self.merchant):
            via = set(
                PurchaseOrderEvent.objects.for_merchant(self.merchant)
                .filter(action__in=["sent", "received"])
                .values_list("actor", "via")
            )
        self.assertEqual(via, {(self.owner.pk, f"api-token:{self.planner_token.token.prefix}")})

    def test_set_quantity_and_cancel(self):
        response = self.call("post", self.action("set-quantity"), {"sku": "MUG", "quantity": "20"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.lines()["MUG"][0], Decimal("24"))  # four packs of 6
        response = self.call("post", self.action("cancel"), {"reason": "Too early"})
        self.assertEqual(response.json()["status"], "cancelled")
        refused = self.call("post", self.action("cancel"), {})
        self.assertEqual(refused.status_code, 400)

    def test_a_viewer_token_reads_only(self):
        token = self.viewer_token
        self.assertEqual(self.call("get", self.action("detail"), token=token).status_code, 200)
        self.assertEqual(self.call("post", self.action("send"), token=token).status_code, 403)
        self.assertEqual(self.reload().status, Status.DRAFT)

    def test_another_stores_order_is_not_found(self):
        before = snapshot(self.other)
        for name, body in (("detail", None), ("send", {}), ("receive", {}), ("cancel", {})):
            method = "get" if body is None else "post"
            response = self.call(method, self.action(name, self.other_order), body)
            self.assertEqual(response.status_code, 404, name)
        self.assertEqual(snapshot(self.other), before)
        self.assertEqual(mail.outbox, [])
