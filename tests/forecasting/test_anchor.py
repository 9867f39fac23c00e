"""The transformer's anchor: smoothing with a shrunk seasonal profile, a trend only where the
recent history supports it (not a level shift), a longer cycle only where it repeats clearly,
and promotion and event effects learned from the series' own flagged days."""

import numpy as np
from django.test import SimpleTestCase

from forecasting.baselines import (
    detrended,
    exponential_smoothing,
    seasonal_profiles,
    smoothing_fit,
)
from forecasting.neural.anchor import DAY_OFF, EVENT_ROW, PROMOTION_ROW, SHOPPING_DAY, anchor_panel
from forecasting.quantiles import MEDIAN_INDEX

T = np.arange(140, dtype=float)


class AnchorTests(SimpleTestCase):
    def test_without_trend_or_flags_it_is_exponential_smoothing(self):
        # 15 weeks: too few for the profile to lean on a longer past (the next test)
        rng = np.random.default_rng(0)
        history = rng.poisson(10 * np.tile([1.0, 1, 1, 1, 2, 3, 0.5], 15)).astype(float)[None]
        path = anchor_panel(history, 14, 7)
        expected = exponential_smoothing(history, 14, 7)[0, MEDIAN_INDEX]
        np.testing.assert_allclose(path[0, -14:], expected, rtol=1e-6)
        self.assertEqual(path.shape, (1, 119))

    def test_a_weekly_pattern_that_held_is_read_from_all_its_weeks(self):
        rng = np.random.default_rng(0)
        week = np.array([1.0, 1, 1, 1, 2, 3, 0.5])
        history = rng.poisson(10 * np.tile(week, 40), (100, 280)).astype(float)
        ahead = anchor_panel(history, 14, 7)[:, -14:]
        smoothing = exponential_smoothing(history, 14, 7)[:, MEDIAN_INDEX]
        truth = 10 * np.tile(week, 2)
        error = np.abs(ahead - truth).mean()
        # exponential smoothing reads its profile from the last 8 weeks
        self.assertLess(error, 0.8 * np.abs(smoothing - truth).mean())

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

    def test_a_trend_times_a_weekly_pattern_is_carried_on(self):
        rng = np.random.default_rng(5)
        week = np.array([0.5, 0.8, 1.0, 1.0, 1.2, 1.5, 1.0])
        level = 40 + 0.25 * np.arange(168)
        truth = level * week[np.arange(168) % 7]
        history = truth[:140] + rng.normal(0, 2.5, (20, 140))
        profile = seasonal_profiles(history, 7, detrend=True)
        np.testing.assert_allclose(profile, np.tile(week / week.mean(), (20, 1)), atol=0.04)
        ahead = anchor_panel(history, 28, 7)[:, -28:]
        error = np.abs(ahead - truth[140:]).mean() / truth[140:].mean()
        self.assertLess(error, 0.025)  # a trend lost to the weekly pattern's noise: about 3.5%

    def test_a_monthly_cycle_is_found_and_carried_on(self):
        rng = np.random.default_rng(6)
        t = np.arange(224)
        wave = 30 * (1 + 0.5 * np.sin(2 * np.pi * t / 30)) + rng.normal(0, 1.5, 224)
        ahead = anchor_panel(wave[None, :196], 28, 7)[0, -28:]
        error = np.abs(ahead - wave[196:]).mean() / wave[196:].mean()
        self.assertLess(error, 0.08)  # a flat level is about 30% off on a wave of this size
        flat = np.abs(wave[168:196].mean() - wave[196:]).mean() / wave[196:].mean()
        self.assertGreater(flat, 0.2)

    def test_weekly_demand_and_noise_get_no_longer_cycle(self):
        rng = np.random.default_rng(7)
        weekly = rng.poisson(10 * np.tile([1.0, 1, 1, 1, 2, 3, 0.5], 28)).astype(float)
        noise = rng.poisson(8, 196).astype(float)
        panel = np.stack([weekly, noise])
        path = anchor_panel(panel, 28, 7)[:, -28:]
        np.testing.assert_allclose(path[:, 7:], path[:, :-7], rtol=1e-9)  # the week repeated
        # smoothing under the profile the anchor reads (28 weeks: leaning on all of them)
        fit = smoothing_fit(panel, 7, detrend=True, steady=True)
        expected = fit.level[:, None] * fit.profiles[:, (196 + np.arange(28)) % 7]
        np.testing.assert_allclose(path, expected, rtol=0.05)

    def test_detrending_takes_out_a_clear_line_and_leaves_noise_alone(self):
        rng = np.random.default_rng(8)
        line = (20 + 0.5 * np.arange(56) + rng.normal(0, 0.5, 56))[None]
        self.assertLess(np.std(detrended(line)), 0.1 * np.std(line))
        noise = rng.poisson(8, (1, 56)).astype(float)
        slope = np.polyfit(np.arange(56), noise[0], 1)[0]
        if abs(slope) < 0.02:  # a slope this faint is well inside the noise: nothing taken out
            np.testing.assert_allclose(detrended(noise), noise, rtol=0.02)

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

    def test_a_series_that_never_saw_a_flag_takes_its_effect_on_the_others(self):
        rng = np.random.default_rng(8)
        flags = np.zeros((6, 2, 154))
        for start in (20, 50, 80, 110, 145):
            flags[:5, PROMOTION_ROW, start : start + 5] = 1
        flags[5, PROMOTION_ROW, 145:150] = 1  # its first promotion lies ahead
        demand = 10.0 * (1 + flags[:, PROMOTION_ROW, :140])  # twice as much when promoted
        history = rng.poisson(demand).astype(float)
        paths = anchor_panel(history, 14, 7, flags)
        new = paths[5]
        lift = new[145:150].mean() / new[[140, 141, 142, 143, 144, 150, 151]].mean()
        self.assertAlmostEqual(lift, 2.0, delta=0.25)
        # alone, with no promotion of its own in history, it had no effect to go by
        alone = anchor_panel(history[5:], 14, 7, flags[5:])[0]
        self.assertLess(np.ptp(alone[140:]), 0.25 * alone[140:].mean())
        # a series with many promotions of its own keeps mostly its own effect
        flags[0, PROMOTION_ROW, :140] = 0
        for start in range(3, 140, 10):
            flags[0, PROMOTION_ROW, start : start + 3] = 1
        history[0] = rng.poisson(10.0 * (1 + 3 * flags[0, PROMOTION_ROW, :140]))
        own = anchor_panel(history, 14, 7, flags)[0]
        self.assertGreater(own[145:150].mean() / own[[140, 141, 142, 143, 144]].mean(), 3.0)

    def test_the_days_beside_an_event_move_by_what_they_did_before(self):
        # a shop closed on its holidays (nothing observed): the day before sells half again,
        # the day after twice the usual
        rng = np.random.default_rng(5)
        flags = np.zeros((1, 3, 154))
        days = (16, 38, 60, 82, 104, 147)  # their neighbours on every weekday
        flags[0, EVENT_ROW, list(days)] = 1
        demand = np.full(140, 10.0)
        for day in days[:-1]:
            demand[day - 1], demand[day + 1] = 15.0, 20.0
        history = rng.poisson(demand).astype(float)
        history[list(days[:-1])] = np.nan
        path = anchor_panel(history[None], 14, 7, flags)[0]
        plain = path[[140, 141, 142, 143, 144, 150, 151, 152]].mean()
        # five of each seen, trusted 5 / (5 + 3) of the way (1.31 and 1.62; a little less,
        # as the smoothed level takes a share of them)
        self.assertGreater(path[146] / plain, 1.2)  # the day before the holiday
        self.assertGreater(path[148] / plain, 1.35)  # the day after
        self.assertAlmostEqual(plain, 10, delta=1.0)
        # with another season than the week's, periods are not days: nothing moves beside
        # an event (the holidays themselves were never observed, so they move nothing either)
        unflagged = np.zeros_like(flags)
        np.testing.assert_allclose(
            anchor_panel(history[None], 14, 12, flags),
            anchor_panel(history[None], 14, 12, unflagged),
        )

    def test_a_festival_is_not_a_day_off_and_has_its_own_effect(self):
        # the shop shuts on its holidays and sells twice the usual the day after each; a
        # festival (a shopping day) sold three times the usual on each of its days
        rng = np.random.default_rng(6)
        flags = np.zeros((1, 3, 154))
        holidays, festivals = (16, 38, 60, 82, 104), (27, 71, 115, 145)
        flags[0, EVENT_ROW, list(holidays)] = DAY_OFF
        flags[0, EVENT_ROW, list(festivals)] = SHOPPING_DAY
        demand = np.full(140, 10.0)
        for day in holidays:
            demand[day + 1] = 20.0
        demand[list(festivals[:-1])] = 30.0
        history = rng.poisson(demand).astype(float)
        history[list(holidays)] = np.nan
        path = anchor_panel(history[None], 14, 7, flags)[0]
        plain = path[[140, 141, 142, 143, 144, 150, 151, 152]].mean()
        # three festival days seen, trusted 3 / (3 + 3) of the way to 3x: about 2x
        self.assertGreater(path[145] / plain, 1.7)
        # the day after a festival is an ordinary day: no catch-up after a closure
        self.assertAlmostEqual(path[146] / plain, 1.0, delta=0.15)
        # read as one kind, the festival's day after would take the holidays' catch-up,
        # and the festival's own effect would be mixed with the holidays' (never observed)
        same = flags.copy()
        same[0, EVENT_ROW] = np.ceil(same[0, EVENT_ROW])
        mixed = anchor_panel(history[None], 14, 7, same)[0]
        self.assertGreater(mixed[146] / plain, 1.3)

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

    def test_a_history_shorter_than_two_seasons_is_anchored_too(self):
        history = np.random.default_rng(9).poisson(3.0, (2, 12)).astype(float)
        path = anchor_panel(history, 12, 12)
        self.assertEqual(path.shape, (2, 24))
        self.assertTrue(np.isfinite(path).all())

    def test_a_series_with_nothing_observed_has_no_anchor(self):
        path = anchor_panel(np.full((1, 30), np.nan), 7, 7)
        self.assertTrue(np.isnan(path).all())
