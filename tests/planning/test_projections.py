"""The order the plan suggests, in a SKU's stock projection: which lines count (those still to
be placed), when they arrive, and the SKU's forecast page projecting stock with and without
the suggested order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.quantiles import LEVELS
from inventory.models import PurchaseOrder
from planning.models import ReorderSuggestion
from planning.projections import suggested_orders
from tests import factories

FIRST = dt.date(2024, 11, 18)  # the forecast's first day, the day after the history


class SuggestedOrderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop")
        cls.location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        cls.supplier = factories.SupplierFactory(merchant=cls.merchant)
        cls.forecast_run = factories.succeeded_run(
            cls.merchant,
            horizon=28,
            finished_at=timezone.now(),
            history_end=FIRST - dt.timedelta(days=1),
        )
        # five a day, every level a multiple of the median (10%: 0.6x, 90%: 1.4x)
        factories.series_forecast(
            cls.merchant,
            cls.forecast_run,
            cls.sku,
            cls.location,
            np.outer(0.5 + np.array(LEVELS), np.full(28, 5.0)),
            first_date=FIRST,
            explanation={"groups": [], "forecast": 0, "base_value": 0, "days": 28},
        )
        with tenant_context(cls.merchant):
            factories.StockLevelFactory(
                merchant=cls.merchant, sku=cls.sku, location=cls.location, on_hand=Decimal("40")
            )

    def line(self, quantity="60", lead_days="7", **fields) -> ReorderSuggestion:
        """A line of its own plan (one line per SKU and location a plan), made for FIRST;
        the plan's run finished before the forecast's (the page shows the latest forecast)."""
        run = factories.succeeded_run(
            self.merchant,
            history_end=FIRST - dt.timedelta(days=1),
            finished_at=timezone.now() - dt.timedelta(days=1),
        )
        line = factories.reorder_suggestion(
            self.merchant, run, self.sku, self.location, self.supplier, quantity, **fields
        )
        with tenant_context(self.merchant):
            ReorderSuggestion.objects.for_merchant(self.merchant).filter(pk=line.pk).update(
                lead_time_days=Decimal(lead_days)
            )
        return line

    def suggested(self, merchant=None):
        merchant = merchant or self.merchant
        with tenant_context(merchant):  # as the page reads it: within the store
            return suggested_orders(merchant, self.sku.pk)

    def order(self, status: str) -> PurchaseOrder:
        return factories.PurchaseOrderFactory(
            merchant=self.merchant, supplier=self.supplier, location=self.location, status=status
        )

    def test_a_proposed_line_arrives_its_lead_time_after_the_plans_day(self):
        self.line()
        [order] = self.suggested()
        self.assertEqual(order.location_id, self.location.pk)
        self.assertEqual(order.units, 60.0)
        self.assertEqual(order.expected, FIRST + dt.timedelta(days=7))
        self.assertFalse(order.approved)
        self.assertTrue(order.link.endswith("/m/shop/planning/orders/?status=proposed&q=MUG"))

    def test_only_lines_still_to_be_placed_count(self):
        Status = ReorderSuggestion.Status
        self.line(status=Status.REJECTED)
        self.line(status=Status.SUPERSEDED)
        self.line(deferred_until=dt.date(2100, 1, 1))  # the planner put it off
        self.line(status=Status.APPROVED, purchase_order=self.order(PurchaseOrder.Status.SENT))
        self.line(quantity="0")
        self.line(status=Status.APPROVED)  # its purchase order deleted since
        self.assertEqual(self.suggested(), [])
        # approved onto a purchase order that is not sent yet: still to be placed
        self.line(
            quantity="36",
            status=Status.APPROVED,
            purchase_order=self.order(PurchaseOrder.Status.DRAFT),
        )
        [order] = self.suggested()
        self.assertEqual((order.units, order.approved), (36.0, True))
        self.assertIn("status=approved", order.link)

    def test_another_stores_lines_are_never_counted(self):
        self.line()
        other = factories.MerchantFactory(slug="other")
        self.assertEqual(self.suggested(other), [])

    def chart(self):
        self.client.force_login(self.planner)
        page = self.client.get(reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]))
        self.assertEqual(page.status_code, 200)
        return page, page.context["charts"][0]

    def test_the_sku_page_projects_stock_with_the_suggested_order(self):
        self.line()
        page, chart = self.chart()
        self.assertTrue(chart["suggested_in_projection"])
        stock = chart["data"]["stock"]
        offset = chart["data"]["forecast_start"]
        self.assertEqual(stock["suggested"], {"day": offset + 7, "units": 60.0})
        # 40 on hand at about five a day run out in the second week without the order, and
        # 60 more arriving on day 7 carry the median into the third week
        unordered, ordered = chart["stock_out_date_unordered"], chart["stock_out_date"]
        self.assertLess(unordered, FIRST + dt.timedelta(days=10))
        self.assertGreater(ordered, FIRST + dt.timedelta(days=15))
        median = stock["median"]
        self.assertGreater(median[7], median[6] + 40)  # the order lifts the stock on its day
        self.assertContains(page, "Suggested order, not placed yet: 60 units, due 25 Nov 2024")
        self.assertContains(page, "counting the suggested order")
        self.assertContains(page, "if the suggested order is not placed")
        self.assertContains(page, "/m/shop/planning/orders/?status=proposed&amp;q=MUG")

    def test_without_a_suggested_order_the_projection_is_the_open_orders_alone(self):
        page, chart = self.chart()
        self.assertIsNone(chart["suggested"])
        self.assertFalse(chart["suggested_in_projection"])
        self.assertIsNone(chart["data"]["stock"]["suggested"])
        self.assertEqual(chart["stock_out_date"], chart["stock_out_date_unordered"])
        self.assertNotContains(page, "suggested order")

    def test_an_order_due_after_the_horizon_is_listed_not_projected(self):
        self.line(lead_days="40")
        page, chart = self.chart()
        self.assertFalse(chart["suggested_in_projection"])
        self.assertIsNone(chart["data"]["stock"]["suggested"])
        self.assertEqual(chart["stock_out_date"], chart["stock_out_date_unordered"])
        self.assertContains(page, "That is after the horizon, so the projection does not count it.")
