"""The workflow's events: each service announces its event once its transaction commits and
never on a rollback; an event's data is bounded and without customer data."""

from __future__ import annotations

import datetime as dt
import json
import types
import uuid
from decimal import Decimal
from unittest import mock

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from core import workflow_events
from forecasting import engine, night
from forecasting import services as forecasting_services
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory import services as inventory_services
from inventory.ingest import import_uploads, imports
from inventory.models import ImportJob, PurchaseOrder
from planning import alerts
from planning import services as planning_services
from planning.models import Alert
from tests.factories import (
    LocationFactory,
    SKUFactory,
    SupplierFactory,
    SupplierItemFactory,
    merchant_with,
)
from tests.planning.workflow_receivers import HEARD, Rollback


@override_settings(WORKFLOW_EVENT_RECEIVERS=["tests.planning.workflow_receivers.hear"])
class EmittedOnCommitTests(TestCase):
    """Each event type from its service: once after the commit, nothing after a rollback."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(
            Role.OWNER, slug="alpha", currency="GBP", review_period_days=7
        )
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

    @override_settings(WORKFLOW_EVENT_RECEIVERS=["tests.planning.workflow_receivers.hear"])
    def test_a_receiver_that_fails_does_not_keep_the_others_from_hearing(self):
        HEARD.clear()
        with override_settings(
            WORKFLOW_EVENT_RECEIVERS=[
                "tests.planning.workflow_receivers.deaf",
                "tests.planning.workflow_receivers.hear",
            ]
        ):
            with self.captureOnCommitCallbacks(execute=True):
                workflow_events.emit(merchant_id=1, event_type="alert.opened", data={"id": 1})
        self.assertEqual([event.type for event in HEARD], ["alert.opened"])
