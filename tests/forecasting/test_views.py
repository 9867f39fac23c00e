"""Forecast pages: the runs, starting one, and a SKU's fan chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun
from inventory.models import SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, member


class ForecastPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.viewer = member(cls.merchant, Role.VIEWER)
        location = LocationFactory(merchant=cls.merchant, code="WH")
        cls.sku = SKUFactory(merchant=cls.merchant, code="MUG")
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(
                SalesDay(
                    merchant=cls.merchant,
                    sku=cls.sku,
                    location=location,
                    date=dt.date(2024, 1, 1) + dt.timedelta(days=day),
                    units=Decimal(6),
                )
                for day in range(120)
            )

    def forecast_now(self):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("forecasting:runs", args=["shop"]))

    def test_a_planner_starts_a_run_and_sees_the_fan_chart(self):
        self.client.force_login(self.planner)
        page = self.client.get(reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]))
        self.assertContains(page, "No forecast for this SKU yet")
        self.assertEqual(self.forecast_now().status_code, 302)
        runs = self.client.get(reverse("forecasting:runs", args=["shop"]))
        self.assertContains(runs, "Done")
        page = self.client.get(reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]))
        self.assertContains(page, 'id="forecast-chart-1"')
        self.assertContains(page, "units expected next 7 days")
        self.assertEqual(round(page.context["charts"][0]["next_week"]), 42)

    def test_a_viewer_reads_but_cannot_start_a_run(self):
        self.client.force_login(self.viewer)
        self.assertEqual(
            self.client.get(reverse("forecasting:runs", args=["shop"])).status_code, 200
        )
        self.assertEqual(self.forecast_now().status_code, 403)
        with tenant_context(self.merchant):
            self.assertFalse(ForecastRun.objects.for_merchant(self.merchant).exists())
