"""The transformer's anchor: smoothing with a shrunk seasonal profile, a trend only where both
halves of the recent history agree on it, and promotion and event effects learned from the
series' own flagged days."""

import numpy as np
from django.test import SimpleTestCase

from forecasting.baselines import exponential_smoothing
from forecasting.neural.anchor import PROMOTION_ROW, anchor_panel
from forecasting.quantiles import MEDIAN_INDEX

T = np.arange(140, dtype=float)


class AnchorTests(SimpleTestCase):
    def test_without_trend_or_flags_it_is_exponential_smoothing(self):
        rng = np.random.default_rng(0)
        history = rng.poisson(10 * np.tile([1.0, 1, 1, 1, 2, 3, 0.5], 20)).astype(float)[None]
        path = anchor_panel(history, 14, 7)
        expected = exponential_smoothing(history, 14, 7)[0, MEDIAN_INDEX]
        np.testing.assert_allclose(path[0, -14:], expected, rtol=1e-6)
        self.assertEqual(path.shape, (1, 154))

    def test_a_clear_trend_is_carried_on(self):
        rng = np.random.default_rng(1)
        history = (50 + 0.5 * T + rng.normal(0, 1, 140))[None]
        ahead = anchor_panel(history, 14, 7)[0, -14:]
        np.testing.assert_allclose(ahead, 50 + 0.5 * np.arange(140, 154), rtol=0.03)

    def test_a_level_shift_is_not_taken_for_a_trend(self):
        rng = np.random.default_rng(2)
        history = np.where(T < 110, 20.0, 40.0) + rng.normal(0, 1, 140)
        ahead = anchor_panel(history[None], 14, 7)[0, -14:]
        self.assertLess(np.ptp(ahead), 2.0)  # flat, not climbing
        np.testing.assert_allclose(ahead, 40, rtol=0.1)

    def test_noise_gets_no_trend(self):
        rng = np.random.default_rng(3)
        history = rng.poisson(8, (50, 140)).astype(float)
        ahead = anchor_panel(history, 28, 7)[:, -28:]
        self.assertLess(np.median(np.abs(ahead[:, -1] - ahead[:, 0])), 0.2)

    def test_a_promotion_lifts_by_what_past_promotions_did(self):
        rng = np.random.default_rng(4)
        flags = np.zeros((1, 2, 154))
        for start in (20, 50, 80, 110, 145):
            flags[0, PROMOTION_ROW, start : start + 5] = 1
        demand = 10.0 * (1 + 2 * flags[0, PROMOTION_ROW, :140])  # three times as much
        history = rng.poisson(demand).astype(float)[None]
        path = anchor_panel(history, 14, 7, flags)[0]
        promoted, plain = path[145:150], path[[140, 141, 142, 143, 144, 150, 151]]
        self.assertGreater(promoted.mean() / plain.mean(), 2.5)
        self.assertAlmostEqual(plain.mean(), 10, delta=1.0)  # the level is not lifted by them
        # with no promotion in history, a planned one moves nothing
        unseen = flags.copy()
        unseen[0, PROMOTION_ROW, :140] = 0
        quiet = anchor_panel(rng.poisson(10.0, (1, 140)).astype(float), 14, 7, unseen)[0]
        self.assertLess(np.ptp(quiet[140:]), 1e-9)

    def test_a_flag_on_most_days_is_the_ordinary_level(self):
        flags = np.ones((1, 2, 147))
        path = anchor_panel(np.full((1, 140), 6.0), 7, 7, flags)[0]
        np.testing.assert_allclose(path[-7:], 6.0)

    def test_intermittent_demand_that_stopped_fades(self):
        history = np.zeros(140)
        history[:100:6] = 5.0  # a part that sold every sixth day, then nobody bought it
        ahead = anchor_panel(history[None], 14, 7)[0, -14:]
        smoothing = exponential_smoothing(history[None], 14, 7)[0, MEDIAN_INDEX]
        self.assertLess(ahead.max(), 0.02)  # TSB's chance of demand decayed over 40 days
        self.assertGreater(smoothing.min(), 0.1)  # the smoothed level still forecasts it

    def test_a_series_with_nothing_observed_has_no_anchor(self):
        path = anchor_panel(np.full((1, 30), np.nan), 7, 7)
        self.assertTrue(np.isnan(path).all())
