"""The forecasting models by name: the runs page and a SKU's forecast page say the stored choice
("exponential_smoothing+transformer+tsb") in the reader's words, in English and Chinese, and
lead to the glossary's entry on the models."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from forecasting.model_names import model_label
from forecasting.quantiles import LEVELS
from tests import factories
from tests.stores import PlannerAndViewerTestCase

AVERAGE = "exponential_smoothing+transformer+tsb"


class ModelLabelTests(SimpleTestCase):
    def test_one_model_and_an_average_in_english(self):
        with translation.override("en"):
            self.assertEqual(model_label("tsb"), "TSB")
            self.assertEqual(model_label("seasonal_naive"), "seasonal naive")
            self.assertEqual(
                model_label(AVERAGE), "average of exponential smoothing, transformer and TSB"
            )
            self.assertEqual(model_label("transformer+tsb"), "average of transformer and TSB")

    def test_in_chinese_no_stored_name_is_left(self):
        with translation.override("zh-hans"):
            label = model_label(AVERAGE)
            self.assertIn("指数平滑", label)
            self.assertIn("TSB", label)
            self.assertIn("平均", label)
            for stored in ("exponential", "smoothing", "_", "+", "average"):
                self.assertNotIn(stored, label)
            self.assertEqual(model_label("seasonal_naive"), "季节性朴素法")

    def test_a_name_it_does_not_know_is_said_as_stored(self):
        with translation.override("en"):
            self.assertEqual(model_label("prophet"), "prophet")
            self.assertEqual(model_label("prophet+tsb"), "average of prophet and TSB")


class ModelNamesOnPagesTests(PlannerAndViewerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")

    def test_the_runs_page_counts_the_models_by_name(self):
        factories.succeeded_run(self.merchant, model_counts={AVERAGE: 145, "tsb": 3})
        self.client.force_login(self.planner)
        url = reverse("forecasting:runs", args=["shop"])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(
            page,
            "Average of exponential smoothing, transformer and TSB: 145 series; TSB: 3 series",
        )
        self.assertNotContains(page, AVERAGE)
        self.assertContains(page, 'href="/help/glossary/#forecast-models"')
        chinese = self.client.get(url, HTTP_ACCEPT_LANGUAGE="zh-Hans")
        self.assertNotContains(chinese, "exponential")
        self.assertContains(
            chinese, "指数平滑、Transformer 模型和TSB 的平均：145 条序列；TSB：3 条序列"
        )

    def test_the_sku_page_names_the_model_it_shows(self):
        run = factories.succeeded_run(self.merchant, history_end=dt.date(2024, 4, 29))
        quantiles = np.tile(np.asarray(LEVELS)[:, None] * 10, (1, 56))
        factories.series_forecast(
            self.merchant, run, self.sku, self.warehouse, quantiles,
            model=AVERAGE, first_date=dt.date(2024, 4, 30),
            explanation={"model": AVERAGE, "base_value": 6.0, "forecast": 170.0, "days": 28,
                         "groups": [{"label": "Recent level", "value": 164.0}]},
        )  # fmt: skip
        self.client.force_login(self.planner)
        url = reverse("forecasting:sku_forecast", args=["shop", self.sku.pk])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(
            page, "model: <strong>average of exponential smoothing, transformer and TSB</strong>"
        )
        self.assertContains(page, "SHAP values, model: average of exponential smoothing")
        self.assertNotContains(page, AVERAGE)
