"""The forecasting API: an ERP reads the stored forecasts (quantiles per day, the model and
version behind them, their scores and explanation), the runs, and a whole run as CSV; a viewer
token is enough, another merchant's forecasts are not found, and nothing is forecast or
explained in the request."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import numpy as np
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.paths import lead_time_demand
from forecasting.quantiles import LEVELS
from tests import factories

FIRST = dt.date(2024, 6, 3)
HORIZON = 4
EXPLANATION = {
    "days": 28,
    "model": "transformer",
    "base_value": 10.0,
    "forecast": 12.5,
    "groups": [{"key": "weekly", "label": "Weekly pattern", "value": 2.5}],
}


def quantiles_of(scale: float) -> np.ndarray:
    """(levels, days): level i on day d is scale * (i + 1) + d / 4, exact in float32."""
    return scale * (np.arange(len(LEVELS))[:, None] + 1) + np.arange(HORIZON)[None, :] / 4


def store_forecast(merchant, run, sku, location, scale, **fields) -> SeriesForecast:
    return factories.series_forecast(
        merchant, run, sku, location, quantiles_of(scale), first_date=FIRST, **fields
    )


class ForecastTestCase(TestCase):
    """A merchant with a succeeded run of three series (MUG and JUG at WH, MUG at SHOP), a
    running run of one, and another merchant with a forecast of its own."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="alpha")
        cls.viewer = factories.api_token_secret(
            cls.merchant, role=Role.VIEWER, name="BI", actor=cls.owner
        )
        cls.warehouse = factories.LocationFactory(merchant=cls.merchant, code="WH")
        cls.shop = factories.LocationFactory(merchant=cls.merchant, code="SHOP")
        cls.mug = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        cls.jug = factories.SKUFactory(merchant=cls.merchant, code="JUG")
        cls.version = factories.ModelVersionFactory(
            merchant=cls.merchant,
            trained_through=dt.date(2024, 6, 2),
            metrics={"version": {"WQL": 0.31}},
        )
        cls.made = factories.succeeded_run(
            cls.merchant,
            horizon=HORIZON,
            history_end=dt.date(2024, 6, 2),
            series_count=3,
            model_counts={"transformer": 2, "ets": 1},
            model_version=cls.version,
            finished_at=dt.datetime(2024, 6, 3, 2, 0, tzinfo=dt.UTC),
            accuracy={
                "from": "2024-05-06", "to": "2024-06-02", "run": 1, "series": 3,
                "mase": 0.8, "wql": 0.25, "naive_mase": 1.1, "naive_wql": 0.4,
            },
        )  # fmt: skip
        cls.running = factories.created(
            ForecastRun, cls.merchant, status=ForecastRun.Status.RUNNING, horizon=HORIZON
        )
        cls.mug_wh = store_forecast(
            cls.merchant, cls.made, cls.mug, cls.warehouse, 1.0,
            backtest_wql=0.2, naive_wql=0.4, path_correlation=0.3, path_common_share=0.1,
            explanation=EXPLANATION,
        )  # fmt: skip
        cls.mug_shop = store_forecast(cls.merchant, cls.made, cls.mug, cls.shop, 2.0, model="ets")
        cls.jug_wh = store_forecast(cls.merchant, cls.made, cls.jug, cls.warehouse, 3.0)
        cls.unfinished = store_forecast(cls.merchant, cls.running, cls.jug, cls.shop, 4.0)

        cls.other = factories.MerchantFactory(slug="beta")
        other_owner = factories.member(cls.other, Role.OWNER)
        cls.other_token = factories.api_token_secret(cls.other, role=Role.OWNER, actor=other_owner)
        other_run = factories.succeeded_run(cls.other, horizon=HORIZON)
        cls.other_forecast = store_forecast(
            cls.other,
            other_run,
            factories.SKUFactory(merchant=cls.other, code="MUG"),
            factories.LocationFactory(merchant=cls.other, code="WH"),
            9.0,
        )
        cls.other_run = other_run

    def get(self, url, params=None, token=None):
        return self.client.get(
            url, params or {}, HTTP_AUTHORIZATION=f"Bearer {token or self.viewer}"
        )


class ForecastApiTests(ForecastTestCase):
    def listed(self, params=None) -> list[dict]:
        response = self.get(reverse("forecast-list"), params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["results"]

    def test_a_viewer_reads_the_quantiles_of_each_day_with_the_model_behind_them(self):
        (row,) = self.listed({"sku": "MUG", "location": "WH"})
        self.assertEqual(row["id"], self.mug_wh.pk)
        self.assertEqual((row["run"], row["sku"], row["location"]), (self.made.pk, "MUG", "WH"))
        self.assertEqual(row["levels"], LEVELS.tolist())
        self.assertEqual([day["date"] for day in row["days"]], [
            "2024-06-03", "2024-06-04", "2024-06-05", "2024-06-06",
        ])  # fmt: skip
        expected = quantiles_of(1.0)
        for step, day in enumerate(row["days"]):
            self.assertEqual(day["quantiles"], expected[:, step].tolist())
        self.assertEqual(row["days"][2]["quantiles"][7], 8.5)  # the median, day 3
        self.assertEqual(row["model"], "transformer")
        self.assertEqual(row["model_version"]["id"], self.version.pk)
        self.assertEqual(row["model_version"]["trained_through"], "2024-06-02")
        self.assertEqual(row["model_version"]["metrics"], {"version": {"WQL": 0.31}})
        self.assertEqual((row["backtest_wql"], row["naive_wql"]), (0.2, 0.4))
        self.assertEqual(row["improvement"], 0.5)
        self.assertEqual(row["path_correlation"], 0.3)
        self.assertEqual(row["path_common_share"], 0.1)
        self.assertEqual(row["explanation"], EXPLANATION)
        self.assertIsNone(row["lead_time_demand"])

    def test_an_unexplained_forecast_says_null_and_nothing_is_explained(self):
        with (
            mock.patch("core.dispatch.send") as send,
            mock.patch("core.dispatch.send_on_commit") as send_on_commit,
        ):
            (row,) = self.listed({"sku": "JUG"})
        self.assertIsNone(row["explanation"])
        self.assertIsNone(row["improvement"])
        send.assert_not_called()
        send_on_commit.assert_not_called()

    def test_only_succeeded_runs_are_listed_in_id_order(self):
        ids = [row["id"] for row in self.listed()]
        self.assertEqual(ids, [self.mug_wh.pk, self.mug_shop.pk, self.jug_wh.pk])
        self.assertEqual(self.listed({"run": self.running.pk}), [])
        response = self.get(reverse("forecast-detail", args=[self.unfinished.pk]))
        self.assertEqual(response.status_code, 404)

    def test_filters_by_run_sku_location_and_updated_since(self):
        self.assertEqual(len(self.listed({"run": self.made.pk})), 3)
        self.assertEqual(len(self.listed({"run": self.made.pk + 1000})), 0)
        self.assertEqual({row["location"] for row in self.listed({"sku": "MUG"})}, {"WH", "SHOP"})
        self.assertEqual({row["sku"] for row in self.listed({"location": "WH"})}, {"MUG", "JUG"})
        since = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        with tenant_context(self.merchant):
            SeriesForecast.objects.for_merchant(self.merchant).update(
                updated_at=since - dt.timedelta(days=1)
            )
            SeriesForecast.objects.for_merchant(self.merchant).filter(pk=self.jug_wh.pk).update(
                updated_at=since
            )
        self.assertEqual(
            [row["id"] for row in self.listed({"updated_since": since.isoformat()})],
            [self.jug_wh.pk],
        )

    def test_pages_by_cursor_with_the_same_queries_for_any_page_size(self):
        response = self.get(reverse("forecast-list"), {"page_size": 2})
        first = response.json()
        self.assertEqual(len(first["results"]), 2)
        second = self.client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {self.viewer}")
        self.assertEqual([row["id"] for row in second.json()["results"]], [self.jug_wh.pk])
        with CaptureQueriesContext(connection) as one:
            self.get(reverse("forecast-list"), {"page_size": 1})
        with CaptureQueriesContext(connection) as three:
            self.get(reverse("forecast-list"), {"page_size": 3})
        self.assertEqual(len(one), len(three))

    def test_the_lead_time_sum_is_the_quantiles_of_the_summed_paths(self):
        url = reverse("forecast-detail", args=[self.mug_wh.pk])
        row = self.get(url, {"lead_time_days": 3}).json()
        # drawn with the forecast's own correlation and common share
        expected = lead_time_demand(quantiles_of(1.0)[:, :3], 0.3, 3, seed=self.mug.pk, common=0.1)
        self.assertEqual(row["lead_time_demand"]["days"], 3)
        np.testing.assert_allclose(row["lead_time_demand"]["quantiles"], expected, atol=1e-4)
        # A sum of three days lies above three times the lowest day and below three highest.
        self.assertGreater(row["lead_time_demand"]["quantiles"][7], 3 * 8.0)
        self.assertLess(row["lead_time_demand"]["quantiles"][7], 3 * 8.5)

    def test_a_lead_time_past_the_horizon_is_a_problem_naming_it(self):
        url = reverse("forecast-detail", args=[self.mug_wh.pk])
        for value in ("5", "0", "x"):
            with self.subTest(value=value):
                response = self.get(url, {"lead_time_days": value})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertEqual(
                    [(e["in"], e["field"]) for e in response.json()["errors"]],
                    [("query", "lead_time_days")],
                )

    def test_another_merchants_forecasts_and_runs_are_not_found(self):
        self.assertNotIn(self.other_forecast.pk, [row["id"] for row in self.listed()])
        for url in (
            reverse("forecast-detail", args=[self.other_forecast.pk]),
            reverse("forecast-run-detail", args=[self.other_run.pk]),
            reverse("forecast-run-export", args=[self.other_run.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.get(url).status_code, 404)
        # ...and the other merchant sees its own only
        response = self.get(reverse("forecast-list"), token=self.other_token)
        self.assertEqual([row["id"] for row in response.json()["results"]], [
            self.other_forecast.pk
        ])  # fmt: skip

    def test_anonymous_callers_are_refused(self):
        response = self.client.get(reverse("forecast-list"))
        self.assertEqual(response.status_code, 401)

    def test_runs_say_their_version_and_recorded_accuracy(self):
        response = self.get(reverse("forecast-run-list"))
        (run,) = response.json()["results"]
        self.assertEqual(run["id"], self.made.pk)
        self.assertEqual(run["model_version"]["mode"], "lora")
        self.assertEqual(run["model_counts"], {"transformer": 2, "ets": 1})
        self.assertEqual(run["accuracy"]["from"], "2024-05-06")
        self.assertEqual((run["accuracy"]["wql"], run["accuracy"]["naive_wql"]), (0.25, 0.4))
        later = {"updated_since": "2024-06-03T02:00:01Z"}
        self.assertEqual(self.get(reverse("forecast-run-list"), later).json()["results"], [])


class ForecastExportTests(ForecastTestCase):
    def export(self, params=None):
        response = self.get(reverse("forecast-run-export", args=[self.made.pk]), params)
        self.assertEqual(response.status_code, 200, getattr(response, "content", b""))
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        text = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(text)))

    def test_a_run_is_one_row_per_series_and_day_with_a_column_per_quantile(self):
        header, *rows = self.export()
        self.assertEqual(header[:5], ["run", "sku", "location", "date", "model"])
        self.assertEqual(header[5:], [f"q{level:g}" for level in LEVELS])
        self.assertEqual(header[12], "q0.5")
        self.assertEqual(len(rows), 3 * HORIZON)
        # in id order: MUG@WH, MUG@SHOP, JUG@WH, each day in order
        self.assertEqual(rows[0][:5], [str(self.made.pk), "MUG", "WH", "2024-06-03", "transformer"])
        self.assertEqual([float(v) for v in rows[0][5:]], quantiles_of(1.0)[:, 0].tolist())
        self.assertEqual(rows[HORIZON + 3][1:5], ["MUG", "SHOP", "2024-06-06", "ets"])
        self.assertEqual(float(rows[HORIZON + 3][12]), quantiles_of(2.0)[7, 3])  # 16.75
        self.assertEqual(rows[-1][1:4], ["JUG", "WH", "2024-06-06"])

    def test_batches_do_not_lose_or_repeat_series(self):
        with mock.patch("forecasting.api.exports.EXPORT_BATCH_SERIES", 2):
            _, *rows = self.export()
        self.assertEqual(
            [(row[1], row[2]) for row in rows[::HORIZON]],
            [("MUG", "WH"), ("MUG", "SHOP"), ("JUG", "WH")],
        )

    def test_one_location_at_a_time(self):
        _, *rows = self.export({"location": "SHOP"})
        self.assertEqual({(row[1], row[2]) for row in rows}, {("MUG", "SHOP")})
        self.assertEqual(len(rows), HORIZON)

    def test_an_export_past_the_bound_is_refused_before_anything_streams(self):
        with override_settings(API_FORECAST_EXPORT_MAX_SERIES=2):
            response = self.get(reverse("forecast-run-export", args=[self.made.pk]))
            self.assertEqual(response.status_code, 400)
            self.assertEqual(response["Content-Type"], "application/problem+json")
            self.assertIn("one location at a time", response.json()["detail"])
            self.assertEqual(len(self.export({"location": "WH"})), 1 + 2 * HORIZON)

    def test_an_unfinished_run_is_not_exported(self):
        response = self.get(reverse("forecast-run-export", args=[self.running.pk]))
        self.assertEqual(response.status_code, 404)
