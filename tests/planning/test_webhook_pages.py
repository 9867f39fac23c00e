"""The webhook delivery log and test button, on the portal and the API, scoped to their
store."""

from __future__ import annotations

import json
import uuid

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from planning import notifications
from planning.models import WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.http_receiver import HeadersReceiver as Receiver


class WebhookPortalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="alpha")
        cls.viewer = factories.member(cls.merchant, Role.VIEWER)
        cls.other = factories.MerchantFactory(slug="beta")
        cls.other_owner = factories.member(cls.other, Role.OWNER)
        with tenant_context(cls.other):
            cls.other_endpoint = WebhookEndpoint.objects.create(
                merchant=cls.other, url="http://127.0.0.1:9/beta", secret="b" * 64,
                event_types=["alert.opened"],
            )  # fmt: skip

    def setUp(self):
        self.receiver = Receiver(codes=[503])
        self.addCleanup(self.receiver.close)
        with tenant_context(self.merchant):
            self.endpoint = notifications.webhook_endpoint_create(
                merchant=self.merchant, url=self.receiver.url
            )
        self.client.force_login(self.owner)

    def url(self, name="planning:webhook_detail", endpoint=None, slug="alpha"):
        return reverse(name, args=[slug, (endpoint or self.endpoint).pk])

    def log(self, count: int) -> None:
        with tenant_context(self.merchant):
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    merchant=self.merchant,
                    endpoint=self.endpoint,
                    event="alert.opened",
                    event_id=uuid.uuid4(),
                    payload={},
                    status="delivered",
                    attempts=2,
                    response_code=204,
                )
                for _ in range(count)
            )

    def test_the_log_shows_event_answer_attempts_and_time_in_few_queries(self):
        self.log(1)
        self.queries()  # the first page of a session also records its store in the session
        few = self.queries()
        self.log(30)
        self.assertEqual(self.queries(), few)  # no query per delivery
        page = self.client.get(self.url())
        self.assertContains(page, "<td><code>alert.opened</code></td>", count=31)
        self.assertContains(page, '<td class="num">204</td>', count=31)
        self.assertContains(page, "Send test event")

    def queries(self) -> int:
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(self.url()).status_code, 200)
        return len(captured)

    def test_the_test_button_sends_and_logs_a_test_event(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("planning:webhook_test"))
        self.assertRedirects(response, self.url())
        ((headers, _body),) = self.receiver.received
        self.assertEqual(headers["Shelfcast-Event"], "webhook.test")
        page = self.client.get(self.url())
        self.assertContains(page, "webhook.test")
        self.assertContains(page, "HTTP 503")  # answered 503: pending, tried again later
        self.assertContains(page, '<td class="num">503</td>')

    def test_the_event_types_are_chosen_on_the_page(self):
        response = self.client.post(
            self.url(), {"event_types": ["alert.opened", "purchase_order.sent"]}
        )
        self.assertRedirects(response, self.url())
        with tenant_context(self.merchant):
            self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.event_types, ["purchase_order.sent", "alert.opened"])
        page = self.client.get(self.url())
        self.assertContains(page, 'value="alert.opened" checked')
        self.assertContains(page, 'value="import.finished">')

    def test_another_stores_endpoint_is_not_found_and_stays_as_it_was(self):
        with self.captureOnCommitCallbacks(execute=True):
            responses = [
                self.client.get(self.url(endpoint=self.other_endpoint)),
                self.client.post(
                    self.url(endpoint=self.other_endpoint), {"event_types": ["alert.resolved"]}
                ),
                self.client.post(self.url("planning:webhook_test", endpoint=self.other_endpoint)),
            ]
        self.assertEqual([response.status_code for response in responses], [404, 404, 404])
        with tenant_context(self.other):
            self.other_endpoint.refresh_from_db()
        self.assertEqual(self.other_endpoint.event_types, ["alert.opened"])
        with tenant_context(self.other):
            self.assertFalse(WebhookDelivery.objects.for_merchant(self.other).exists())
        # the other store's owner, through their own store's URL, finds it
        self.client.force_login(self.other_owner)
        page = self.client.get(self.url(endpoint=self.other_endpoint, slug="beta"))
        self.assertEqual(page.status_code, 200)
        # ...and not ours through theirs
        self.assertEqual(self.client.get(self.url(slug="beta")).status_code, 404)

    def test_permissions(self):
        self.client.logout()
        self.assertEqual(self.client.get(self.url()).status_code, 302)  # to sign in
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.assertEqual(self.client.post(self.url("planning:webhook_test")).status_code, 403)
        with tenant_context(self.merchant):
            self.assertFalse(WebhookDelivery.objects.for_merchant(self.merchant).exists())

    def test_the_settings_page_links_each_endpoint_to_its_log(self):
        page = self.client.get(reverse("planning:settings", args=["alpha"]))
        self.assertContains(page, self.url())


class WebhookApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory(slug="alpha")
        cls.token = factories.api_token_secret(cls.merchant, role=Role.OWNER, name="Admin")
        cls.other = factories.MerchantFactory(slug="beta")
        with tenant_context(cls.other):
            cls.other_endpoint = WebhookEndpoint.objects.create(
                merchant=cls.other, url="http://127.0.0.1:9/beta", secret="b" * 64
            )

    def setUp(self):
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)

    def call(self, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if method == "get":
            return self.client.get(url, body or {}, **headers)
        return getattr(self.client, method)(
            url, json.dumps(body or {}), content_type="application/json", **headers
        )

    def test_subscriptions_test_event_and_delivery_log(self):
        created = self.call(
            "post",
            reverse("webhook-endpoint-list"),
            {"url": self.receiver.url, "event_types": ["alert.resolved", "alert.opened"]},
        )
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["event_types"], ["alert.opened", "alert.resolved"])
        pk = created.json()["id"]
        bad = self.call(
            "patch", reverse("webhook-endpoint-detail", args=[pk]), {"event_types": ["nope"]}
        )
        self.assertEqual(bad.status_code, 400)
        changed = self.call(
            "patch", reverse("webhook-endpoint-detail", args=[pk]), {"event_types": []}
        )
        self.assertEqual(changed.json()["event_types"], [])
        with self.captureOnCommitCallbacks(execute=True):
            tested = self.call("post", reverse("webhook-endpoint-test", args=[pk]))
        self.assertEqual(tested.status_code, 202, tested.content)
        self.assertEqual(tested.json()["event"], "webhook.test")
        self.assertEqual(len(self.receiver.received), 1)
        log = self.call("get", reverse("webhook-delivery-list"), {"endpoint": pk})
        (row,) = log.json()["results"]
        self.assertEqual((row["event"], row["status"], row["attempts"]), (
            "webhook.test", "delivered", 1
        ))  # fmt: skip
        self.assertEqual(row["response_code"], 200)
        only = self.call("get", reverse("webhook-delivery-list"), {"event": "alert.opened"})
        self.assertEqual(only.json()["results"], [])

    def test_another_stores_endpoint_is_not_found(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.call("post", reverse("webhook-endpoint-test", args=[
                self.other_endpoint.pk
            ]))  # fmt: skip
        self.assertEqual(response.status_code, 404)
        with tenant_context(self.other):
            self.assertFalse(WebhookDelivery.objects.for_merchant(self.other).exists())
