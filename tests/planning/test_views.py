"""The orders page: suggestions grouped by supplier, decided in bulk, quantities edited,
approved lines exported; viewers read only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from unittest import mock

import numpy as np
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from planning.models import Alert, ReorderSuggestion
from tests import factories
from tests.planning.alert_support import assert_still_open
from tests.stores import PlannerAndViewerTestCase


class OrdersPageTests(PlannerAndViewerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        location = cls.warehouse
        acme = factories.SupplierFactory(merchant=cls.merchant, code="ACME", name="Acme")
        bolt = factories.SupplierFactory(merchant=cls.merchant, code="BOLT", name="Bolt")
        run = factories.succeeded_run(cls.merchant)
        cls.mug, cls.jug = factories.suggestions_for_new_skus(
            cls.merchant, run, location, {"MUG": acme, "=JUG": bolt}
        )

    def url(self, name, *args):
        return reverse(f"planning:{name}", args=[self.merchant.slug, *args])

    def status_of(self, suggestion) -> str:
        with tenant_context(self.merchant):
            return (
                ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=suggestion.pk).status
            )

    def test_grouped_by_supplier_with_their_totals(self):
        self.client.force_login(self.viewer)
        self.client.get(self.url("suggestions"))  # the session settles
        with CaptureQueriesContext(connection) as two:
            response = self.client.get(self.url("suggestions"))
        location = factories.LocationFactory(merchant=self.merchant, code="SHOP")
        for code in ("A", "B", "C"):
            factories.reorder_suggestion(
                self.merchant,
                self.mug.forecast_run,
                factories.SKUFactory(merchant=self.merchant, code=code),
                location,
                None,
            )
        with CaptureQueriesContext(connection) as five:
            self.client.get(self.url("suggestions"))
        self.assertEqual(len(two), len(five))  # no query per line
        self.assertContains(response, "Acme")
        self.assertContains(response, "Bolt")
        self.assertContains(response, "48.00")  # 24 x 2 per supplier
        # the line's cost is 48.00 too: the supplier's own heading carries its total, one
        # line of 24 at 2 each; the card adds both suppliers' lines, 2 x 48
        self.assertContains(response, 'Acme <span class="sub">ACME</span> · £48.00</h2>')
        self.assertContains(response, 'Bolt <span class="sub">BOLT</span> · £48.00</h2>')
        self.assertContains(response, '<div class="value" data-total>£96.00</div>')
        self.assertNotContains(response, 'name="decision"')  # viewers cannot decide

    def test_a_planner_edits_approves_and_rejects_and_exports(self):
        self.client.force_login(self.planner)
        self.client.post(self.url("suggestion_quantity", self.mug.pk), {"quantity": "25"})
        self.client.post(
            self.url("suggestions_decide"), {"ids": [self.mug.pk], "decision": "approve"}
        )
        response = self.client.post(
            self.url("suggestions_decide"),
            {"ids": [self.jug.pk], "decision": "reject"},
            follow=True,
        )
        self.assertContains(response, "Say why")
        self.assertEqual(self.status_of(self.jug), "proposed")
        self.client.post(
            self.url("suggestions_decide"),
            {"ids": [self.jug.pk], "decision": "reject", "reason": "Seasonal line ended"},
        )
        self.assertEqual(
            (self.status_of(self.mug), self.status_of(self.jug)), ("approved", "rejected")
        )
        exported = self.client.get(self.url("suggestions_export") + "?status=approved")
        rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
        self.assertEqual([(r["sku"], r["quantity"]) for r in rows], [("MUG", "36.000")])
        rejected = self.client.get(self.url("suggestions_export") + "?status=rejected")
        self.assertIn("'=JUG", rejected.content.decode())  # no formula reaches a spreadsheet

    def test_a_viewer_cannot_decide(self):
        self.client.force_login(self.viewer)
        response = self.client.post(
            self.url("suggestions_decide"), {"ids": [self.mug.pk], "decision": "approve"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.status_of(self.mug), "proposed")
        # nor change a quantity: read back from the database (self.mug is the object as it
        # was created, so comparing with it could never fail)
        response = self.client.post(
            self.url("suggestion_quantity", self.mug.pk), {"quantity": "60"}
        )
        self.assertEqual(response.status_code, 403)
        with tenant_context(self.merchant):
            stored = ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=self.mug.pk)
        self.assertEqual(stored.quantity, Decimal("24"))

    def test_long_lists_come_in_pages_and_the_totals_count_every_line(self):
        from planning.views import SuggestionsView

        self.client.force_login(self.viewer)
        with mock.patch.object(SuggestionsView, "page_size", 1):
            first = self.client.get(self.url("suggestions"))
            second = self.client.get(self.url("suggestions"), {"page": 2})
        self.assertContains(first, "Lines 1\u20131 of 2")  # an en dash
        self.assertContains(first, "MUG")
        self.assertNotContains(first, "=JUG")
        self.assertContains(second, "=JUG")
        for page in (first, second):
            self.assertContains(page, "£96.00")  # both lines, whichever page

    def test_each_line_shows_the_shap_values_of_its_forecast(self):
        with tenant_context(self.merchant):
            SeriesForecast.objects.create(
                merchant=self.merchant, run=self.mug.forecast_run, sku=self.mug.sku,
                location=self.mug.location, first_date=dt.date(2024, 7, 1),
                model="transformer+tsb@0.85",
                quantiles=SeriesForecast.pack(np.ones((15, 56))),
                explanation={
                    "forecast": 140.0, "days": 28, "base_value": 100.0,
                    "model": "transformer+tsb@0.85",
                    "groups": [
                        {"name": "weekly", "label": "Weekly pattern", "value": 12.5},
                        {"name": "level", "label": "Level", "value": 30.0},
                        {"name": "price", "label": "Price", "value": -2.5},
                        {"name": "trend", "label": "Trend", "value": 0.1},
                    ],
                },
            )  # fmt: skip
        self.client.force_login(self.viewer)
        response = self.client.get(self.url("suggestions"))
        self.assertContains(
            response,
            "Forecast 140 over 28 days: level +30, weekly pattern +12.5, price -2.5</summary>",
        )
        self.assertNotContains(response, "trend +0.1")  # only the largest parts
        self.assertContains(response, "Why this forecast")  # the unexplained line links on


class AlertsPageTests(PlannerAndViewerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        location = cls.warehouse
        with tenant_context(cls.merchant):
            cls.alerts = [
                Alert.objects.create(
                    merchant=cls.merchant,
                    kind=Alert.Kind.STOCK_OUT,
                    location=location,
                    sku=factories.SKUFactory(merchant=cls.merchant, code=f"SKU{i}"),
                    details={
                        "date": "2024-07-07",
                        "probability": 0.8,
                        "lost_units": 4.0,
                        "lost_revenue": 20.0,
                    },
                )
                for i in range(5)
            ]
            cls.stale = Alert.objects.create(
                merchant=cls.merchant, kind=Alert.Kind.STALE_DATA,
                details={"days": 6, "last_data_at": "2024-07-01T08:00+00:00"},
            )  # fmt: skip

    def url(self, name):
        return reverse(f"planning:{name}", args=[self.merchant.slug])

    def test_the_inbox_lists_and_filters_in_a_fixed_number_of_queries(self):
        self.client.force_login(self.viewer)
        self.client.get(self.url("alerts"))  # the session settles
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url("alerts"))
        self.assertContains(response, "SKU4")
        self.assertContains(response, "Runs out around 7 Jul 2024 (80% chance)")
        self.assertContains(response, "No new sales or stock data for 6 days")
        self.assertNotContains(response, 'name="ids"')  # viewers cannot act
        with tenant_context(self.merchant):
            Alert.objects.create(
                merchant=self.merchant, kind=Alert.Kind.OVERSTOCK, location=self.alerts[0].location,
                sku=self.alerts[0].sku, details={"days_of_cover": 400, "capital": 10.0},
            )  # fmt: skip
        with CaptureQueriesContext(connection) as more:
            self.client.get(self.url("alerts"))
        self.assertEqual(len(more), len(queries))  # no query per alert
        response = self.client.get(self.url("alerts"), {"kind": "stale_data"})
        self.assertContains(response, "whole store")
        self.assertNotContains(response, "SKU4")

    def test_the_groups_show_the_largest_stock_outs_and_say_how_many_more(self):
        from unittest import mock

        from planning.views import AlertsView

        with tenant_context(self.merchant):
            for rank, alert in enumerate(self.alerts):
                Alert.objects.for_merchant(self.merchant).filter(pk=alert.pk).update(
                    money_at_risk=10 * (rank + 1)
                )
        self.client.force_login(self.viewer)
        with mock.patch.object(AlertsView, "group_rows", 2):
            response = self.client.get(self.url("alerts"))
        self.assertContains(response, "The largest 2 of 5")
        self.assertContains(response, "SKU4")  # the most money at risk
        self.assertContains(response, "SKU3")
        self.assertNotContains(response, "SKU0")
        # ungrouped, every stock-out pages through
        response = self.client.get(self.url("alerts"), {"group": "off"})
        self.assertContains(response, "SKU0")

    def test_a_planner_snoozes_and_resolves_in_bulk(self):
        self.client.force_login(self.planner)
        until = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
        ids = [alert.pk for alert in self.alerts[:3]]
        response = self.client.post(
            self.url("alerts_act"), {"ids": ids, "action": "snooze", "until": until}
        )
        self.assertRedirects(response, self.url("alerts"), fetch_redirect_response=False)
        self.client.post(self.url("alerts_act"), {"ids": [self.stale.pk], "action": "resolve"})
        with tenant_context(self.merchant):
            states = sorted(
                Alert.objects.for_merchant(self.merchant).values_list("state", flat=True)
            )
        self.assertEqual(states, ["open", "open", "resolved", "snoozed", "snoozed", "snoozed"])
        response = self.client.get(self.url("alerts"), {"state": "snoozed"})
        self.assertContains(response, "Snoozed until", count=3)

    def test_a_viewer_cannot_act(self):
        self.client.force_login(self.viewer)
        response = self.client.post(
            self.url("alerts_act"), {"ids": [self.stale.pk], "action": "resolve"}
        )
        self.assertEqual(response.status_code, 403)
        assert_still_open(self, self.stale)


class DashboardPanelTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.viewer = factories.merchant_with(Role.VIEWER, slug="shop")
        cls.location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        acme = factories.SupplierFactory(merchant=cls.merchant, code="ACME")
        with tenant_context(cls.merchant):
            cls.forecast = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED, series_count=12
            )
        cls.skus = [factories.SKUFactory(merchant=cls.merchant, code=f"S{i}") for i in range(6)]
        for sku in cls.skus[:2]:  # 24 units at 2 each: 48 a line
            factories.reorder_suggestion(cls.merchant, cls.forecast, sku, cls.location, acme)
        factories.reorder_suggestion(
            cls.merchant, cls.forecast, cls.skus[2], cls.location, acme, cut_by_budget=True
        )
        with tenant_context(cls.merchant):
            for sku, kind, details in [
                (cls.skus[3], "stock_out", {"lost_revenue": 120.5}),
                (cls.skus[4], "stock_out", {"lost_revenue": 30.0}),
                (cls.skus[5], "overstock", {"capital": 999.0}),
                (cls.skus[5], "anomaly", {"actual_units": 9}),
            ]:
                Alert.objects.create(
                    merchant=cls.merchant, kind=kind, sku=sku, location=cls.location,
                    details=details,
                )  # fmt: skip

    def text(self) -> str:
        response = self.client.get(reverse("inventory:dashboard", args=["shop"]))
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))

    def test_the_dashboard_says_what_to_act_on_in_a_fixed_number_of_queries(self):
        self.client.force_login(self.viewer)
        text = self.text()
        self.assertIn("2 SKUs expected to run out in the next 14 days · £151 of sales", text)
        self.assertIn("£999 tied up in overstock (1 SKU)", text)
        self.assertIn("£96 to order: 2 lines from 1 supplier (1 over budget)", text)
        self.assertIn("1 other open alerts", text)
        self.assertIn("Last forecast run: done", text)
        with CaptureQueriesContext(connection) as few:
            self.text()
        with tenant_context(self.merchant):
            for sku in self.skus[:3]:
                Alert.objects.create(
                    merchant=self.merchant, kind="overstock", sku=sku, location=self.location,
                    details={"capital": 1.0},
                )  # fmt: skip
        with CaptureQueriesContext(connection) as more:
            self.assertIn("£1,002 tied up in overstock (4 SKUs)", self.text())
        self.assertEqual(len(few), len(more))  # no query per alert
