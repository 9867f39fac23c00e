"""The served choice: judged per demand class on rolling windows, averages where they do
better, level maps that the windows favour, cross-fitted candidates, and each window's honest
score."""

from statistics import NormalDist

import numpy as np
from django.test import SimpleTestCase

from forecasting import judging, selection
from forecasting.baselines import BASELINES
from forecasting.paths import COMMON_SHARE
from forecasting.quantiles import LEVELS


def constant(value_of):
    """A candidate forecasting, for each series, the value ``value_of(history)`` at every level."""

    def forecast(panel, horizon, season):
        values = np.array([value_of(row) for row in panel], dtype=float)
        return np.repeat(values[:, None, None], len(LEVELS), 1).repeat(horizon, 2)

    return forecast


def steady_panel(series=40, level=10.0, length=140):
    return np.full((series, length), level)


class StrategyTests(SimpleTestCase):
    def test_strategies_are_singles_pairs_and_the_transformer_triple(self):
        names = ["seasonal_naive", "exponential_smoothing", "tsb", "transformer"]
        found = selection.strategies(names)
        self.assertEqual(found[:4], names)
        self.assertIn("exponential_smoothing+transformer+tsb", found)
        self.assertIn("seasonal_naive+tsb", found)
        self.assertEqual(len(found), 4 + 6 + 1)
        self.assertTrue(all(len(name) <= 40 for name in found))  # SeriesForecast.model

    def test_an_average_is_the_mean_of_its_parts(self):
        forecasts = {"a": np.full((2, 15, 3), 2.0), "b": np.full((2, 15, 3), 6.0)}
        np.testing.assert_array_equal(selection.combine(forecasts, "a+b"), np.full((2, 15, 3), 4))

    def test_demand_classes(self):
        rng = np.random.default_rng(0)
        smooth = rng.poisson(20, 200).astype(float)
        intermittent = np.where(rng.random(200) < 0.2, 3.0, 0.0)
        lumpy = np.where(rng.random(200) < 0.2, rng.choice([1.0, 40.0], 200), 0.0)
        short = np.concatenate([np.full(180, np.nan), rng.poisson(5, 20)])
        classes = selection.demand_classes(np.stack([smooth, intermittent, lumpy, short]), 7, 28)
        self.assertEqual(list(classes), ["smooth", "intermittent", "lumpy", "short"])


class ChoiceTests(SimpleTestCase):
    def test_an_average_wins_where_it_forecasts_better_than_either_part(self):
        panel = steady_panel()
        candidates = {"high": constant(lambda h: 14.0), "low": constant(lambda h: 6.0)}
        result = selection.forecast_scored(panel, 14, 7, candidates)
        self.assertEqual(set(result.models), {"high+low"})
        np.testing.assert_allclose(result.quantiles, 10.0)

    def test_a_group_too_small_to_judge_takes_the_overall_choice(self):
        # 40 steady series where "right" is exact, and 5 intermittent ones where "zero" is
        # better: too few to be judged as a group, they get the overall choice.
        steady = steady_panel(40)
        rare = np.zeros((5, 140))
        rare[:, ::9] = 10.0
        candidates = {"right": constant(lambda h: 10.0), "zero": constant(lambda h: 0.0)}
        result = selection.forecast_scored(np.vstack([steady, rare]), 14, 7, candidates)
        self.assertEqual(set(result.models), {"right"})
        self.assertNotIn("intermittent", result.choice.by_class)

    def test_each_demand_class_gets_its_own_choice(self):
        steady = steady_panel(40)
        rare = np.zeros((40, 140))
        rare[:, ::9] = 10.0  # median demand 0: the zero forecast's MASE and WQL are lower
        candidates = {"right": constant(lambda h: 10.0), "zero": constant(lambda h: 0.0)}
        result = selection.forecast_scored(np.vstack([steady, rare]), 14, 7, candidates)
        self.assertEqual(result.choice.by_class["smooth"].strategy, "right")
        self.assertEqual(result.choice.by_class["intermittent"].strategy, "zero")
        self.assertEqual(list(result.models[:40]), ["right"] * 40)
        self.assertEqual(list(result.models[40:]), ["zero"] * 40)

    def test_the_judged_twin_is_scored_and_the_served_one_forecasts(self):
        panel = steady_panel()
        # Served alone, "model" would be exact; the twin that judges it is poor on the
        # windows, so the choice must not take it, whatever the served one would have done.
        served = {"model": constant(lambda h: 10.0), "other": constant(lambda h: 12.0)}
        judged = {"model": constant(lambda h: 30.0), "other": constant(lambda h: 12.0)}
        result = selection.forecast_scored(panel, 14, 7, served, judged)
        self.assertEqual(set(result.models), {"other"})
        # and where the judged twin is good, the quantiles served are the served one's
        judged = {"model": constant(lambda h: 10.0), "other": constant(lambda h: 30.0)}
        served = {"model": constant(lambda h: 11.0), "other": constant(lambda h: 30.0)}
        result = selection.forecast_scored(panel, 14, 7, served, judged)
        self.assertEqual(set(result.models), {"model"})
        np.testing.assert_allclose(result.quantiles, 11.0)

    def test_choice_is_judged_on_two_windows_before_the_end(self):
        seen = []

        def spy(panel, horizon, season):
            seen.append((panel.shape[1], horizon))
            return np.zeros((panel.shape[0], len(LEVELS), horizon))

        selection.forecast_scored(steady_panel(3, length=100), 20, 7, {"spy": spy})
        self.assertEqual(seen, [(60, 20), (80, 20), (100, 20)])  # two windows, then served

    def test_windows_are_at_most_28_periods_for_a_longer_horizon(self):
        seen = []

        def spy(panel, horizon, season):
            seen.append((panel.shape[1], horizon))
            return np.zeros((panel.shape[0], len(LEVELS), horizon))

        selection.forecast_scored(steady_panel(3, length=200), 56, 7, {"spy": spy})
        self.assertEqual(seen, [(144, 28), (172, 28), (200, 56)])

    def test_too_short_to_judge_takes_the_transformer_or_the_suggested_baseline(self):
        lumpy = np.array([[0.0, 0, 3, 0, 0, 0, 2, 0, 0]])
        result = selection.forecast_scored(lumpy, 7, 7, BASELINES)
        self.assertEqual(list(result.models), ["tsb"])
        self.assertIsNone(result.choice)
        with_transformer = {**BASELINES, "transformer": constant(lambda h: 1.0)}
        result = selection.forecast_scored(lumpy, 7, 7, with_transformer)
        self.assertEqual(list(result.models), ["transformer"])

    def test_the_choice_keeps_its_score_beside_seasonal_naives(self):
        week = np.array([0.0, 0, 0, 0, 0, 40, 40])
        rng = np.random.default_rng(4)
        exact = np.tile(week, 30)
        panel = np.vstack([np.tile(exact, (35, 1)), rng.poisson(5.0, (35, 210)).astype(float)])
        result = selection.forecast_scored(panel, 7, 7, BASELINES)
        self.assertEqual(result.models[0], "seasonal_naive")
        self.assertEqual((result.score[0], result.naive_score[0]), (0.0, 0.0))  # exact
        noisy = slice(35, 70)
        # on the steady noisy series the chosen strategy beats repeating last week
        self.assertLess(np.mean(result.score[noisy]), np.mean(result.naive_score[noisy]))


def normal_forecast(mean, sd, width=1.0):
    """A candidate forecasting a normal(mean, ``width`` x sd) at every period."""
    z = np.array([NormalDist().inv_cdf(level) for level in LEVELS])

    def forecast(history, horizon, season):
        quantiles = mean + sd * width * z
        return np.tile(quantiles[None, :, None], (history.shape[0], 1, horizon))

    return forecast


class ServedTests(SimpleTestCase):
    def test_a_level_map_reads_between_levels_and_counts_are_whole(self):
        quantiles = np.linspace(0.2, 1.8, len(LEVELS))[None, :, None]  # one series, one period
        levels = LEVELS.copy()
        levels[7] = 0.45  # the median read halfway between the 0.4 and 0.5 quantiles
        read = selection.served(quantiles, np.array([False]), levels)[0, :, 0]
        np.testing.assert_allclose(read[7], (quantiles[0, 6, 0] + quantiles[0, 7, 0]) / 2)
        np.testing.assert_allclose(np.delete(read, 7), np.delete(quantiles[0, :, 0], 7))
        whole = selection.served(quantiles, np.array([True]))[0, :, 0]
        np.testing.assert_array_equal(whole, np.round(quantiles[0, :, 0]))

    def test_whole_units_are_series_of_whole_numbers(self):
        panel = np.array([[1.0, np.nan, 3.0], [1.0, 2.5, 0.0], [np.nan, np.nan, np.nan]])
        self.assertEqual(list(selection.whole_units(panel)), [True, False, True])


class LevelMapTests(SimpleTestCase):
    def test_a_forecast_too_wide_is_drawn_in_to_the_spread_that_happened(self):
        rng = np.random.default_rng(8)
        panel = rng.normal(100, 5, (40, 140))  # not counts: nothing is rounded
        result = selection.forecast_scored(panel, 14, 7, {"wide": normal_forecast(100, 5, 1.4)})
        levels = result.choice.overall.levels
        # the 0.9 served is read where 1.4 z(level) = z(0.9): level 0.82
        self.assertAlmostEqual(levels[LEVELS.tolist().index(0.9)], 0.82, delta=0.03)
        self.assertLess(abs(result.quantiles[0, -1, 0] - (100 + 5 * 2.326)), 1.0)  # not 116.3
        np.testing.assert_allclose(result.quantiles[0, 7, 0], 100, atol=0.5)  # median kept

    def test_a_forecast_too_high_is_read_lower(self):
        rng = np.random.default_rng(3)
        actual = rng.normal(95, 5, (40, 28))  # a normal(100, 5) forecast, 1 sd too high
        quantiles = normal_forecast(100, 5)(actual, 28, 7)
        levels = selection.fit_levels(quantiles, actual)
        # the served median is the forecast's 0.16 quantile (z = -1), shrunk a little
        self.assertAlmostEqual(levels[7], 0.16 + 0.34 * 200 / (1120 + 200), delta=0.04)
        self.assertTrue(np.all(np.diff(levels) >= 0))

    def test_few_periods_move_the_map_little_and_none_not_at_all(self):
        rng = np.random.default_rng(3)
        quantiles = normal_forecast(100, 5)(np.zeros((1, 1)), 10, 7)
        few = selection.fit_levels(quantiles, rng.normal(95, 5, (1, 10)))
        self.assertGreater(few[7], 0.45)  # 10 periods: 10 / 210 of the way at most
        self.assertLess(few[7], 0.5)
        unseen = selection.fit_levels(quantiles, np.full((1, 10), np.nan))
        np.testing.assert_array_equal(unseen, LEVELS)

    def test_a_flat_quantile_function_keeps_its_levels(self):
        # every level of a constant forecast is the same number: no level is better than
        # another, and the map stays where it is
        quantiles = np.full((40, len(LEVELS), 14), 10.0)
        actual = np.random.default_rng(1).poisson(10, (40, 14)).astype(float)
        np.testing.assert_allclose(selection.fit_levels(quantiles, actual), LEVELS)

    def test_the_map_makes_the_choice_and_is_judged_with_it(self):
        # "shifted" has the right shape one sd too high; "flat" the right median and a
        # spread that is far too narrow. Read at the right levels, shifted is exact.
        rng = np.random.default_rng(5)
        panel = rng.normal(100, 5, (40, 140))
        candidates = {"shifted": normal_forecast(105, 5), "flat": normal_forecast(100, 5, 0.2)}
        result = selection.forecast_scored(panel, 14, 7, candidates)
        self.assertEqual(result.choice.overall.strategy, "shifted")
        # its median read near the 0.16 level (z = -1), a little higher for the shrinkage
        median = result.quantiles[:, 7]
        self.assertTrue(np.all((median > 99.5) & (median < 101.5)), median[:, 0])


class CommonShareTests(SimpleTestCase):
    """`forecast_scored` fits each demand class's common share on the windows it judged."""

    def test_a_class_whose_level_moves_month_to_month_gets_a_larger_share(self):
        # smooth series at a steady rate, and intermittent ones whose level is drawn afresh
        # every four weeks, which no candidate can foresee: a window's sum of the second
        # kind misses by one level for the whole window
        rng = np.random.default_rng(6)
        steady = rng.poisson(8.0, (40, 168)).astype(float)
        months = np.repeat(np.exp(rng.normal(-0.5, 1.0, (40, 6))), 28, axis=1)
        moving = rng.poisson(0.4 * months) * rng.choice([1.0, 6.0], (40, 168))
        panel = np.vstack([steady, moving])
        result = selection.forecast_scored(panel, 28, 7, BASELINES)
        classes = selection.demand_classes(panel, 7, 28)
        smooth, lumpy = classes == "smooth", classes == "lumpy"
        self.assertEqual(np.flatnonzero(smooth).tolist(), list(range(40)))
        self.assertGreaterEqual(lumpy.sum(), selection.MIN_GROUP_SERIES)  # judged on its own
        self.assertEqual(len(set(result.common[smooth])), 1)  # one share per class
        self.assertEqual(len(set(result.common[lumpy])), 1)
        self.assertLessEqual(result.common[0], 0.1)
        self.assertGreaterEqual(result.common[lumpy][0], 0.3)

    def test_too_short_to_judge_keeps_the_shipped_share(self):
        lumpy = np.array([[0.0, 0, 3, 0, 0, 0, 2, 0, 0]])
        result = selection.forecast_scored(lumpy, 7, 7, BASELINES)
        self.assertEqual(list(result.common), [COMMON_SHARE])

    def test_a_store_of_few_series_keeps_the_shipped_share(self):
        # the windows of twenty steady series would call for a small share (as the smooth
        # class above), but twenty series are too few to move it
        steady = np.random.default_rng(7).poisson(8.0, (60, 168)).astype(float)
        few = selection.forecast_scored(steady[:20], 28, 7, BASELINES)
        self.assertEqual(set(few.common), {COMMON_SHARE})
        many = selection.forecast_scored(steady, 28, 7, BASELINES)
        self.assertLess(many.common.max(), COMMON_SHARE)


class HonestScoreTests(SimpleTestCase):
    def test_each_window_is_scored_by_a_choice_made_on_the_other(self):
        # "lucky" is exact on the first window only, "steady" is a little off on both: a
        # choice made on both windows takes lucky, but each window judged by the other's
        # choice sees lucky's miss on the second.
        panel = steady_panel(40, length=112)
        panel[:, 98:] = 20.0  # the last window steps up

        def lucky(history, horizon, season):
            value = 10.0 if history.shape[1] == 84 else 0.0
            return np.full((history.shape[0], len(LEVELS), horizon), value)

        def steady(history, horizon, season):
            return np.full((history.shape[0], len(LEVELS), horizon), 12.0)

        windows = selection.window_forecasts(panel, 14, 7, {"lucky": lucky, "steady": steady})
        classes = selection.demand_classes(panel, 7, 14)
        honest = judging.honest_score(windows, classes)
        # window 1 judged by window 2's choice (steady): 2/10 off; window 2 by window 1's
        # choice (lucky, forecasting 0): all of it off
        np.testing.assert_allclose(honest.wql, [0.2, 1.0])
        self.assertTrue(np.isnan(honest.mase).all())  # flat histories: MASE has no scale
