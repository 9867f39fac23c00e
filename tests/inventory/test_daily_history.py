"""A SKU's daily history as its forecast page draws it: a day without a sales row after the
series' first one sold nothing (a sync sends the days that sold, and the forecast reads the
days between as nothing sold), a stock-out day is left out, and the days before its first
row are not history at all."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.test import TestCase

from accounts.tenancy import tenant_context
from inventory import selectors
from tests.factories import LocationFactory, MerchantFactory, SalesDayFactory, SKUFactory

FIRST_SALE = dt.date(2024, 3, 4)


class DailyHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        cls.location = LocationFactory(merchant=cls.merchant)
        cls.sku = SKUFactory(merchant=cls.merchant)
        with tenant_context(cls.merchant):
            for offset, units, out in ((0, "12", False), (5, "24", False), (9, "0", True)):
                SalesDayFactory(
                    merchant=cls.merchant,
                    sku=cls.sku,
                    location=cls.location,
                    date=FIRST_SALE + dt.timedelta(days=offset),
                    units=Decimal(units),
                    stock_out=out,
                )

    def test_days_without_a_row_sold_nothing_once_the_series_began(self):
        with tenant_context(self.merchant):
            history = selectors.sku_daily_history(
                merchant=self.merchant,
                sku=self.sku,
                location_id=self.location.pk,
                start=FIRST_SALE - dt.timedelta(days=2),
                end=FIRST_SALE + dt.timedelta(days=10),
            )
        units = history.units
        self.assertEqual(len(units), 13)
        self.assertTrue(math.isnan(units[0]) and math.isnan(units[1]))  # not on sale yet
        self.assertEqual(units[2:11], [12.0, 0.0, 0.0, 0.0, 0.0, 24.0, 0.0, 0.0, 0.0])
        self.assertTrue(math.isnan(units[11]))  # the stock-out day says nothing of demand
        self.assertTrue(history.stock_out[11])
        self.assertEqual(units[12], 0.0)
        self.assertEqual(sum(history.stock_out), 1)
