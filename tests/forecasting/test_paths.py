"""Demand over a lead time from daily quantiles: the right sum, wider when days move
together, an uncertain lead time handled per path, and the common share fitted to the sums
that came."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from django.test import SimpleTestCase
from scipy import stats

from forecasting.paths import (
    COMMON_SHARE,
    expected_demand,
    fit_common_share,
    lead_time_demand,
    quantile_function,
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


def poisson_windows(rng, series: int, days: int, rate: float, level_spread: float):
    """(quantiles (series, levels, days), actual (series, days)): every day forecast as
    Poisson at ``rate``; what came is Poisson at ``rate`` times one level per series drawn
    for the whole window (lognormal, ``level_spread`` its sigma; 0: the forecast's law)."""
    right = stats.poisson.ppf(LEVELS, rate)
    quantiles = np.repeat(np.tile(right[:, None], (1, days))[None], series, axis=0)
    levels = np.exp(rng.normal(-(level_spread**2) / 2, level_spread, (series, 1)))
    return quantiles, rng.poisson(rate * levels, (series, days)).astype(float)


class CommonShareFitTests(SimpleTestCase):
    """`fit_common_share`: the share that the sums which came call for, not a fixed one."""

    def test_days_that_came_as_forecast_call_for_little_common_share(self):
        quantiles, actual = poisson_windows(np.random.default_rng(1), 200, 28, 6.0, 0.0)
        share = fit_common_share(quantiles, actual, np.zeros(200))
        self.assertLessEqual(share, 0.05)

    def test_a_level_missed_for_the_whole_window_calls_for_a_large_share(self):
        quantiles, actual = poisson_windows(np.random.default_rng(2), 200, 28, 6.0, 0.35)
        share = fit_common_share(quantiles, actual, np.zeros(200))
        self.assertGreaterEqual(share, 0.4)

    def test_the_fitted_share_narrows_the_sums_to_what_came(self):
        # at the shipped share the 90th percentile of 14-day sums is passed far less often
        # than one time in ten by days that came as forecast; at the fitted share, about so
        rng = np.random.default_rng(3)
        quantiles, actual = poisson_windows(rng, 300, 28, 6.0, 0.0)
        share = fit_common_share(quantiles, actual, np.zeros(300))
        came = actual[:, :14].sum(axis=1)

        def above_p90(common: float) -> float:
            drawn = sample_paths(quantiles[0], 0.0, 4000, seed=0, common=common)[:, :14]
            return float((came > np.quantile(drawn.sum(axis=1), 0.9)).mean())

        self.assertLess(above_p90(COMMON_SHARE), 0.05)
        self.assertLess(abs(above_p90(share) - 0.10), 0.04)

    def test_closed_days_and_nothing_sold(self):
        quantiles, actual = poisson_windows(np.random.default_rng(4), 50, 28, 6.0, 0.0)
        self.assertIsNone(fit_common_share(quantiles, np.zeros_like(actual), np.zeros(50)))
        actual[:, ::7] = np.nan  # a weekday the shop is shut: left out, not a miss
        self.assertLessEqual(fit_common_share(quantiles, actual, np.zeros(50)), 0.05)

    def test_the_quantile_function_reads_each_series_own_quantiles(self):
        rng = np.random.default_rng(5)
        quantiles = np.sort(rng.gamma(1.0, 3.0, (3, len(LEVELS), 10)), axis=1)
        u = rng.uniform(LEVELS[0], LEVELS[-1], (3, 50, 10))
        u[0, 0, 0], u[1, 0, 0] = 0.001, 0.9999  # below the lowest level, beyond the highest
        drawn = quantile_function(quantiles, u)
        inside = (u >= LEVELS[0]) & (u <= LEVELS[-1])
        for row, day in np.ndindex(3, 10):
            between = inside[row, :, day]
            np.testing.assert_allclose(
                drawn[row, between, day],
                np.interp(u[row, between, day], LEVELS, quantiles[row, :, day]),
            )
        self.assertEqual(drawn[0, 0, 0], quantiles[0, 0, 0])
        self.assertGreater(drawn[1, 0, 0], quantiles[1, -1, 0])
