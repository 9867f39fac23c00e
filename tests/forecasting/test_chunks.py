"""A large store's night in chunks: each chunk's forecasts those of its SKUs forecast in one
piece (the choice among models is judged among the chunk's own series, cut category by
category), one end of the run, the follow-up once, a redelivered chunk resumed, and at most
so many chunks of one store at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import TestCase, override_settings

from accounts.tenancy import tenant_context
from forecasting import chunks, engine, night
from forecasting import history as history_reads
from forecasting.models import ForecastChunk, ForecastRun, SeriesForecast
from inventory.models import SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory

START = dt.date(2024, 1, 1)


class ChunkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        location = LocationFactory(merchant=cls.merchant)
        rng = np.random.default_rng(5)
        cls.skus = [
            SKUFactory(merchant=cls.merchant, code=f"S{n}", category="AB"[n % 2]) for n in range(5)
        ]
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(
                SalesDay(merchant=cls.merchant, sku=sku, location=location,
                         date=START + dt.timedelta(days=day),
                         units=Decimal(int(rng.poisson(3 + n))))
                for n, sku in enumerate(cls.skus) for day in range(120)
            )  # fmt: skip

    def night(self) -> ForecastRun:
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=14)
        with (
            mock.patch("forecasting.night.follow_up") as follow_up,
            self.captureOnCommitCallbacks(execute=True),
        ):
            engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        self.follow_ups = follow_up.call_count
        with tenant_context(self.merchant):
            return ForecastRun.objects.for_merchant(self.merchant).get(pk=run.pk)

    def forecasts(self, run: ForecastRun) -> dict[int, np.ndarray]:
        with tenant_context(self.merchant):
            return {
                f.sku_id: f.array()
                for f in SeriesForecast.objects.for_merchant(self.merchant).filter(run=run)
            }

    def test_each_forecast_keeps_the_daily_demand_it_was_made_from(self):
        for run in (self.night(), self.chunked_night()):
            with tenant_context(self.merchant):
                stored = {
                    f.sku_id: SeriesForecast.unpack_recent(f.recent_demand)
                    for f in SeriesForecast.objects.for_merchant(self.merchant).filter(run=run)
                }
                sold = {
                    sku.pk: [
                        float(units)
                        for units in SalesDay.objects.for_merchant(self.merchant)
                        .filter(sku=sku)
                        .order_by("date")
                        .values_list("units", flat=True)
                    ]
                    for sku in self.skus
                }
            self.assertEqual(set(stored), set(sold))
            for sku, recent in stored.items():
                with self.subTest(run=run.pk, sku=sku):
                    # 120 days sold, fewer than the 182 kept: every one of them, in order
                    self.assertEqual(recent[~np.isnan(recent)].tolist(), sold[sku])

    def chunked_night(self) -> ForecastRun:
        with override_settings(FORECAST_CHUNK_SKUS=2):
            return self.night()

    def test_each_chunk_gives_the_forecasts_of_its_skus_in_one_piece(self):
        whole = self.night()
        self.assertEqual(whole.chunks.count(), 0)
        with override_settings(FORECAST_CHUNK_SKUS=2):
            chunked = self.night()
        self.assertEqual(chunked.status, "succeeded")
        self.assertEqual(self.follow_ups, 1)  # the planning that follows a night: once
        self.assertEqual((chunked.series_count, chunked.timings["chunks"]), (5, 3))
        self.assertEqual(sum(chunked.model_counts.values()), 5)
        with tenant_context(self.merchant):
            sizes = sorted(len(c.sku_ids) for c in chunked.chunks.all())
            categories = [
                {self.skus[[s.pk for s in self.skus].index(pk)].category for pk in c.sku_ids}
                for c in chunked.chunks.order_by("number")
            ]
        self.assertEqual(sizes, [1, 2, 2])
        self.assertEqual(categories[0], {"A"})  # split category by category
        many = self.forecasts(chunked)
        self.assertEqual(set(many), set(self.forecasts(whole)))
        with tenant_context(self.merchant):
            parts = [chunk.sku_ids for chunk in chunked.chunks.order_by("number")]
        for sku_ids in parts:
            with tenant_context(self.merchant):
                history = history_reads.load_history(self.merchant, sku_ids=sku_ids)
            alone = night.forecast_history(self.merchant, whole, history, night.Clock())
            for sku, _location, _model, packed, *_rest in alone.rows:
                expected = SeriesForecast.unpack(packed)
                np.testing.assert_allclose(many[sku], expected, rtol=1e-4, atol=1e-4)

    def test_a_redelivered_chunk_resumes_and_writes_its_rows_once(self):
        with (
            override_settings(FORECAST_CHUNK_SKUS=2),
            mock.patch("forecasting.tasks.forecast_chunk_task.delay"),
        ):  # the run fans out; its chunks wait in the queue
            run = self.night()
        with tenant_context(self.merchant):
            first, *rest = ForecastChunk.objects.for_merchant(self.merchant).filter(run=run)
        # a worker claimed the first chunk, wrote nothing, and died
        claimed = chunks.chunk_claim(merchant=self.merchant, chunk_id=first.pk, claimant="t-1")
        self.assertEqual(claimed.status, "running")
        self.assertIsNone(
            chunks.chunk_claim(merchant=self.merchant, chunk_id=first.pk, claimant="t-2")
        )
        with mock.patch("forecasting.night.follow_up") as follow_up:
            with self.captureOnCommitCallbacks(execute=True):
                for chunk, claimant in [(first, "t-1"), *[(c, f"t-{c.pk}") for c in rest]]:
                    chunks.chunk_execute(
                        merchant=self.merchant, chunk_id=chunk.pk, claimant=claimant
                    )
                again = chunks.chunk_execute(
                    merchant=self.merchant, chunk_id=first.pk, claimant="t-1"
                )
        self.assertIsNone(again)  # done: a late duplicate does nothing
        self.assertEqual(follow_up.call_count, 1)
        with tenant_context(self.merchant):
            run.refresh_from_db()
            self.assertEqual(run.status, "succeeded")
            self.assertEqual(
                SeriesForecast.objects.for_merchant(self.merchant).filter(run=run).count(), 5
            )

    @override_settings(FORECAST_CHUNK_SKUS=1, FORECAST_CHUNKS_PER_MERCHANT=2)
    def test_at_most_so_many_chunks_of_one_store_run_at_once(self):
        with mock.patch("forecasting.tasks.forecast_chunk_task.delay"):
            run = self.night()
        with tenant_context(self.merchant):
            ids = list(
                ForecastChunk.objects.for_merchant(self.merchant)
                .filter(run=run)
                .values_list("pk", flat=True)
            )
        claim = chunks.chunk_claim
        self.assertEqual(
            claim(merchant=self.merchant, chunk_id=ids[0], claimant="a").status, "running"
        )
        self.assertEqual(
            claim(merchant=self.merchant, chunk_id=ids[1], claimant="b").status, "running"
        )
        self.assertEqual(claim(merchant=self.merchant, chunk_id=ids[2], claimant="c"), chunks.BUSY)
        # a redelivered task of a running chunk is not held back by the limit
        self.assertEqual(
            claim(merchant=self.merchant, chunk_id=ids[0], claimant="a").status, "running"
        )
        other = MerchantFactory()  # another store's chunks are not counted
        with tenant_context(other):
            other_run = ForecastRun.objects.create(merchant=other, status="running")
            theirs = ForecastChunk.objects.create(merchant=other, run=other_run, number=0)
        self.assertEqual(claim(merchant=other, chunk_id=theirs.pk, claimant="d").status, "running")

    def test_a_failed_chunk_fails_the_run(self):
        with (
            override_settings(FORECAST_CHUNK_SKUS=2),
            mock.patch("forecasting.tasks.forecast_chunk_task.delay"),
        ):
            run = self.night()
        with tenant_context(self.merchant):
            chunk = ForecastChunk.objects.for_merchant(self.merchant).filter(run=run).first()
        chunks.chunk_fail(merchant=self.merchant, chunk_id=chunk.pk, message="boom")
        with tenant_context(self.merchant):
            run.refresh_from_db()
        self.assertEqual((run.status, run.message), ("failed", "A chunk failed: boom"))
