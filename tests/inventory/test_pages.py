"""Portal pages of inventory: content, search and filters, and query counts that do not grow
with the number of rows (no N+1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from inventory.models import SKU
from tests import factories


class CatalogueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.viewer = factories.merchant_with(Role.VIEWER, slug="shop", name="Shop")
        cls.location = factories.LocationFactory(merchant=cls.merchant, code="WH")

    def setUp(self):
        self.client.force_login(self.viewer)

    def add_skus(self, count: int, start: int = 0) -> list[SKU]:
        skus = []
        for index in range(start, start + count):
            sku = factories.SKUFactory(
                merchant=self.merchant,
                code=f"C{index:04d}",
                name=f"Candle {index}",
                category="Candles" if index % 2 else "Mugs",
            )
            factories.SalesDayFactory(
                merchant=self.merchant,
                sku=sku,
                location=self.location,
                date=dt.date(2024, 6, 1),
                units=Decimal(index + 1),
            )
            factories.StockLevelFactory(merchant=self.merchant, sku=sku, location=self.location)
            skus.append(sku)
        return skus

    def list_url(self, **params) -> str:
        from urllib.parse import urlencode

        return reverse("inventory:sku_list", args=["shop"]) + "?" + urlencode(params)

    def count_queries(self, url: str) -> int:
        self.client.get(url)  # the first visit also saves the session's open merchant
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_sku_list_query_count_does_not_grow_with_rows(self):
        self.add_skus(5)
        few = self.count_queries(self.list_url())
        self.add_skus(30, start=5)
        many = self.count_queries(self.list_url())
        self.assertEqual(few, many)
        self.assertLessEqual(many, 20)  # one of them whether the SKU summaries are current

    def test_dashboard_and_detail_query_counts_are_bounded(self):
        skus = self.add_skus(3)
        factories.SupplierItemFactory(merchant=self.merchant, sku=skus[0])
        factories.SupplierItemFactory(merchant=self.merchant, sku=skus[0])
        dashboard = reverse("inventory:dashboard", args=["shop"])
        # the planning panel's share includes one for the last finished policy replay
        self.assertLessEqual(self.count_queries(dashboard), 26)
        detail = reverse("inventory:sku_detail", args=["shop", skus[0].pk])
        self.assertLessEqual(self.count_queries(detail), 20)

    def test_search_filter_sort_and_paginate(self):
        self.add_skus(60)
        response = self.client.get(self.list_url(q="Candle 1"))
        names = [sku.name for sku in response.context["page"].object_list]
        self.assertTrue(names)
        self.assertTrue(all(name.startswith("Candle 1") for name in names))
        response = self.client.get(self.list_url(category="Mugs"))
        self.assertEqual(response.context["page"].paginator.count, 30)
        response = self.client.get(self.list_url(sort="-units_28d"))
        top = response.context["page"].object_list[0]
        self.assertEqual((top.code, top.units_28d), ("C0059", Decimal("60")))
        self.assertEqual(top.on_hand, Decimal("40"))
        response = self.client.get(self.list_url(page=2))
        self.assertEqual(response.context["page"].number, 2)
        self.assertEqual(len(response.context["page"].object_list), 10)

    def test_latest_snapshot_counts_not_the_sum_of_history(self):
        sku = self.add_skus(1)[0]
        factories.StockLevelFactory(
            merchant=self.merchant,
            sku=sku,
            location=self.location,
            on_hand=Decimal("3"),
            as_of=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        )
        second = factories.LocationFactory(merchant=self.merchant, code="STORE")
        factories.StockLevelFactory(
            merchant=self.merchant, sku=sku, location=second, on_hand=Decimal("2")
        )
        row = self.client.get(self.list_url()).context["page"].object_list[0]
        self.assertEqual(row.on_hand, Decimal("42"))

    def test_empty_catalogue_says_what_to_do(self):
        response = self.client.get(reverse("inventory:dashboard", args=["shop"]))
        self.assertContains(response, "Your catalogue is empty")
        response = self.client.get(self.list_url())
        self.assertContains(response, "No SKUs yet")

    def test_sku_detail_shows_sales_chart_stock_and_suppliers(self):
        sku = self.add_skus(1)[0]
        factories.SupplierItemFactory(
            merchant=self.merchant, sku=sku, supplier__name="Wax & Wick Ltd"
        )
        response = self.client.get(reverse("inventory:sku_detail", args=["shop", sku.pk]))
        self.assertContains(response, 'id="sales-chart"')
        self.assertEqual(
            response.context["chart"]["weeks"],
            [{"week": "2024-05-27", "units": 1.0, "stock_out_days": 0}],  # 1 June: a Saturday
        )
        self.assertContains(response, "Wax &amp; Wick Ltd")
        self.assertContains(response, "on hand at WH")

    def test_locations_page(self):
        response = self.client.get(reverse("inventory:location_list", args=["shop"]))
        self.assertContains(response, "Location")
        self.assertEqual([row.code for row in response.context["locations"]], ["WH"])
