"""Similar products by name: new SKUs borrow the summed demand of their nearest established
neighbours at the same location; embeddings are kept and recomputed only when text changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import TestCase, override_settings

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from forecasting import borrowing, embeddings, engine
from forecasting.models import ForecastRun, SeriesForecast, SkuEmbedding
from forecasting.projection import median_total, stored_paths
from inventory.models import SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory


class SimilarProductTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        names = [
            "RED HEART T-LIGHT HOLDER",  # new
            "WHITE HANGING HEART T-LIGHT HOLDER",
            "PINK HEART CANDLE HOLDER",
            "GARDEN HOSE 20M",
        ]
        cls.skus = [
            SKUFactory(merchant=cls.merchant, code=f"P{i}", name=name)
            for i, name in enumerate(names)
        ]

    def test_a_new_sku_borrows_from_similar_established_ones(self):
        days = 120
        values = np.zeros((4, days))
        values[0, :-10] = np.nan  # launched ten days ago
        values[1] = 5.0
        values[2] = 3.0
        values[3] = 7.0
        keys = [(sku.pk, 1) for sku in self.skus]
        with tenant_context(self.merchant):
            borrowed, _vectors = embeddings.similar_products(self.merchant, keys, values)
            stored = SkuEmbedding.objects.for_merchant(self.merchant).count()
        self.assertEqual(list(borrowed), [0])
        np.testing.assert_allclose(borrowed[0][0], 8.0)  # the two heart holders, not the hose
        self.assertEqual(stored, 4)

    def test_a_day_every_lender_was_closed_stays_closed_in_the_borrowed_row(self):
        days = 120
        values = np.zeros((4, days))
        values[0, :-10] = np.nan  # launched ten days ago
        values[1:] = [[5.0], [3.0], [7.0]]
        values[:, 6::7] = np.nan  # the shop shuts on one day a week
        values[1, 100] = np.nan  # one lender's missing day: the other still sold
        keys = [(sku.pk, 1) for sku in self.skus]
        with tenant_context(self.merchant):
            rows, _vectors = embeddings.similar_products(self.merchant, keys, values)
        borrowed = rows[0][0]
        self.assertTrue(np.isnan(borrowed[6::7]).all())
        self.assertEqual(borrowed[100], 3.0)
        self.assertEqual(np.isnan(borrowed).sum(), len(range(6, days, 7)))

    def test_embeddings_are_recomputed_only_when_the_text_changes(self):
        with tenant_context(self.merchant):
            first = embeddings.sku_vectors(self.merchant, [self.skus[1].pk])
            row = SkuEmbedding.objects.for_merchant(self.merchant).get()
            self.skus[1].name = "BLUE GARDEN HOSE"
            self.skus[1].save()
            second = embeddings.sku_vectors(self.merchant, [self.skus[1].pk])
            again = SkuEmbedding.objects.for_merchant(self.merchant).get()
        self.assertNotEqual(row.digest, again.digest)
        self.assertLess(float(first[self.skus[1].pk] @ second[self.skus[1].pk]), 0.9)

    def test_the_periodic_task_embeds_new_and_renamed_active_skus_only(self):
        from forecasting.tasks import embed_catalogues_task

        retired = SKUFactory(merchant=self.merchant, code="OLD", name="OLD LAMP", active=False)
        self.assertEqual(embed_catalogues_task(), 4)  # the four active SKUs
        self.assertEqual(embed_catalogues_task(), 0)  # nothing new
        self.skus[2].name = "PINK HEART CANDLE HOLDER, LARGE"
        with tenant_context(self.merchant):
            self.skus[2].save()
        self.assertEqual(embed_catalogues_task(), 1)
        with tenant_context(self.merchant):
            embedded = set(
                SkuEmbedding.objects.for_merchant(self.merchant).values_list("sku_id", flat=True)
            )
        self.assertEqual(embedded, {sku.pk for sku in self.skus})
        self.assertNotIn(retired.pk, embedded)


class SimilarProductsExplainedTests(TestCase):
    """A new SKU's forecast borrowed from similar products: its explanation shows it."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        location = LocationFactory(merchant=cls.merchant)
        names = ["RED HEART T-LIGHT HOLDER", "WHITE HANGING HEART T-LIGHT HOLDER",
                 "PINK HEART CANDLE HOLDER"]  # fmt: skip
        cls.skus = [
            SKUFactory(merchant=cls.merchant, code=f"H{i}", name=name)
            for i, name in enumerate(names)
        ]
        rng = np.random.default_rng(2)
        start = dt.date(2024, 1, 1)
        rows = [
            SalesDay(merchant=cls.merchant, sku=sku, location=location,
                     date=start + dt.timedelta(days=day), units=Decimal(int(rng.poisson(6))))
            for index, sku in enumerate(cls.skus)
            for day in range(120)
            if index > 0 or day >= 110  # the first one was launched ten days ago
        ]  # fmt: skip
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)

    def forecast(self, sku) -> SeriesForecast:
        """``sku``'s forecast from a run made now."""
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=28)
        engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        with tenant_context(self.merchant):
            return SeriesForecast.objects.for_merchant(self.merchant).get(run=run, sku=sku)

    def explained(self, forecast: SeriesForecast) -> dict:
        """Its explanation, which must sum to the forecast's 28-day median total, as its page
        reads it."""
        with tenant_context(self.merchant):
            explanation = engine.series_forecast_explain(merchant=self.merchant, forecast=forecast)
        self.assertAlmostEqual(
            explanation["forecast"], median_total(stored_paths(forecast)), places=2
        )
        return explanation

    def test_the_explanation_of_a_new_skus_forecast_has_similar_products(self):
        explanation = self.explained(self.forecast(self.skus[0]))
        self.assertIn("similar", [group["key"] for group in explanation["groups"]])

    def test_a_store_whose_own_products_say_borrowing_does_not_help_does_not_borrow(self):
        refused = borrowing.Verdict(False, 40, (0.5, 0.5), (0.6, 0.4))
        # the explanation asks again, of the same history and model, as the night did
        with mock.patch.object(borrowing, "borrowing_verdict", return_value=refused) as asked:
            explanation = self.explained(self.forecast(self.skus[0]))
        self.assertEqual(asked.call_count, 2)
        self.assertNotIn("similar", [group["key"] for group in explanation["groups"]])

    def test_a_forecast_by_a_retired_model_is_refused_not_a_server_error(self):
        forecast = self.forecast(self.skus[1])
        with tenant_context(self.merchant):
            forecast.model = "ensemble"  # a name an earlier release served
            with self.assertRaisesMessage(DomainError, "(ensemble) that is no longer served"):
                engine.series_forecast_explain(merchant=self.merchant, forecast=forecast)


class ChunkedStoreExplainedTests(TestCase):
    """A store forecast in chunks: each chunk asks its own products whether borrowing helps,
    and a forecast's explanation is made from its chunk, as the forecast was."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        location = LocationFactory(merchant=cls.merchant)
        families = {
            "A": ["RED HEART T-LIGHT HOLDER", "WHITE HANGING HEART T-LIGHT HOLDER",
                  "PINK HEART CANDLE HOLDER"],
            "B": ["GARDEN HOSE 25M", "GARDEN HOSE 20M", "GARDEN HOSE 30M"],
        }  # fmt: skip
        cls.skus = {
            category: [
                SKUFactory(
                    merchant=cls.merchant, code=f"{category}{i}", name=name, category=category
                )
                for i, name in enumerate(names)
            ]
            for category, names in families.items()
        }
        rng = np.random.default_rng(3)
        start = dt.date(2024, 1, 1)
        rows = [
            SalesDay(merchant=cls.merchant, sku=sku, location=location,
                     date=start + dt.timedelta(days=day), units=Decimal(int(rng.poisson(6))))
            for skus in cls.skus.values()
            for index, sku in enumerate(skus)
            for day in range(120)
            if index > 0 or day >= 110  # the first of each family was launched ten days ago
        ]  # fmt: skip
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)
        cls.hoses = {(sku.pk, location.pk) for sku in cls.skus["B"]}

    def verdict(self, keys, *args, **kwargs) -> borrowing.Verdict:
        """Borrowing helps where the products checked are the heart holders, not the hoses."""
        self.checked.append(set(keys))
        return borrowing.Verdict(not self.hoses & set(keys), 40, (0.5, 0.5), (0.4, 0.6))

    def test_each_forecast_is_explained_from_its_chunk_as_it_was_made(self):
        self.checked = []
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=28)
        with (
            override_settings(FORECAST_CHUNK_SKUS=3),
            mock.patch.object(borrowing, "borrowing_verdict", side_effect=self.verdict),
            mock.patch("forecasting.night.follow_up"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        with tenant_context(self.merchant):
            self.assertEqual(run.chunks.count(), 2)
        night_checks = len(self.checked)
        self.assertEqual(night_checks, 2)  # one check per chunk, of its own products
        with tenant_context(self.merchant):  # sales that came after the night
            SalesDay.objects.create(
                merchant=self.merchant,
                sku=self.skus["B"][1],
                location_id=next(iter(self.hoses))[1],
                date=dt.date(2024, 1, 1) + dt.timedelta(days=121),
                units=Decimal(9),
            )
        explained = {}
        with mock.patch.object(borrowing, "borrowing_verdict", side_effect=self.verdict):
            for category in ("A", "B"):
                with tenant_context(self.merchant):
                    forecast = SeriesForecast.objects.for_merchant(self.merchant).get(
                        run=run, sku=self.skus[category][0]
                    )
                    explanation = engine.series_forecast_explain(
                        merchant=self.merchant, forecast=forecast
                    )
                self.assertAlmostEqual(
                    explanation["forecast"], median_total(stored_paths(forecast)), places=2
                )
                explained[category] = [group["key"] for group in explanation["groups"]]
        # asked again of the same products as the night: the hearts' chunk borrowed and its
        # new product's explanation shows it; the hoses' chunk did not (the whole store, hoses
        # included, would have refused the hearts too)
        self.assertEqual(self.checked[night_checks:], self.checked[:night_checks])
        self.assertIn("similar", explained["A"])
        self.assertNotIn("similar", explained["B"])
