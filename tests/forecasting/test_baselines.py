"""The baselines: shape and sanity of their quantiles, and that each does what it is for."""

import numpy as np
from django.test import SimpleTestCase

from forecasting.baselines import (
    BASELINES,
    average_demand_interval,
    exponential_smoothing,
    forecast_one,
    seasonal_profiles,
    suggested,
)
from forecasting.quantiles import LEVELS, MEDIAN_INDEX

RNG = np.random.default_rng(7)


def assert_well_formed(test, quantiles, horizon):
    test.assertEqual(quantiles.shape, (len(LEVELS), horizon))
    test.assertTrue(np.all(quantiles >= 0))
    test.assertTrue(np.all(np.diff(quantiles, axis=0) >= -1e-9), "quantiles must not cross")


class BaselineTests(SimpleTestCase):
    def test_seasonal_naive_repeats_an_exact_weekly_pattern(self):
        week = np.array([5.0, 7, 6, 9, 12, 3, 0])
        quantiles = forecast_one("seasonal_naive", np.tile(week, 8), 14, 7)
        assert_well_formed(self, quantiles, 14)
        np.testing.assert_allclose(quantiles[MEDIAN_INDEX], np.tile(week, 2))
        np.testing.assert_allclose(quantiles[0], quantiles[-1])  # no error, no spread

    def test_exponential_smoothing_follows_the_level_and_the_week(self):
        week = np.array([1.0, 1, 1, 1, 2, 3, 0.5])
        history = np.tile(week, 20) * 10 + RNG.normal(0, 0.5, 140)
        quantiles = forecast_one("exponential_smoothing", history, 7, 7)
        assert_well_formed(self, quantiles, 7)
        np.testing.assert_allclose(quantiles[MEDIAN_INDEX], week * 10, rtol=0.15)
        self.assertTrue(np.all(quantiles[-1] > quantiles[0]))

    def test_a_weekly_profile_no_stronger_than_the_noise_is_flattened(self):
        rng = np.random.default_rng(11)
        noise = rng.poisson(3.0, (200, 140)).astype(float)  # no weekly pattern at all
        median = exponential_smoothing(noise, 7, 7)[:, MEDIAN_INDEX]
        # unshrunk, eight weeks of Poisson(3) give weekday means about 20% apart
        spread = (median.max(axis=1) - median.min(axis=1)) / median.mean(axis=1)
        self.assertLess(np.median(spread), 0.08)
        pattern = np.tile([1.0, 1, 1, 1, 2, 3, 0.5], 20) * 30
        strong = exponential_smoothing(rng.poisson(pattern[None]).astype(float), 7, 7)
        np.testing.assert_allclose(strong[0, MEDIAN_INDEX], pattern[:7], rtol=0.2)  # kept whole

    def test_a_steady_profile_is_read_from_its_longer_past_and_a_moved_one_from_its_recent(self):
        rng = np.random.default_rng(13)
        week = np.array([0.6, 0.8, 1.0, 1.0, 1.2, 1.6, 0.8])
        truth = week / week.mean()
        steady = np.tile(week, 40) * 20 + rng.normal(0, 3.0, (200, 280))
        error = {
            lean: np.sqrt(((seasonal_profiles(steady, 7, steady=lean) - truth) ** 2).mean())
            for lean in (False, True)
        }
        # 40 weeks behind each weekday's mean instead of 8: its noise about halves
        self.assertLess(error[True], 0.6 * error[False])
        moved = np.array([1.6, 1.2, 1.0, 1.0, 0.8, 0.6, 0.8])
        shifted = np.concatenate([np.tile(week, 32), np.tile(moved, 8)]) * 20
        shifted = shifted + rng.normal(0, 3.0, (200, 280))
        recent = seasonal_profiles(shifted, 7, steady=True)
        # the weekdays that swapped keep their new shape, not the average of the two
        np.testing.assert_allclose(np.median(recent, axis=0), moved / moved.mean(), atol=0.06)

    def test_exponential_smoothing_of_a_constant(self):
        quantiles = forecast_one("exponential_smoothing", np.full(60, 4.0), 5, 1)
        np.testing.assert_allclose(quantiles, 4.0)

    def test_tsb_on_intermittent_demand(self):
        history = np.where(RNG.random(400) < 0.2, RNG.integers(1, 6, 400), 0).astype(float)
        quantiles = forecast_one("tsb", history, 10, 1)
        assert_well_formed(self, quantiles, 10)
        self.assertTrue(np.all(quantiles[MEDIAN_INDEX] == 0))  # most days have no demand
        self.assertTrue(np.all(quantiles[-1] >= 3))  # but a 99% level covers a real order

    def test_unobserved_days_are_skipped_not_read_as_zero(self):
        history = np.tile([10.0, 10, 10, 10, 10, np.nan, 10], 10)
        for model in BASELINES:
            with self.subTest(model=model):
                quantiles = forecast_one(model, history, 7, 7)
                assert_well_formed(self, quantiles, 7)
                self.assertGreater(quantiles[MEDIAN_INDEX].mean(), 8)

    def test_no_history_forecasts_zero(self):
        for model in BASELINES:
            with self.subTest(model=model):
                np.testing.assert_array_equal(forecast_one(model, np.array([np.nan]), 3, 7), 0)

    def test_the_baseline_is_chosen_by_intermittency(self):
        smooth = np.full(100, 5.0)
        lumpy = np.where(np.arange(100) % 5 == 0, 5.0, 0.0)
        panel = np.stack([smooth, lumpy])
        np.testing.assert_array_equal(average_demand_interval(panel), [1.0, 5.0])
        self.assertEqual(list(suggested(panel)), ["exponential_smoothing", "tsb"])

    def test_a_panel_gives_each_series_what_it_would_get_alone(self):
        panel = np.stack(
            [
                np.tile([3.0, 4, 5, 4, 3, 9, np.nan], 12),
                np.where(RNG.random(84) < 0.25, 2.0, 0.0),
                np.full(84, np.nan),
            ]
        )
        for name, model in BASELINES.items():
            with self.subTest(model=name):
                together = model(panel, 14, 7)
                for row in range(len(panel)):
                    np.testing.assert_allclose(together[row], forecast_one(name, panel[row], 14, 7))
