"""The workflow's events on webhooks: each service announces its event once its transaction
commits and never on a rollback; an event reaches the active endpoints that subscribe to its
type, signed, with one id on every endpoint and try, bounded and without customer data;
retries back off and give up; the portal's delivery log and test button, and the API's, are
scoped to their store."""

from __future__ import annotations

import datetime as dt
import json
import types
import uuid
from decimal import Decimal
from unittest import mock

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import api_token_create
from accounts.tenancy import tenant_context
from core import workflow_events
from core.workflow_events import EVENT_TYPES, Event
from forecasting import engine, night
from forecasting import services as forecasting_services
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory import services as inventory_services
from inventory.ingest import import_uploads, imports
from inventory.models import ImportJob, PurchaseOrder
from planning import alerts, notifications, webhook_events
from planning import services as planning_services
from planning.models import Alert, WebhookDelivery, WebhookEndpoint
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    SKUFactory,
    SupplierFactory,
    SupplierItemFactory,
    member,
)
from tests.planning.test_notifications import Receiver

HEARD: list[Event] = []


def hear(events: list[Event]) -> None:
    """A receiver for the tests (settings.WORKFLOW_EVENT_RECEIVERS)."""
    HEARD.extend(events)


def deaf(events: list[Event]) -> None:
    """A receiver that is down."""
    raise RuntimeError("receiver down")


class Rollback(Exception):
    pass


@override_settings(WORKFLOW_EVENT_RECEIVERS=["tests.planning.test_webhook_events.hear"])
class EmittedOnCommitTests(TestCase):
    """Each event type from its service: once after the commit, nothing after a rollback."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="alpha", currency="GBP", review_period_days=7)
        cls.owner = member(cls.merchant, Role.OWNER)
        with tenant_context(cls.merchant):
            planning_services.planning_settings_update(
                merchant=cls.merchant, actor=None, service_policy="classes"
            )
        cls.location = LocationFactory(merchant=cls.merchant, code="WH")
        cls.supplier = SupplierFactory(merchant=cls.merchant, code="ACME", email="o@acme.test")
        cls.mug = SKUFactory(merchant=cls.merchant, code="MUG", unit_price=Decimal("5"))
        cls.jug = SKUFactory(merchant=cls.merchant, code="JUG", unit_price=Decimal("8"))
        SupplierItemFactory(
            merchant=cls.merchant, supplier=cls.supplier, sku=cls.mug, unit_cost=Decimal("2")
        )

    def setUp(self):
        HEARD.clear()

    def committed(self, call):
        """``call`` in a transaction that commits; the events heard."""
        HEARD.clear()
        with self.captureOnCommitCallbacks(execute=True):
            result = call()
        heard = list(HEARD)
        HEARD.clear()
        return result, heard

    def assert_nothing_on_rollback(self, call) -> None:
        HEARD.clear()
        with self.captureOnCommitCallbacks(execute=True):
            with self.assertRaises(Rollback), transaction.atomic():
                call()
                raise Rollback
        self.assertEqual(HEARD, [])

    def assert_once(self, heard, event_type) -> dict:
        self.assertEqual([event.type for event in heard], [event_type])
        (event,) = heard
        self.assertEqual(event.merchant_id, self.merchant.pk)
        self.assertIsInstance(event.id, uuid.UUID)
        return event.data

    # -- forecasting -------------------------------------------------------------------------
    def new_run(self) -> ForecastRun:
        with tenant_context(self.merchant):
            return ForecastRun.objects.create(merchant=self.merchant, horizon=7)

    def test_a_forecast_run_that_succeeds(self):
        nothing = types.SimpleNamespace(
            first_date=dt.date(2024, 6, 3), rows=[], model_counts={"ets": 0}, version=None
        )

        def execute():
            run = self.new_run()
            with tenant_context(self.merchant):
                return engine.forecast_run_execute(
                    merchant=self.merchant, run_id=run.pk, chunked=False
                )

        with mock.patch.object(night, "forecast_history", return_value=nothing):
            self.assert_nothing_on_rollback(execute)
            run, heard = self.committed(execute)
        data = self.assert_once(heard, "forecast_run.finished")
        self.assertEqual((data["forecast_run"], data["status"]), (run.pk, "succeeded"))
        self.assertEqual(data["horizon"], 7)

    def test_a_forecast_run_that_fails_is_announced_once(self):
        def fail(run):
            return lambda: forecasting_services.forecast_run_fail(
                merchant=self.merchant, run_id=run.pk, message="disk gone"
            )

        self.assert_nothing_on_rollback(fail(self.new_run()))
        run = self.new_run()
        _, heard = self.committed(fail(run))
        data = self.assert_once(heard, "forecast_run.finished")
        self.assertEqual((data["status"], data["message"]), ("failed", "disk gone"))
        _, again = self.committed(fail(run))  # failing a failed run again says nothing
        self.assertEqual(again, [])

    # -- imports -----------------------------------------------------------------------------
    def queued_import(self, content: str) -> ImportJob:
        upload = SimpleUploadedFile("sales.csv", content.encode())
        job = import_uploads.import_create(
            merchant=self.merchant, resource_name="sales", upload=upload, actor=self.owner
        )
        return import_uploads.import_confirm(
            merchant=self.merchant, job=job, mapping=job.mapping, options={}
        )

    def run_import(self, content: str):
        job = self.queued_import(content)
        return lambda: imports.import_run(merchant=self.merchant, job_id=job.pk)

    def test_an_import_that_loads(self):
        good = "sku,location,date,units\nMUG,WH,2024-05-01,3\nJUG,WH,2024-05-01,1\n"
        self.assert_nothing_on_rollback(self.run_import(good))
        job, heard = self.committed(self.run_import(good))
        data = self.assert_once(heard, "import.finished")
        self.assertEqual((data["import"], data["status"]), (job.pk, "succeeded"))
        self.assertEqual((data["rows_total"], data["rows_loaded"], data["created"]), (2, 2, 2))

    def test_an_import_that_is_refused_says_its_counts_and_nothing_of_its_rows(self):
        bad = "sku,location,date,units\nMUG,WH,2024-05-01,3\njane.doe@example.com,WH,x,1\n"
        self.assert_nothing_on_rollback(self.run_import(bad))
        _, heard = self.committed(self.run_import(bad))
        data = self.assert_once(heard, "import.finished")
        self.assertEqual((data["status"], data["rows_total"], data["rows_loaded"]), (
            "refused", 2, 0
        ))  # fmt: skip
        self.assertGreater(data["problems"], 0)
        text = json.dumps(data)
        self.assertNotIn("jane", text)
        self.assertNotIn("sales.csv", text)

    # -- planning ----------------------------------------------------------------------------
    def test_a_plan_is_one_suggestion_event_however_many_lines(self):
        def plan():
            with tenant_context(self.merchant):
                run = ForecastRun.objects.create(
                    merchant=self.merchant, status="succeeded", history_end=dt.date(2024, 6, 2)
                )
                for sku in (self.mug, self.jug):
                    SeriesForecast.objects.create(
                        merchant=self.merchant, run=run, sku=sku, location=self.location,
                        first_date=dt.date(2024, 6, 3), model="ets",
                        quantiles=SeriesForecast.pack(np.full((len(LEVELS), 56), 10.0)),
                    )  # fmt: skip
                return planning_services.reorder_suggestions_plan(merchant=self.merchant, run=run)

        self.assert_nothing_on_rollback(plan)
        result, heard = self.committed(plan)
        data = self.assert_once(heard, "suggestion.created")
        self.assertEqual(result.suggestions, 2)
        self.assertEqual((data["count"], data["suppliers"], data["without_supplier"]), (2, 1, 1))
        self.assertEqual(data["currency"], "GBP")

    # -- purchase orders ---------------------------------------------------------------------
    def draft(self) -> PurchaseOrder:
        with tenant_context(self.merchant):
            return inventory_services.purchase_order_draft_add(
                merchant=self.merchant, supplier_id=self.supplier.pk,
                location_id=self.location.pk, actor=self.owner,
                lines=[inventory_services.DraftLine(sku_id=self.mug.pk, quantity=Decimal("10"))],
            )  # fmt: skip

    def step(self, function, order, **arguments):
        def call():
            with tenant_context(self.merchant):
                return function(merchant=self.merchant, pk=order.pk, actor=self.owner, **arguments)

        return call

    def test_each_state_of_a_purchase_order(self):
        self.assert_nothing_on_rollback(self.draft)
        order, heard = self.committed(self.draft)
        data = self.assert_once(heard, "purchase_order.created")
        self.assertEqual((data["number"], data["status"], data["supplier"], data["location"]), (
            order.number, "draft", "ACME", "WH"
        ))  # fmt: skip
        _, heard = self.committed(self.draft)  # lines added to the same draft: no new state
        self.assertEqual(heard, [])
        send = self.step(inventory_services.purchase_order_send, order, email=False)
        self.assert_nothing_on_rollback(send)
        _, heard = self.committed(send)
        data = self.assert_once(heard, "purchase_order.sent")
        self.assertEqual(data["previous_status"], "draft")
        self.assertNotIn("o@acme.test", json.dumps(data))
        with tenant_context(self.merchant):
            (line,) = order.lines.all()
        part = self.step(
            inventory_services.purchase_order_receive, order, quantities={line.pk: Decimal("3")}
        )
        self.assert_nothing_on_rollback(part)
        _, heard = self.committed(part)
        self.assertEqual(self.assert_once(heard, "purchase_order.partly_received")["status"], (
            "partly_received"
        ))  # fmt: skip
        rest = self.step(inventory_services.purchase_order_receive, order, quantities=None)
        _, heard = self.committed(rest)
        data = self.assert_once(heard, "purchase_order.received")
        self.assertEqual(data["previous_status"], "partly_received")
        other = self.draft()
        HEARD.clear()
        cancel = self.step(inventory_services.purchase_order_cancel, other)
        self.assert_nothing_on_rollback(cancel)
        _, heard = self.committed(cancel)
        self.assertEqual(self.assert_once(heard, "purchase_order.cancelled")["purchase_order"], (
            other.pk
        ))  # fmt: skip

    # -- alerts ------------------------------------------------------------------------------
    def test_alerts_opened_and_resolved_by_the_checks(self):
        with tenant_context(self.merchant):
            failed = ForecastRun.objects.create(
                merchant=self.merchant, status="failed", message="disk gone"
            )

        def refresh():
            with tenant_context(self.merchant):
                return alerts.merchant_alerts_refresh(merchant=self.merchant)

        self.assert_nothing_on_rollback(refresh)
        counts, heard = self.committed(refresh)
        self.assertEqual(counts.opened, 1)
        data = self.assert_once(heard, "alert.opened")
        self.assertEqual((data["kind"], data["state"]), ("failed_job", "open"))
        _, heard = self.committed(refresh)  # still failed: nothing new
        self.assertEqual(heard, [])
        with tenant_context(self.merchant):
            ForecastRun.objects.create(merchant=self.merchant, status="succeeded")
            ForecastRun.objects.for_merchant(self.merchant).filter(pk=failed.pk).update(
                created_at=timezone.now() - dt.timedelta(hours=1)
            )
        self.assert_nothing_on_rollback(refresh)
        _, heard = self.committed(refresh)
        data = self.assert_once(heard, "alert.resolved")
        self.assertEqual(data["state"], "resolved")
        self.assertIsNotNone(data["resolved_at"])

    def test_an_alert_resolved_by_the_merchant(self):
        with tenant_context(self.merchant):
            alert = Alert.objects.create(
                merchant=self.merchant, kind=Alert.Kind.STOCK_OUT, sku=self.mug,
                location=self.location, details={"lost_units": 3.0},
            )  # fmt: skip

        def act(action):
            def call():
                with tenant_context(self.merchant):
                    return alerts.alerts_act(
                        merchant=self.merchant, pks=[alert.pk], action=action, actor=self.owner
                    )

            return call

        _, heard = self.committed(act(alerts.ACKNOWLEDGE))
        self.assertEqual(heard, [])  # acknowledging is no event
        self.assert_nothing_on_rollback(act(alerts.RESOLVE))
        _, heard = self.committed(act(alerts.RESOLVE))
        data = self.assert_once(heard, "alert.resolved")
        self.assertEqual((data["id"], data["sku"]["code"]), (alert.pk, "MUG"))


class BoundedDataTests(TestCase):
    def test_data_past_the_bound_keeps_its_scalars_and_says_truncated(self):
        small = {"count": 2, "cost": Decimal("1.50"), "day": dt.date(2024, 6, 3)}
        self.assertEqual(
            workflow_events.bounded(small), {"count": 2, "cost": "1.50", "day": "2024-06-03"}
        )
        large = {"count": 2, "lines": ["x" * 100] * 1000, "note": "y" * 50_000}
        kept = workflow_events.bounded(large)
        self.assertEqual(kept, {"count": 2, "note": "y" * 200, "truncated": True})
        self.assertLessEqual(
            len(workflow_events.encoded(kept).encode()), workflow_events.MAX_DATA_BYTES
        )

    def test_an_unknown_event_type_is_refused(self):
        with self.assertRaises(ValueError):
            workflow_events.emit(merchant_id=1, event_type="order.shipped", data={})

    @override_settings(WORKFLOW_EVENT_RECEIVERS=["tests.planning.test_webhook_events.hear"])
    def test_a_receiver_that_fails_does_not_keep_the_others_from_hearing(self):
        HEARD.clear()
        with override_settings(
            WORKFLOW_EVENT_RECEIVERS=[
                "tests.planning.test_webhook_events.deaf",
                "tests.planning.test_webhook_events.hear",
            ]
        ):
            with self.captureOnCommitCallbacks(execute=True):
                workflow_events.emit(merchant_id=1, event_type="alert.opened", data={"id": 1})
        self.assertEqual([event.type for event in HEARD], ["alert.opened"])


class WebhookFanOutTests(TestCase):
    """Events on their way to real (local) endpoints."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="alpha")
        cls.other = MerchantFactory(slug="beta")

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


class WebhookPortalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="alpha")
        cls.owner = member(cls.merchant, Role.OWNER)
        cls.viewer = member(cls.merchant, Role.VIEWER)
        cls.other = MerchantFactory(slug="beta")
        cls.other_owner = member(cls.other, Role.OWNER)
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
        cls.merchant = MerchantFactory(slug="alpha")
        owner = member(cls.merchant, Role.OWNER)
        cls.token = api_token_create(
            merchant=cls.merchant, name="Admin", role=Role.OWNER, actor=owner
        ).secret
        cls.other = MerchantFactory(slug="beta")
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
