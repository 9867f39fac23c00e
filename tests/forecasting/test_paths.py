"""Demand over a lead time from daily quantiles: the right sum, wider when days move
together, an uncertain lead time handled per path."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from django.test import SimpleTestCase

from forecasting.paths import (
    expected_demand,
    lead_time_demand,
    sample_paths,
    shock_correlation,
)
from forecasting.quantiles import LEVELS


def normal_quantiles(mean: float, sd: float, days: int) -> np.ndarray:
    return np.array([[mean + sd * NormalDist().inv_cdf(level)] * days for level in LEVELS])


class PathTests(SimpleTestCase):
    def test_independent_days_sum_as_the_normal_law_says(self):
        quantiles = normal_quantiles(10, 3, 28)
        low, median, high = lead_time_demand(
            quantiles, 0.0, 14, levels=np.array([0.05, 0.5, 0.95]), count=20_000, common=0.0
        )
        sd = 3 * np.sqrt(14)
        self.assertAlmostEqual(median, 140, delta=1.0)
        self.assertAlmostEqual(high - median, 1.645 * sd, delta=1.0)
        self.assertAlmostEqual(median - low, 1.645 * sd, delta=1.0)

    def test_correlated_days_spread_the_sum_wider(self):
        quantiles = normal_quantiles(10, 3, 28)
        levels = np.array([0.05, 0.95])
        independent = np.diff(lead_time_demand(quantiles, 0.0, 14, levels=levels, common=0))[0]
        persistent = np.diff(lead_time_demand(quantiles, 0.8, 14, levels=levels, common=0))[0]
        shared = np.diff(lead_time_demand(quantiles, 0.0, 14, levels=levels, common=0.3))[0]
        self.assertGreater(persistent, 1.5 * independent)
        # a common factor of 0.3: the sum's variance is 14 + 0.3 x 14 x 13 times a day's
        self.assertAlmostEqual(shared / independent, np.sqrt(1 + 0.3 * 13), delta=0.15)

    def test_each_path_keeps_the_daily_marginals(self):
        quantiles = normal_quantiles(10, 3, 5)
        paths = sample_paths(quantiles, 0.5, count=20_000)
        np.testing.assert_allclose(np.median(paths, axis=0), 10, atol=0.1)
        np.testing.assert_allclose(np.quantile(paths, 0.9, axis=0), 10 + 3 * 1.2816, atol=0.15)

    def test_the_upper_tail_goes_on_beyond_the_highest_level(self):
        # exponential demand with mean 10: the quantile function is -10 log(1 - u)
        quantiles = np.array([[-10 * np.log(1 - level)] * 3 for level in LEVELS])
        paths = sample_paths(quantiles, 0.0, count=200_000)
        self.assertGreater(paths.max(), quantiles[-1, 0] * 1.5)
        np.testing.assert_allclose(paths.mean(axis=0), 10, rtol=0.02)
        np.testing.assert_allclose(np.quantile(paths, 0.999, axis=0), 69.1, rtol=0.05)

    def test_an_uncertain_lead_time_is_one_per_path(self):
        quantiles = normal_quantiles(10, 0.0001, 20)
        lead_times = np.repeat([5, 15], 1000)
        low, high = lead_time_demand(quantiles, 0.0, lead_times, levels=np.array([0.25, 0.75]))
        self.assertAlmostEqual(low, 50, delta=0.5)
        self.assertAlmostEqual(high, 150, delta=0.5)

    def test_shock_correlation_finds_persistence(self):
        rng = np.random.default_rng(0)
        noise = rng.normal(0, 1, (2, 400))
        persistent = np.zeros(400)
        for day in range(1, 400):
            persistent[day] = 0.7 * persistent[day - 1] + noise[1, day]
        values = np.stack([20 + noise[0], 20 + persistent])
        values[0, ::9] = np.nan  # gaps are skipped, not read as zero
        independent, correlated = shock_correlation(values)
        self.assertLess(independent, 0.2)
        self.assertGreater(correlated, 0.5)


class ExpectedDemandTests(SimpleTestCase):
    def test_the_mean_without_drawing_matches_the_drawn_mean(self):
        rng = np.random.default_rng(5)
        quantiles = np.sort(rng.gamma(0.7, 6.0, (len(LEVELS), 20)), axis=0)
        drawn = sample_paths(quantiles, 0.2, count=200_000, seed=1, common=0.0).mean(axis=0)
        np.testing.assert_allclose(expected_demand(quantiles), drawn, rtol=0.02)
