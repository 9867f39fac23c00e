"""Nightly forecasts: history read as the merchant, censored and closed days left out, one
compact row per series, a run written once however often its task runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import TestCase, override_settings

from accounts.tenancy import tenant_context
from forecasting import engine, night, services
from forecasting import history as history_reads
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.neural.anchor import SHOPPING_DAY
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from forecasting.tasks import nightly_forecasts_task, run_forecast_task
from inventory.models import SalesDay
from tests import factories
from tests.forecasting.claim_support import assert_resumed_by_its_claimant
from tests.stores import OneLocationTestCase

START = dt.date(2024, 1, 1)


def days_after(day: dt.date, first: int, last: int) -> dict[str, dt.date]:
    """The dates of a calendar entry from ``first`` to ``last`` days after ``day``."""
    return {
        "start_date": day + dt.timedelta(days=first),
        "end_date": day + dt.timedelta(days=last),
    }


class ForecastServiceTests(OneLocationTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.steady = factories.SKUFactory(merchant=cls.merchant, code="STEADY")
        cls.rare = factories.SKUFactory(merchant=cls.merchant, code="RARE")
        days = [START + dt.timedelta(days=day) for day in range(140)]
        open_days = [date for date in days if date.weekday() != 6]  # no row for anyone on Sundays
        stock_outs = [date for date in open_days if (date - START).days % 30 == 5]
        series = {"skus": [cls.steady], "locations": [cls.location]}
        factories.sales_days(
            cls.merchant, **series, dates=[d for d in open_days if d not in stock_outs], units=10
        )
        factories.sales_days(cls.merchant, **series, dates=stock_outs, units=0, stock_out=True)
        factories.sales_days(
            cls.merchant,
            skus=[cls.rare],
            locations=[cls.location],
            dates=open_days,
            units=lambda date: 4 if (date - START).days % 9 == 0 else 0,
        )

    def test_history_marks_closed_and_stock_out_days_as_unobserved(self):
        with tenant_context(self.merchant):
            history = history_reads.load_history(self.merchant)
        steady = history.values[history.keys.index((self.steady.pk, self.location.pk))]
        sundays = [i for i, day in enumerate(history.days) if day.weekday() == 6]
        self.assertTrue(np.isnan(steady[sundays]).all())
        self.assertTrue(np.isnan(steady[5]))  # the stock-out day is censored, not zero
        self.assertEqual(steady[7], 10)  # an ordinary Monday

    def test_history_is_read_back_only_so_far_from_the_last_day_of_sales(self):
        with override_settings(FORECAST_HISTORY_DAYS=30), tenant_context(self.merchant):
            history = history_reads.load_history(self.merchant)
            one = history_reads.load_history(self.merchant, sku_ids=[self.rare.pk])
        last = START + dt.timedelta(days=138)  # day 139 is a Sunday, without sales
        self.assertEqual(history.days[-1], last)
        self.assertEqual(history.days[0], last - dt.timedelta(days=29))
        self.assertEqual(history.values.shape, (2, 30))
        self.assertEqual(one.days, history.days)

    def test_calendar_events_are_a_known_row_of_the_series_at_their_location(self):
        elsewhere = factories.LocationFactory(merchant=self.merchant, code="ELSEWHERE")
        with tenant_context(self.merchant):
            SalesDay.objects.create(
                merchant=self.merchant, sku=self.steady, location=elsewhere, date=START, units=3
            )
            factories.CalendarEventFactory(
                merchant=self.merchant, location=self.location, start_date=START, end_date=START
            )
            history = history_reads.load_history(self.merchant)
            last = history.days[-1]
            factories.CalendarEventFactory(
                merchant=self.merchant, location=self.location, **days_after(last, 3, 4)
            )
            known = history_reads.covariates(self.merchant, history, 14).known
        here = history.keys.index((self.steady.pk, self.location.pk))
        there = history.keys.index((self.steady.pk, elsewhere.pk))
        self.assertNotIn(there, known)  # no event at that location, no price moves
        events = known[here][2]
        days = len(history.days)
        self.assertEqual(np.flatnonzero(events).tolist(), [0, days + 2, days + 3])
        # events entered by hand are days a shop sells on, not days off
        self.assertEqual(set(events[events > 0].tolist()), {SHOPPING_DAY})

    def test_promotions_come_from_the_calendar_in_history_and_ahead(self):
        with tenant_context(self.merchant):
            factories.PromotionFactory(
                merchant=self.merchant, sku=self.rare, **days_after(START, 20, 29)
            )
            history = history_reads.load_history(self.merchant)
            last = history.days[-1]
            factories.PromotionFactory(
                merchant=self.merchant,
                sku=self.rare,
                discount_percent=Decimal("25"),
                **days_after(last, 2, 5),
            )
            before = history_reads.covariates(self.merchant, history, 14).known
            # the promoted days' sales rows go: the flags must not move with them
            SalesDay.objects.for_merchant(self.merchant).filter(
                sku=self.rare,
                date__range=(START + dt.timedelta(days=20), START + dt.timedelta(days=25)),
            ).delete()
            after = history_reads.covariates(
                self.merchant, history_reads.load_history(self.merchant), 14
            ).known
        row = history.keys.index((self.rare.pk, self.location.pk))
        days = len(history.days)
        promoted = list(range(20, 30)) + list(range(days + 1, days + 5))
        self.assertEqual(np.flatnonzero(before[row][1]).tolist(), promoted)
        np.testing.assert_array_equal(after[row][1], before[row][1])
        # ahead, the price is the list price less the planned discount
        price = before[row][0]
        self.assertAlmostEqual(price[days + 1], 0.75 * price[days])

    def test_a_run_forecasts_every_series_once(self):
        run = services.forecast_run_create(merchant=self.merchant, horizon=14)
        with self.captureOnCommitCallbacks(execute=True):
            pass
        run_forecast_task(merchant_id=self.merchant.pk, run_id=run.pk)
        run_forecast_task(merchant_id=self.merchant.pk, run_id=run.pk)  # a retry writes nothing
        with tenant_context(self.merchant):
            run.refresh_from_db()
            forecasts = {
                f.sku.code: f
                for f in SeriesForecast.objects.for_merchant(self.merchant)
                .filter(run=run)
                .select_related("sku")
            }
        self.assertEqual(run.status, ForecastRun.Status.SUCCEEDED)
        self.assertEqual((run.series_count, len(forecasts)), (2, 2))
        self.assertEqual(sum(run.model_counts.values()), 2)
        steady = forecasts["STEADY"].array()
        self.assertEqual(steady.shape, (len(LEVELS), 14))
        last_day = START + dt.timedelta(days=138)  # day 139 is a Sunday, without sales
        first = forecasts["STEADY"].first_date
        self.assertEqual(first, last_day + dt.timedelta(days=1))
        sunday_free = [i for i in range(14) if (first + dt.timedelta(days=i)).weekday() != 6]
        np.testing.assert_allclose(steady[MEDIAN_INDEX][sunday_free], 10, atol=1.5)
        sundays = [i for i in range(14) if i not in sunday_free]
        self.assertEqual(len(sundays), 2)
        self.assertTrue(np.all(steady[:, sundays] == 0))  # closed: no demand, at any level
        rare = forecasts["RARE"].array()
        self.assertTrue(np.all(rare[MEDIAN_INDEX] < 1))  # 4 units one day in nine
        self.assertTrue(np.all(rare[-1][sunday_free] > 0))
        self.assertTrue(np.all(rare[:, sundays] == 0))
        # each forecast keeps how its model and seasonal naive scored on the selection windows:
        # the steady series is forecast almost exactly; on the rare one, repeating last week's
        # lumps misses and the chosen model does better
        self.assertLess(forecasts["STEADY"].backtest_wql, 0.1)
        self.assertLess(forecasts["RARE"].backtest_wql, forecasts["RARE"].naive_wql)

    def test_nightly_task_queues_one_run_per_merchant_and_local_date(self):
        from unittest import mock

        factories.MerchantFactory()
        now = dt.datetime(2024, 6, 1, 3, 0, tzinfo=dt.UTC)  # after 02:00 in UTC
        with mock.patch("django.utils.timezone.now", return_value=now):
            with self.captureOnCommitCallbacks(execute=True):
                queued = nightly_forecasts_task()
            with self.captureOnCommitCallbacks(execute=True):
                again = nightly_forecasts_task()  # the next quarter hour: nothing new
        self.assertEqual((queued, again), (2, 0))
        with tenant_context(self.merchant):
            run = ForecastRun.objects.for_merchant(self.merchant).get()
        self.assertEqual(run.status, ForecastRun.Status.SUCCEEDED)
        self.assertEqual(run.local_date, dt.date(2024, 6, 1))
        self.assertEqual(set(run.timings) >= {"read", "forecast", "write"}, True)

    def test_a_merchant_is_due_at_its_own_local_time(self):
        tokyo = factories.MerchantFactory(
            timezone="Asia/Tokyo", nightly_forecast_time=dt.time(1, 0)
        )
        late = factories.MerchantFactory(
            timezone="Europe/London", nightly_forecast_time=dt.time(23, 0)
        )
        now = dt.datetime(2024, 6, 1, 17, 30, tzinfo=dt.UTC)  # 02:30 on 2 June in Tokyo
        due = dict(services.merchants_due(now))
        self.assertEqual(due[tokyo], dt.date(2024, 6, 2))
        self.assertNotIn(late, due)  # 18:30 in London
        self.assertIn(late, dict(services.merchants_due(now + dt.timedelta(hours=5))))

    def test_a_run_whose_worker_died_is_resumed_by_the_redelivered_task(self):
        run = assert_resumed_by_its_claimant(
            self, engine.forecast_run_execute, ForecastRun, self.merchant, horizon=7
        )
        with tenant_context(self.merchant):
            self.assertEqual(
                SeriesForecast.objects.for_merchant(self.merchant).filter(run=run).count(), 2
            )

    def test_forecasts_record_the_transformer_version_and_path_correlation(self):
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=7)
        run = engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        self.assertIsNone(run.model_version)  # the shipped base model
        with tenant_context(self.merchant):
            forecasts = SeriesForecast.objects.for_merchant(self.merchant).filter(run=run)
            correlations = [f.path_correlation for f in forecasts]
        self.assertTrue(all(0.0 <= rho <= 0.95 for rho in correlations))

    def test_forecasts_record_the_common_share_each_series_was_fitted(self):
        real = night.forecast_scored
        fitted = [0.05, 0.15]

        def choose(*args, **kwargs):
            result = real(*args, **kwargs)
            return dataclasses.replace(result, common=np.array(fitted[: len(result.common)]))

        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=7)
        with mock.patch.object(night, "forecast_scored", side_effect=choose):
            run = engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        with tenant_context(self.merchant):
            stored = SeriesForecast.objects.for_merchant(self.merchant).filter(run=run)
            shares = sorted(stored.values_list("path_common_share", flat=True))
        self.assertEqual(shares, fitted)


class FailedRunTests(TestCase):
    def test_an_unexpected_error_marks_the_run_failed_and_a_retry_does_nothing(self):
        from unittest import mock

        merchant = factories.MerchantFactory()
        run = services.forecast_run_create(merchant=merchant)
        with (
            mock.patch.object(history_reads, "load_history", side_effect=RuntimeError("disk gone")),
            self.assertRaises(RuntimeError),
        ):
            run_forecast_task(merchant_id=merchant.pk, run_id=run.pk)
        with tenant_context(merchant):
            run.refresh_from_db()
        self.assertEqual(run.status, ForecastRun.Status.FAILED)
        self.assertIn("unexpected error", run.message)
        self.assertIsNone(engine.forecast_run_execute(merchant=merchant, run_id=run.pk))
