"""Forecast pages: the runs, starting one, and a SKU's fan chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting import selectors
from forecasting.models import ForecastRun, ModelVersion, SeriesForecast, TrainingRun
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from tests import factories
from tests.stores import PlannerAndViewerTestCase


class ForecastPageTests(PlannerAndViewerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        factories.sales_days(
            cls.merchant,
            skus=[cls.sku],
            locations=[cls.warehouse],
            dates=[dt.date(2024, 1, 1) + dt.timedelta(days=day) for day in range(120)],
            units=Decimal(6),
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


class ExplanationPageTests(ForecastPageTests):
    def test_the_sku_page_explains_the_forecast_it_shows(self):
        self.client.force_login(self.planner)
        self.forecast_now()
        page = self.client.get(reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]))
        chart = page.context["charts"][0]
        explanation = chart["explanation"]
        # the explained total is the stored forecast's 28-day median the card shows, forecast
        # again by the run's own model on the run's history; the parts add up to it
        self.assertAlmostEqual(explanation["forecast"], chart["next_four_weeks"], places=2)
        total = explanation["base_value"] + sum(g["value"] for g in explanation["groups"])
        self.assertAlmostEqual(total, explanation["forecast"], places=2)
        self.assertEqual(
            [g["label"] for g in explanation["groups"]],
            ["Recent level", "Trend", "Weekly pattern", "Yearly pattern"],
        )
        self.assertContains(page, "Weekly pattern")
        self.assertContains(page, "The total is the median forecast of the next 28 days")
        with tenant_context(self.merchant):
            stored = SeriesForecast.objects.for_merchant(self.merchant).get().explanation
        self.assertEqual(stored["forecast"], explanation["forecast"])  # computed once, kept
        self.assertEqual(
            [g["value"] for g in stored["groups"]], [g["value"] for g in explanation["groups"]]
        )

    def test_with_workers_the_first_view_queues_the_explanation(self):
        self.client.force_login(self.planner)
        self.forecast_now()
        with tenant_context(self.merchant):  # (planning may have explained it during the night)
            SeriesForecast.objects.for_merchant(self.merchant).update(explanation=None)
        url = reverse("forecasting:sku_forecast", args=["shop", self.sku.pk])
        with (
            override_settings(EXPLAIN_IN_REQUEST=False),
            mock.patch("forecasting.tasks.explain_forecast_task.delay") as queued,
            self.captureOnCommitCallbacks(execute=True),
        ):
            page = self.client.get(url)
        self.assertContains(page, "is being computed")
        with tenant_context(self.merchant):
            forecast = SeriesForecast.objects.for_merchant(self.merchant).get()
        self.assertIsNone(forecast.explanation)  # nothing computed in the request
        queued.assert_called_once_with(merchant_id=self.merchant.pk, forecast_id=forecast.pk)
        from forecasting.tasks import explain_forecast_task

        self.assertTrue(
            explain_forecast_task(merchant_id=self.merchant.pk, forecast_id=forecast.pk)
        )
        self.assertFalse(
            explain_forecast_task(merchant_id=self.merchant.pk, forecast_id=forecast.pk)
        )
        with override_settings(EXPLAIN_IN_REQUEST=False):
            self.assertContains(self.client.get(url), "Weekly pattern")


class ModelsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop")
        cls.viewer = factories.member(cls.merchant, Role.VIEWER)
        cls.old = factories.ModelVersionFactory(
            merchant=cls.merchant,
            status=ModelVersion.Status.RETIRED,
            mode="full",
            metrics={"version": {"WQL": 0.61}, "parent": {"WQL": 0.7}},
        )
        cls.new = factories.ModelVersionFactory(
            merchant=cls.merchant,
            parent=cls.old,
            metrics={"version": {"WQL": 0.55}, "parent": {"WQL": 0.61}},
        )
        factories.created(
            TrainingRun,
            cls.merchant,
            status=TrainingRun.Status.RUNNING,
            steps=400,
            steps_done=100,
            losses=[2.5, 2.1],
        )

    def test_the_page_shows_versions_and_live_training_progress(self):
        self.client.force_login(self.viewer)
        page = self.client.get(reverse("forecasting:models", args=["shop"]))
        self.assertContains(page, 'value="25"')  # 100 of 400 steps
        self.assertContains(page, 'http-equiv="refresh"')  # updates itself while training
        self.assertContains(page, f"v{self.new.pk}")
        self.assertNotContains(page, "Fine-tune now")  # viewers only read

    def test_each_version_says_how_it_was_fine_tuned_in_the_readers_language(self):
        self.client.force_login(self.viewer)
        url = reverse("forecasting:models", args=["shop"])
        english = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(english, '<span class="sub">all weights · after base</span>')
        self.assertContains(english, f'<span class="sub">LoRA adapters · after v{self.old.pk}')
        chinese = self.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans")
        self.assertContains(chinese, "全部权重")
        self.assertContains(chinese, "LoRA 适配器")
        self.assertNotContains(chinese, "full ·")

    def test_a_planner_rolls_back_and_activates(self):
        self.client.force_login(self.planner)
        self.client.post(reverse("forecasting:model_rollback", args=["shop"]))
        with tenant_context(self.merchant):
            self.assertEqual(selectors.active_version(self.merchant), self.old)
        self.client.post(reverse("forecasting:model_activate", args=["shop", self.new.pk]))
        with tenant_context(self.merchant):
            self.assertEqual(selectors.active_version(self.merchant), self.new)

    def test_a_viewer_cannot_change_the_model(self):
        self.client.force_login(self.viewer)
        for url in (
            reverse("forecasting:model_rollback", args=["shop"]),
            reverse("forecasting:model_activate", args=["shop", self.old.pk]),
            reverse("forecasting:models", args=["shop"]),
        ):
            self.assertEqual(self.client.post(url).status_code, 403)
        with tenant_context(self.merchant):
            self.assertEqual(selectors.active_version(self.merchant), self.new)
            self.assertFalse(
                TrainingRun.objects.for_merchant(self.merchant).exclude(steps=400).exists()
            )


class EventsAheadPageTests(TestCase):
    """The SKU page marks calendar events on the chart and lists those in the horizon with
    the forecast on their days."""

    FIRST = dt.date(2024, 11, 18)  # a Monday; Black Friday is the 12th day of the horizon

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop")
        cls.location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        elsewhere = factories.LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        other = factories.MerchantFactory(slug="other")
        median = np.full(28, 5.0)
        median[11] = 20.0
        run = factories.succeeded_run(cls.merchant, horizon=28, finished_at=timezone.now())
        factories.series_forecast(
            cls.merchant,
            run,
            cls.sku,
            cls.location,
            # every level a multiple of the median: the 10% quantile 0.6x, the 90% 1.4x
            np.outer(0.5 + np.array(LEVELS), median),
            first_date=cls.FIRST,
            explanation={"groups": [], "forecast": 0, "base_value": 0, "days": 28},
        )
        with tenant_context(cls.merchant):
            for name, day, location in (
                ("Bonfire Night", dt.date(2024, 11, 5), None),  # in the history shown
                ("Black Friday", dt.date(2024, 11, 29), None),
                ("Shop anniversary", dt.date(2024, 12, 6), elsewhere),  # not this location
                ("Christmas Day", dt.date(2024, 12, 25), None),  # after the horizon
            ):
                factories.CalendarEventFactory(
                    merchant=cls.merchant,
                    name=name,
                    location=location,
                    start_date=day,
                    end_date=day,
                )
        with tenant_context(other):
            factories.CalendarEventFactory(
                merchant=other, name="Other store's sale", start_date=cls.FIRST, end_date=cls.FIRST
            )

    def test_an_upcoming_event_is_listed_with_the_forecast_on_its_days(self):
        self.client.force_login(self.planner)
        page = self.client.get(reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]))
        chart = page.context["charts"][0]
        [ahead] = chart["events_ahead"]
        self.assertEqual(ahead["event"].name, "Black Friday")
        black_friday = self.FIRST + dt.timedelta(days=11)
        self.assertEqual((ahead["first"], ahead["last"], ahead["days"]), (black_friday,) * 2 + (1,))
        # one day's total, read from the page's 500 demand paths: the day's own quantiles,
        # within what 500 draws read them to
        self.assertAlmostEqual(ahead["median"], 20.0, delta=0.6)
        self.assertAlmostEqual(ahead["low"], 12.0, delta=0.8)
        self.assertAlmostEqual(ahead["high"], 28.0, delta=0.8)
        # the horizon's other Fridays (22 November, 6 and 13 December) forecast 5 each
        self.assertAlmostEqual(ahead["ordinary_day"], 5.0, places=4)
        self.assertContains(page, "Events ahead")
        self.assertContains(page, "<td>Black Friday</td><td>Fri 29 Nov</td>", html=False)
        self.assertContains(page, '<span class="key event"></span> calendar event')
        # marked on the chart: day 0 is 84 days before the forecast's first day
        self.assertEqual(
            chart["data"]["events"],
            [
                {"from": 84 - 13, "to": 84 - 13, "label": "Bonfire Night"},
                {"from": 84 + 11, "to": 84 + 11, "label": "Black Friday"},
            ],
        )
        self.assertNotContains(page, "Shop anniversary")
        self.assertNotContains(page, "Other store")


class PeriodTotalsPageTests(TestCase):
    """The SKU page's totals (the next 7 and 28 days, each week) are the median and 80% range
    of the demand over the period, not the days' medians and quantiles added up: a product
    that sells on about one day in three has a daily median of nothing, and a month of it
    does not."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop")
        location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="LAMP")
        run = factories.succeeded_run(cls.merchant, horizon=28, finished_at=timezone.now())
        # each day: nothing up to the 65th percentile, then up to 12 units at the 99th
        day = np.interp(LEVELS, [0.0, 0.65, 0.9, 0.99], [0.0, 0.0, 6.0, 12.0])
        cls.quantiles = np.repeat(day[:, None], 28, axis=1)
        factories.series_forecast(
            cls.merchant,
            run,
            cls.sku,
            location,
            cls.quantiles,
            first_date=dt.date(2024, 11, 18),
            path_correlation=0.0,
            path_common_share=0.0,
            explanation={"groups": [], "forecast": 0, "base_value": 0, "days": 28},
        )

    def test_an_intermittent_products_month_is_not_read_as_nothing(self):
        self.client.force_login(self.planner)
        page = self.client.get(reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]))
        chart = page.context["charts"][0]
        self.assertEqual(self.quantiles[MEDIAN_INDEX].sum(), 0.0)  # the days' medians
        # the mean of a day, from its quantile function, is about 1.7 units: 28 independent
        # days total about 48, the median of that total a little less (its 80% range is
        # about 26 to 68)
        self.assertGreater(chart["next_four_weeks"], 30)
        self.assertLess(chart["next_four_weeks"], 60)
        self.assertGreater(chart["next_week"], 5)
        self.assertLess(chart["next_week"], chart["next_four_weeks"] / 2)
        # each week's 80% range holds its median and is narrower than the days' 10% and 90%
        # quantiles added up (0 to 42: every day at its 90th percentile at once)
        for week in chart["weekly"]:
            self.assertLessEqual(week["low"], week["median"])
            self.assertLessEqual(week["median"], week["high"])
            self.assertLess(week["high"], 30)
        self.assertContains(
            page, f'<div class="value">{round(chart["next_four_weeks"])}</div>', html=False
        )
