"""The dashboard's forecast accuracy: the run made before the last four weeks, scored on them,
beside seasonal naive from the same day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.test import TestCase
from django.urls import reverse
from scipy import stats

from accounts.tenancy import tenant_context
from forecasting.accuracy import forecast_accuracy_record, realized_accuracy
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory.models import SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory, member

START = dt.date(2024, 1, 1)
DAYS = 120


class AccuracyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="shop")
        location = LocationFactory(merchant=cls.merchant)
        rng = np.random.default_rng(3)
        skus = [SKUFactory(merchant=cls.merchant, code=f"S{n}") for n in range(4)]
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(
                SalesDay(merchant=cls.merchant, sku=sku, location=location,
                         date=START + dt.timedelta(days=day), units=Decimal(int(rng.poisson(5))))
                for sku in skus for day in range(DAYS)
            )  # fmt: skip
            # made on day 84 (history to day 83), 8 weeks ahead: the true Poisson(5) quantiles
            cls.old = ForecastRun.objects.create(
                merchant=cls.merchant, status="succeeded",
                history_end=START + dt.timedelta(days=83),
            )  # fmt: skip
            truth = stats.poisson(5).ppf(LEVELS)[:, None].repeat(56, axis=1)
            for sku in skus:
                SeriesForecast.objects.create(
                    merchant=cls.merchant, run=cls.old, sku=sku, location=location,
                    first_date=START + dt.timedelta(days=84), model="transformer+tsb@0.85",
                    quantiles=SeriesForecast.pack(truth),
                )  # fmt: skip
            cls.latest = ForecastRun.objects.create(merchant=cls.merchant, status="succeeded")

    def test_the_old_run_is_scored_on_the_last_four_weeks_beside_seasonal_naive(self):
        accuracy = realized_accuracy(merchant=self.merchant)
        self.assertEqual(accuracy["run"], self.old.pk)
        self.assertEqual(accuracy["series"], 4)
        self.assertEqual(accuracy["from"], (START + dt.timedelta(days=DAYS - 28)).isoformat())
        self.assertEqual(accuracy["to"], (START + dt.timedelta(days=DAYS - 1)).isoformat())
        # the true distribution beats repeating last week's noise
        self.assertLess(accuracy["wql"], accuracy["naive_wql"])
        self.assertLess(accuracy["mase"], accuracy["naive_mase"])

    def test_kept_on_the_run_and_shown_on_the_dashboard(self):
        kept = forecast_accuracy_record(merchant=self.merchant, run_id=self.latest.pk)
        with tenant_context(self.merchant):
            self.latest.refresh_from_db()
        self.assertEqual(self.latest.accuracy, kept)
        self.client.force_login(member(self.merchant))
        page = self.client.get(reverse("inventory:dashboard", args=["shop"]))
        self.assertContains(page, "Forecast accuracy over the last 4 weeks")
        self.assertContains(page, f"{kept['naive_wql']:.3f} for seasonal naive")

    def test_without_a_run_old_enough_there_is_nothing_to_score(self):
        with tenant_context(self.merchant):
            ForecastRun.objects.for_merchant(self.merchant).filter(pk=self.old.pk).update(
                history_end=START + dt.timedelta(days=DAYS - 10)
            )
        self.assertIsNone(realized_accuracy(merchant=self.merchant))
