"""Fine-tuning a merchant's model: a run on the gpu queue's task cross-fits (a twin trained
before the selection windows is judged on them), keeps both twins; only a version better by
more than the noise between windows, that did not forget, becomes active; the judged twin
stands for it at night; rollback is one step; a retried task does nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
import torch
from django.test import TestCase, override_settings

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from forecasting import fine_tuning, judging, night, registry, selectors, services
from forecasting.engine import forecast_run_execute
from forecasting.judging import HonestScore
from forecasting.models import ForecastRun, ModelVersion, SeriesForecast, TrainingRun
from forecasting.neural import network
from forecasting.neural.inference import Covariates
from forecasting.projection import median_total, stored_paths
from forecasting.tasks import fine_tune_task
from inventory.models import SalesDay
from tests.factories import LocationFactory, MerchantFactory, SKUFactory
from tests.forecasting.claim_support import assert_resumed_by_its_claimant

START = dt.date(2024, 1, 1)


class MerchantWithHistory:
    """Three SKUs with 90 days of sales, busier at the end of the week."""

    # 90 days: the two 28-day selection windows and 34 days before them

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        location = LocationFactory(merchant=cls.merchant)
        rng = np.random.default_rng(0)
        rows = []
        for index in range(3):
            sku = SKUFactory(merchant=cls.merchant, code=f"S{index}")
            for day in range(90):
                weekday_boost = 2 if (START + dt.timedelta(days=day)).weekday() >= 4 else 1
                units = rng.poisson(3 * weekday_boost * (index + 1))
                rows.append(
                    SalesDay(
                        merchant=cls.merchant,
                        sku=sku,
                        location=location,
                        date=START + dt.timedelta(days=day),
                        units=Decimal(int(units)),
                    )
                )
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)


def judgement(gains: list[float]) -> fine_tuning.Judgement:
    """A judgement whose served choice gained ``gains`` per window on the base model's."""
    base = HonestScore(np.ones(len(gains)), np.ones(len(gains)))
    version = HonestScore(1 - np.array(gains), 1 - np.array(gains))
    improvement = float(np.mean(gains))
    noise = float(np.std(gains, ddof=1)) if len(gains) > 1 else 0.0
    return fine_tuning.Judgement(version, base, {"WQL": 1.0, "MASE": 1.0}, improvement, noise)


@override_settings(FINE_TUNE_BATCH_SIZE=4)
class FineTuningTests(MerchantWithHistory, TestCase):
    def train(self, **options) -> TrainingRun:
        with self.captureOnCommitCallbacks(execute=True):
            run = services.training_run_create(merchant=self.merchant, steps=3, **options)
        with tenant_context(self.merchant):
            return (
                TrainingRun.objects.for_merchant(self.merchant)
                .select_related("version")
                .get(pk=run.pk)
            )

    def test_a_run_cross_fits_judges_and_keeps_both_twins(self):
        trained = []
        real = fine_tuning.fine_tune

        def recording(**options):
            trained.append(options["values"].shape[1])
            return real(**options)

        with mock.patch.object(fine_tuning, "fine_tune", side_effect=recording):
            run = self.train()
        self.assertEqual(run.status, TrainingRun.Status.SUCCEEDED, run.message)
        self.assertEqual(run.device, "cpu")
        self.assertTrue(run.losses)
        with tenant_context(self.merchant):
            version = run.version
        # the judged twin never saw the two 28-day windows it is judged on, nor the 11 days
        # (a third of the 34 before them) that its first window's check reads
        self.assertEqual(trained[0], 90 - services.SELECTION_DAYS - 11)
        metrics = version.metrics
        for key in ("version", "parent"):
            self.assertEqual(len(metrics[key]["windows"]["WQL"]), 2)
            self.assertGreater(metrics[key]["WQL"], 0)
        self.assertGreater(metrics["seasonal_naive"]["WQL"], 0)
        gains = (
            1
            - (
                np.array(metrics["version"]["windows"]["WQL"])
                / np.array(metrics["parent"]["windows"]["WQL"])
                + np.array(metrics["version"]["windows"]["MASE"])
                / np.array(metrics["parent"]["windows"]["MASE"])
            )
            / 2
        )
        self.assertAlmostEqual(metrics["improvement"], gains.mean(), places=4)
        better = gains.mean() > gains.std(ddof=1)
        kept = metrics["corpus_loss_after"] <= metrics["corpus_loss_before"] * 1.10
        self.assertEqual(version.status == ModelVersion.Status.ACTIVE, better and kept)
        # an accepted version continued on every day but the 28 its served forecast's check
        # reads; a rejected one was not trained further
        self.assertEqual(trained[1:], [90 - 28] if better and kept else [])
        self.assertTrue(version.artifact.name.endswith(".safetensors"))
        self.assertTrue(version.held_out_artifact.name.endswith("-held-out.safetensors"))
        self.assertEqual(version.trained_through, START + dt.timedelta(days=89))
        registry.version_model(version)  # the artifacts load back
        registry.judging_model(version)
        fine_tune_task(merchant_id=self.merchant.pk, run_id=run.pk)  # a retry: nothing more
        with tenant_context(self.merchant):
            self.assertEqual(ModelVersion.objects.for_merchant(self.merchant).count(), 1)

    def test_lora_fine_tuning_also_yields_a_full_model(self):
        with mock.patch.object(fine_tuning, "judge", return_value=judgement([0.1, 0.1])):
            run = self.train(mode="lora")
        self.assertEqual(run.status, TrainingRun.Status.SUCCEEDED, run.message)
        with tenant_context(self.merchant):
            model = registry.version_model(run.version)
        self.assertEqual(set(model.state_dict()), set(registry.base_model().state_dict()))

    def scripted(self, gains: list[float], before: float, after: float):
        losses = iter([before, after])
        return (
            mock.patch.object(fine_tuning, "judge", return_value=judgement(gains)),
            mock.patch.object(
                fine_tuning.training, "corpus_loss", side_effect=lambda *a, **k: next(losses)
            ),
        )

    def test_a_version_is_accepted_only_by_more_than_the_noise_between_windows(self):
        cases = [
            ([0.05, 0.04], 1.0, 1.05, ModelVersion.Status.ACTIVE, "which it was not trained on"),
            ([0.09, -0.01], 1.0, 1.0, ModelVersion.Status.REJECTED, "within the"),  # noisy
            ([-0.02, -0.01], 1.0, 1.0, ModelVersion.Status.REJECTED, "Not better"),
            ([0.05, 0.04], 1.0, 1.2, ModelVersion.Status.REJECTED, "forgot too much"),
        ]
        for gains, before, after, status, reason in cases:
            first, second = self.scripted(gains, before, after)
            with first, second:
                run = self.train()
            with tenant_context(self.merchant):
                version = run.version
            self.assertEqual(version.status, status, gains)
            self.assertIn(reason, version.reason)

    def test_the_judged_twin_stands_for_the_version_at_night(self):
        first, second = self.scripted([0.05, 0.05], 1.0, 1.0)
        with first, second:
            version = self.train().version
        seen = {}
        real = night.forecast_scored

        def spy(panel, horizon, season, served, judged):
            seen["served"] = served["transformer"].model
            seen["judged"] = judged["transformer"].model
            return real(panel, horizon, season, served, judged)

        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=7)
        with mock.patch.object(night, "forecast_scored", side_effect=spy):
            forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        self.assertIs(seen["served"], registry.version_model(version))
        self.assertIs(seen["judged"], registry.judging_model(version))
        self.assertIsNot(seen["served"], seen["judged"])

    def test_the_active_version_serves_forecasts_and_rollback_restores_its_parent(self):
        first, second = self.scripted([0.05, 0.05], 1.0, 1.0)
        with first, second:
            v1 = self.train().version
        first, second = self.scripted([0.06, 0.06], 1.0, 1.0)
        with first, second:
            v2 = self.train().version
        with tenant_context(self.merchant):
            v1.refresh_from_db()
            self.assertEqual((v1.status, v2.status, v2.parent_id), ("retired", "active", v1.pk))
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=7)
        run = forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        self.assertEqual(run.model_version_id, v2.pk)
        self.assertEqual(services.model_version_rollback(merchant=self.merchant), v1)
        with tenant_context(self.merchant):
            self.assertEqual(selectors.active_version(self.merchant), v1)
        self.assertIsNone(services.model_version_rollback(merchant=self.merchant))
        with tenant_context(self.merchant):
            self.assertIsNone(selectors.active_version(self.merchant))  # the base model again
        with self.assertRaisesMessage(DomainError, "nothing to roll back"):
            services.model_version_rollback(merchant=self.merchant)

    def test_one_run_at_a_time_and_not_without_history(self):
        with tenant_context(self.merchant):
            TrainingRun.objects.create(merchant=self.merchant, steps=3)
        self.assertIsNone(services.training_run_create(merchant=self.merchant))
        empty = MerchantFactory()
        self.assertIsNone(services.training_run_create(merchant=empty, only_with_history=True))
        with self.assertRaisesMessage(DomainError, "Unknown fine-tuning mode"):
            services.training_run_create(merchant=empty, mode="deep")

    def test_a_merchant_without_enough_history_gets_a_failed_run_with_the_reason(self):
        empty = MerchantFactory()
        with self.captureOnCommitCallbacks(execute=True):
            services.training_run_create(merchant=empty, steps=2)
        with tenant_context(empty):
            run = TrainingRun.objects.for_merchant(empty).get()
        self.assertEqual(run.status, TrainingRun.Status.FAILED)
        self.assertIn(f"at least {services.MIN_DAYS} days of sales history", run.message)


class JudgementTests(TestCase):
    def test_the_gain_is_the_mean_of_the_wql_and_mase_ratios_per_window(self):
        version = HonestScore(np.array([0.8, 0.9]), np.array([1.0, 0.7]))
        base = HonestScore(np.array([1.0, 1.0]), np.array([1.0, 1.0]))
        np.testing.assert_allclose(judging._gain(version, base), [0.1, 0.2])

    def test_better_means_a_gain_larger_than_its_spread(self):
        self.assertTrue(judgement([0.05, 0.04]).better)
        self.assertFalse(judgement([0.10, -0.02]).better)
        self.assertFalse(judgement([-0.01, -0.01]).better)

    def test_a_history_too_short_for_two_windows_is_not_judged_and_says_so(self):
        # 39 months, season 12: the last 24 leave 15 before them, under the 24 two windows
        # need, so the served choice cannot be scored twice (carparts' backtest is this shape)
        values = np.random.default_rng(3).poisson(3.0, (6, 39)).astype(float)
        fit = self.short_fit(values)
        self.assertFalse(fit.accepted)
        self.assertIsNone(fit.served)
        self.assertIsNone(fit.continued)
        self.assertIn("Too little history to judge it: the last 24 periods", fit.reason)
        self.assertNotIn("nan", fit.reason)

    def test_a_rejected_version_is_continued_on_every_day_only_when_asked(self):
        values = np.random.default_rng(3).poisson(3.0, (6, 39)).astype(float)
        fit = self.short_fit(values, continue_always=True)
        self.assertFalse(fit.accepted)
        self.assertIsNone(fit.served)  # never served
        self.assertIsNot(fit.continued, fit.judged)
        judged, continued = fit.judged.state_dict(), fit.continued.state_dict()
        self.assertTrue(any(not torch.equal(judged[k], continued[k]) for k in judged))

    def short_fit(self, values, **options):
        return fine_tuning.cross_fit(
            base=network.build(seed=0),
            values=values,
            covariates=Covariates(),
            mode="lora",
            steps=2,
            batch_size=2,
            horizon=12,
            season=12,
            device="cpu",
            **options,
        )


@override_settings(FINE_TUNE_BATCH_SIZE=4)
class ResumeTests(MerchantWithHistory, TestCase):
    def test_a_training_run_whose_worker_died_is_resumed_once(self):
        run = assert_resumed_by_its_claimant(
            self, fine_tuning.training_run_execute, TrainingRun, self.merchant, steps=2
        )
        self.assertIsNone(  # delivered once more: the run is done, nothing is trained again
            fine_tuning.training_run_execute(
                merchant=self.merchant, run_id=run.pk, claimant="task-1"
            )
        )
        with tenant_context(self.merchant):
            self.assertEqual(ModelVersion.objects.for_merchant(self.merchant).count(), 1)

    def test_the_nightly_run_explains_the_skus_planning_asks_for(self):
        from forecasting.engine import explain_forecasts

        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=14)
        run = forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        with tenant_context(self.merchant):
            first = SeriesForecast.objects.for_merchant(self.merchant).filter(run=run).first()
            self.assertEqual(
                explain_forecasts(merchant=self.merchant, run=run, sku_ids=[first.sku_id]), 1
            )
            self.assertEqual(
                explain_forecasts(merchant=self.merchant, run=run, sku_ids=[first.sku_id]), 0
            )
            first.refresh_from_db()
            explained = first.explanation
            others = SeriesForecast.objects.for_merchant(self.merchant).filter(
                run=run, explanation__isnull=False
            )
            self.assertEqual(others.count(), 1)
        # the explained total is the stored forecast's own 28-day median total as its page
        # reads it (14 days forecast here, so the first 14), and the SHAP values add up to it
        self.assertAlmostEqual(explained["forecast"], median_total(stored_paths(first)), places=2)
        total = explained["base_value"] + sum(g["value"] for g in explained["groups"])
        self.assertAlmostEqual(total, explained["forecast"], places=2)


@override_settings(FINE_TUNE_BATCH_SIZE=4)
class PeriodicHistoryTests(TestCase):
    """Sales that repeat exactly week on week: MASE is undefined (its seasonal scale is 0).
    The version is still kept, its MASE stored as null (PostgreSQL's jsonb refuses NaN)."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory()
        location = LocationFactory(merchant=cls.merchant)
        rows = []
        for index in range(2):
            sku = SKUFactory(merchant=cls.merchant, code=f"P{index}")
            for day in range(90):
                date = START + dt.timedelta(days=day)
                rows.append(
                    SalesDay(
                        merchant=cls.merchant, sku=sku, location=location, date=date,
                        units=Decimal(date.weekday() + index + 1),
                    )
                )  # fmt: skip
        with tenant_context(cls.merchant):
            SalesDay.objects.bulk_create(rows)

    def test_an_undefined_score_is_stored_as_null(self):
        with self.captureOnCommitCallbacks(execute=True):
            run = services.training_run_create(merchant=self.merchant, steps=2)
        with tenant_context(self.merchant):
            run = (
                TrainingRun.objects.for_merchant(self.merchant)
                .select_related("version")
                .get(pk=run.pk)
            )
            self.assertEqual(run.status, TrainingRun.Status.SUCCEEDED, run.message)
            metrics = run.version.metrics
        self.assertIsNone(metrics["seasonal_naive"]["MASE"])
        self.assertEqual(metrics["seasonal_naive"]["WQL"], 0)  # repeating last week is exact
        self.assertIsNone(metrics["version"]["MASE"])
