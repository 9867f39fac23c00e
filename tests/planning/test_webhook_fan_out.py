"""Events on webhooks: an event reaches the active endpoints that subscribe to its type,
signed, with one id on every endpoint and try; retries back off and give up."""

from __future__ import annotations

import json
import uuid

from django.test import TestCase
from django.utils import timezone

from accounts.tenancy import tenant_context
from core import workflow_events
from core.workflow_events import EVENT_TYPES
from planning import notifications, webhook_events
from planning.models import WebhookDelivery, WebhookEndpoint
from tests.factories import (
    merchants,
)
from tests.http_receiver import HeadersReceiver as Receiver


class WebhookFanOutTests(TestCase):
    """Events on their way to real (local) endpoints."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.other = merchants("alpha", "beta")

    def setUp(self):
        self.receivers = [Receiver(), Receiver()]
        for receiver in self.receivers:
            self.addCleanup(receiver.close)

    def endpoint(self, receiver, merchant=None, **fields) -> WebhookEndpoint:
        merchant = merchant or self.merchant
        with tenant_context(merchant):
            return notifications.webhook_endpoint_create(
                merchant=merchant, url=receiver.url, **fields
            )

    def deliveries(self, merchant=None) -> list[WebhookDelivery]:
        merchant = merchant or self.merchant
        with tenant_context(merchant):
            return list(WebhookDelivery.objects.for_merchant(merchant).order_by("pk"))

    def emit(self, event_type, data, merchant=None):
        with self.captureOnCommitCallbacks(execute=True):
            return workflow_events.emit(
                merchant_id=(merchant or self.merchant).pk, event_type=event_type, data=data
            )

    def test_an_endpoint_gets_only_the_types_it_subscribes_to(self):
        everything = self.endpoint(self.receivers[0])
        orders = self.endpoint(self.receivers[1], event_types=["purchase_order.sent"])
        self.assertEqual(everything.event_types, list(EVENT_TYPES))
        event = self.emit("purchase_order.sent", {"purchase_order": 7})
        self.emit("alert.opened", {"id": 3})
        sent = [(d.endpoint_id, d.event, d.event_id) for d in self.deliveries()]
        self.assertEqual(sorted(sent), sorted([
            (everything.pk, "purchase_order.sent", event.id),
            (orders.pk, "purchase_order.sent", event.id),
            (everything.pk, "alert.opened", sent[-1][2]),
        ]))  # fmt: skip
        self.assertEqual(len(self.receivers[1].received), 1)
        headers, body = self.receivers[1].received[0]
        # both endpoints hear the one event under the one id, so a receiver can dedupe
        self.assertEqual(headers["Shelfcast-Event-Id"], str(event.id))
        self.assertEqual(json.loads(body)["id"], str(event.id))
        self.assertEqual(json.loads(body)["data"], {"purchase_order": 7})
        self.assertIn("created_at", json.loads(body))

    def test_inactive_endpoints_and_other_stores_hear_nothing(self):
        endpoint = self.endpoint(self.receivers[0])
        self.endpoint(self.receivers[1], merchant=self.other)
        with tenant_context(self.merchant):
            notifications.webhook_endpoint_toggle(merchant=self.merchant, pk=endpoint.pk)
        self.emit("alert.opened", {"id": 3})
        self.assertEqual(self.deliveries(), [])
        self.assertEqual(self.deliveries(self.other), [])
        self.assertEqual([r.received for r in self.receivers], [[], []])

    def test_choosing_types_refuses_unknown_ones(self):
        endpoint = self.endpoint(self.receivers[0])
        with tenant_context(self.merchant):
            chosen = webhook_events.webhook_endpoint_events_set(
                merchant=self.merchant, pk=endpoint.pk,
                event_types=["alert.resolved", "import.finished", "alert.resolved"],
            )  # fmt: skip
            self.assertEqual(chosen.event_types, ["import.finished", "alert.resolved"])
            with self.assertRaisesMessage(Exception, "order.shipped"):
                webhook_events.webhook_endpoint_events_set(
                    merchant=self.merchant, pk=endpoint.pk, event_types=["order.shipped"]
                )
        with tenant_context(self.other), self.assertRaises(WebhookEndpoint.DoesNotExist):
            webhook_events.webhook_endpoint_events_set(
                merchant=self.other, pk=endpoint.pk, event_types=[]
            )

    def test_the_signature_verifies_and_a_tampered_body_fails(self):
        endpoint = self.endpoint(self.receivers[0])
        self.emit("import.finished", {"import": 1, "status": "succeeded"})
        ((headers, body),) = self.receivers[0].received
        signature = headers["Shelfcast-Signature"]
        self.assertTrue(notifications.signature_valid(endpoint.secret, signature, body))
        tampered = body.replace(b"succeeded", b"refused__")
        self.assertFalse(notifications.signature_valid(endpoint.secret, signature, tampered))
        stamp = int(dict(part.split("=", 1) for part in signature.split(","))["t"])
        replayed = signature.replace(f"t={stamp}", f"t={stamp + 1}")
        self.assertFalse(notifications.signature_valid(endpoint.secret, replayed, body))

    def test_retries_back_off_by_doubling_then_give_up(self):
        self.receivers[0].codes = [500] * notifications.MAX_ATTEMPTS
        self.endpoint(self.receivers[0])
        event = workflow_events.Event(
            uuid.uuid4(), "alert.opened", self.merchant.pk, {"id": 1}, timezone.now()
        )
        webhook_events.events_record([event])  # no commit: the tries are made here
        (delivery,) = self.deliveries()
        waits = [
            notifications.webhook_deliver(merchant=self.merchant, delivery_id=delivery.pk)
            for _ in range(notifications.MAX_ATTEMPTS + 1)
        ]
        first = notifications.FIRST_RETRY_SECONDS
        expected = [first * 2**n for n in range(notifications.MAX_ATTEMPTS - 1)]
        self.assertEqual(waits, [*expected, None, None])
        (delivery,) = self.deliveries()
        self.assertEqual((delivery.status, delivery.attempts), ("failed", 8))
        self.assertEqual(len(self.receivers[0].received), notifications.MAX_ATTEMPTS)
        ids = {headers["Shelfcast-Event-Id"] for headers, _ in self.receivers[0].received}
        self.assertEqual(ids, {str(event.id)})

    def test_the_test_event_reaches_an_endpoint_whatever_it_subscribes_to(self):
        endpoint = self.endpoint(self.receivers[0], event_types=[])
        with self.captureOnCommitCallbacks(execute=True), tenant_context(self.merchant):
            webhook_events.webhook_endpoint_test(merchant=self.merchant, pk=endpoint.pk)
        ((headers, body),) = self.receivers[0].received
        self.assertEqual(headers["Shelfcast-Event"], "webhook.test")
        self.assertTrue(
            notifications.signature_valid(endpoint.secret, headers["Shelfcast-Signature"], body)
        )
        with tenant_context(self.other), self.assertRaises(WebhookEndpoint.DoesNotExist):
            webhook_events.webhook_endpoint_test(merchant=self.other, pk=endpoint.pk)
