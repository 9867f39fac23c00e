"""The SHAP explanation explains the number the forecast serves: its median read at the level
that the forecast's selection served as its median, as the night made it."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import SimpleTestCase, TestCase

from accounts.tenancy import tenant_context
from forecasting import engine, explanations, selection
from forecasting.baselines import BASELINES
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.projection import forecast_paths, median_total, stored_paths, totals
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from inventory.models import SalesDay
from tests.factories import (
    CalendarEventFactory,
    LocationFactory,
    MerchantFactory,
    PromotionFactory,
    SKUFactory,
)


class ExplainedNumberTests(SimpleTestCase):
    def test_the_forecast_explained_is_the_median_at_its_served_level(self):
        rng = np.random.default_rng(4)
        history = rng.gamma(4.0, 5.0, 140)  # not whole units: nothing is rounded
        forecast = BASELINES["exponential_smoothing"](history[None], 28, 7)
        explained_at = {}
        for level in (0.5, 0.3):
            with self.subTest(level=level):
                explained = explanations.explain(
                    history=history, known=None, past=None, candidates=BASELINES,
                    model_name="exponential_smoothing", median_level=level,
                )  # fmt: skip
                levels = LEVELS.copy()
                levels[MEDIAN_INDEX] = level
                served = selection.served(forecast, np.array([False]), levels)
                # the median of the 28 days' total on the paths the page draws from the
                # forecast served (no shock correlation given: none; the default common share)
                paths = forecast_paths(served[0], 0.0, seed=0)
                expected = totals(paths, slice(0, 28))[1]
                self.assertAlmostEqual(explained["forecast"], expected, places=3)
                # not the days' medians added up, which the paths' total is well above here
                self.assertNotAlmostEqual(
                    explained["forecast"], served[0, MEDIAN_INDEX, :28].sum(), delta=1.0
                )
                explained_at[level] = explained["forecast"]
                total = explained["base_value"] + sum(g["value"] for g in explained["groups"])
                self.assertAlmostEqual(total, explained["forecast"], places=3)
        # and the two levels explain different numbers: the lower one, less
        self.assertLess(explained_at[0.3], explained_at[0.5] - 1.0)


SERVED = "exponential_smoothing+transformer+tsb"


class StoredForecastExplainedTests(TestCase):
    """The explanation's forecast (every group present) is the night's forecast made again:
    the same 28-day median as the stored forecast's page, of every series of a store forecast by
    the nightly path. Its products sell on some days and not others, by weight (not rounded
    to whole units, so that any difference shows), with promotions and a calendar event, and
    are served the transformer, exponential smoothing and TSB together: the models that the
    variant of the history rebuilt from its parts (TSB: days without a sale came back as
    1e-15 units), the anchor's flag effects pooled over the variants instead of the store
    (the transformer) and a batch of one series (the transformer in bfloat16) moved."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        location = LocationFactory(merchant=cls.merchant)
        cls.skus = [SKUFactory(merchant=cls.merchant, code=f"S{i}") for i in range(6)]
        rng = np.random.default_rng(12)
        start = dt.date(2024, 1, 1)
        # quarters of a kilo, on about six days in ten
        sold = rng.random((6, 150)) < 0.6 * rng.uniform(0.8, 1.2, (6, 1))
        quarters = np.where(sold, 1 + rng.poisson(12, (6, 150)), 0)
        rows = [
            SalesDay(merchant=cls.merchant, sku=sku, location=location,
                     date=start + dt.timedelta(days=day),
                     units=Decimal(int(quarters[index, day])) / 4)
            for index, sku in enumerate(cls.skus)
            for day in range(150)
        ]  # fmt: skip
        last = start + dt.timedelta(days=149)
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)
            for sku, first in ((cls.skus[0], 40), (cls.skus[1], 100), (cls.skus[2], 152)):
                PromotionFactory(
                    merchant=cls.merchant,
                    sku=sku,
                    start_date=start + dt.timedelta(days=first),
                    end_date=start + dt.timedelta(days=first + 4),
                )
            CalendarEventFactory(
                merchant=cls.merchant, start_date=last - dt.timedelta(days=30),
                end_date=last - dt.timedelta(days=29),
            )  # fmt: skip

    def test_the_explained_forecast_is_the_stored_median_sum(self):
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=28)
        # the one strategy judged: which one the windows favour is not what is tested here
        with mock.patch.object(selection, "strategies", return_value=[SERVED]):
            engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        with tenant_context(self.merchant):
            forecasts = list(
                SeriesForecast.objects.for_merchant(self.merchant)
                .filter(run=run)
                .select_related("run")
            )
        self.assertEqual({forecast.model for forecast in forecasts}, {SERVED})
        self.assertEqual(len(forecasts), len(self.skus))
        for forecast in forecasts:
            with self.subTest(sku=forecast.sku_id, model=forecast.model):
                explanation = engine.series_forecast_explain(
                    merchant=self.merchant, forecast=forecast
                )
                # the page's 28-day median: on the paths drawn from the stored forecast
                self.assertAlmostEqual(
                    explanation["forecast"], median_total(stored_paths(forecast)), places=2
                )
