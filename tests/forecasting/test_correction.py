"""How much of the network's correction each series keeps: chosen on the periods before the
origin, weighed with the whole panel's choice, moving the whole fan with its median."""

from __future__ import annotations

from unittest import mock

import numpy as np
from django.test import SimpleTestCase

from forecasting import capabilities, registry
from forecasting.metrics import score
from forecasting.neural import inference, network
from forecasting.neural.inference import (
    CORRECTION_SHARES,
    Covariates,
    TransformerCandidate,
    correction_shares,
    hold_known_days,
    keep_share,
    known_days,
    tasks_for,
)
from forecasting.neural.network import Task
from forecasting.quantiles import LEVELS, MEDIAN_INDEX, level_index
from forecasting.selection import SELECTION_PERIODS


class ShareChoiceTests(SimpleTestCase):
    def test_each_series_takes_its_own_best_share_when_the_panel_is_indifferent(self):
        rising = np.arange(len(CORRECTION_SHARES), dtype=float)
        losses = np.stack([rising, rising[::-1]])  # the panel's total is the same at each share
        np.testing.assert_array_equal(correction_shares(losses), [0.0, 1.0])

    def test_the_panel_outweighs_a_series_that_barely_prefers_otherwise(self):
        # ten series lose far less with the whole correction; one barely prefers none
        losses = np.tile([10.0, 8.0, 6.0, 4.0, 1.0], (10, 1))
        losses = np.vstack([losses, [1.00, 1.01, 1.02, 1.03, 1.04]])
        shares = correction_shares(losses)
        np.testing.assert_array_equal(shares, np.ones(11))

    def test_a_series_with_nothing_observed_follows_the_panel(self):
        losses = np.array([[5.0, 4.0, 3.0, 2.0, 9.0], [0.0, 0.0, 0.0, 0.0, 0.0]])
        np.testing.assert_array_equal(correction_shares(losses), [0.75, 0.75])


class KeepShareTests(SimpleTestCase):
    def setUp(self):
        self.quantiles = np.stack([np.full((1, 4), 10.0 + 2 * i) for i in range(len(LEVELS))], 1)
        self.anchors = np.full((1, 4), 6.0)

    def test_no_share_puts_the_median_on_the_anchor_and_keeps_the_spread(self):
        moved = keep_share(self.quantiles, self.anchors, np.array([0.0]))
        np.testing.assert_allclose(moved[0, MEDIAN_INDEX], 6.0)
        upper, lower = level_index(0.9), level_index(0.1)
        np.testing.assert_allclose(
            moved[0, upper] - moved[0, MEDIAN_INDEX],
            self.quantiles[0, upper] - self.quantiles[0, MEDIAN_INDEX],
        )
        # the lowest levels would fall below zero: they stop there
        self.assertEqual(moved[0, lower].min(), max(0.0, 6.0 - 2 * (MEDIAN_INDEX - lower)))
        self.assertGreaterEqual(moved.min(), 0.0)

    def test_the_whole_share_changes_nothing_and_half_goes_halfway(self):
        np.testing.assert_allclose(
            keep_share(self.quantiles, self.anchors, np.array([1.0])), self.quantiles
        )
        half = keep_share(self.quantiles, self.anchors, np.array([0.5]))
        median = self.quantiles[0, MEDIAN_INDEX, 0]
        np.testing.assert_allclose(half[0, MEDIAN_INDEX], (median + 6.0) / 2)


class CheckedCandidateTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = registry.base_model()
        cls.cases = {case.name: case for case in capabilities.cases()}

    def test_tasks_carry_the_callers_season_to_the_anchor(self):
        (task,) = tasks_for(np.ones((1, 40)), 12, season=12)
        self.assertEqual(task.season, 12)

    def test_where_the_anchor_fits_the_check_gives_a_better_forecast(self):
        # a clean trend times a weekly pattern: the anchor's trend and season have it, and the
        # whole correction bends it (on the shipped weights MASE 1.04 unchecked, 0.85 checked;
        # a level that stepped weeks ago, where the weights before them added more noise, is
        # now 0.69 unchecked against 0.67)
        case = self.cases["trend_weekly"]
        checked = TransformerCandidate(self.model)(case.history, 28, 7)
        unchecked = TransformerCandidate(self.model, checked=False)(case.history, 28, 7)
        mase = lambda q: score(list(case.history), list(case.actual), list(q), 7).mase  # noqa: E731
        self.assertLess(mase(checked), mase(unchecked) - 0.05)

    def test_a_clean_trend_keeps_less_than_the_whole_correction(self):
        case = self.cases["trend_weekly"]
        shares = TransformerCandidate(self.model).shares(case.history, 28, 7)
        self.assertTrue(set(shares) <= set(CORRECTION_SHARES))
        self.assertLess(shares.mean(), 0.75)

    def test_a_subset_of_rows_gets_the_same_forecast_as_in_the_whole_panel(self):
        case = self.cases["poisson_weekly"]
        # in float32: bfloat16's rounding depends a little on the size of the batch
        with mock.patch.object(network, "BFLOAT16_ON_CPU", False):
            whole = TransformerCandidate(self.model)(case.history, 28, 7)
            rows = np.array([5, 2])
            # a fresh candidate asked for two rows still judges them within the whole panel
            some = TransformerCandidate(self.model)(case.history, 28, 7, rows=rows)
        np.testing.assert_allclose(some, whole[rows], atol=1e-4)
        alone = TransformerCandidate(self.model)(case.history[rows], 28, 7)
        self.assertFalse(np.allclose(alone, whole[rows], atol=1e-4))

    def test_a_subset_of_rows_is_anchored_with_the_whole_panel(self):
        # the anchor pools a promotion's effect over the series anchored together: a row asked
        # for alone must still get the effect the whole panel gives it
        case = self.cases["promotion"]
        covariates = Covariates(known=case.known)
        rows = np.array([3])
        with mock.patch.object(network, "BFLOAT16_ON_CPU", False):
            whole = TransformerCandidate(self.model, covariates, checked=False)
            some = TransformerCandidate(self.model, covariates, checked=False)
            np.testing.assert_allclose(
                some(case.history, 28, 7, rows=rows), whole(case.history, 28, 7)[rows], atol=1e-4
            )
            tasks = tasks_for(case.history, 28, covariates, rows)
            alone = network.predict(self.model, tasks, 28)
        self.assertFalse(np.allclose(alone, whole(case.history, 28, 7)[rows], atol=1e-4))

    def test_a_fixed_share_is_used_for_every_series(self):
        case = self.cases["level_shift"]
        network = TransformerCandidate(self.model, checked=False)(case.history, 28, 7)
        anchor = TransformerCandidate(self.model, share=0.0)(case.history, 28, 7)
        whole = TransformerCandidate(self.model, share=1.0)(case.history, 28, 7)
        np.testing.assert_allclose(whole, network, atol=1e-5)
        self.assertGreater(np.abs(anchor - network).max(), 0.5)

    def test_too_short_to_look_back_keeps_the_whole_correction(self):
        candidate = TransformerCandidate(self.model)
        np.testing.assert_array_equal(candidate.shares(np.ones((2, 2)), 7, 7), 1.0)


class KeptForecastTests(SimpleTestCase):
    """A candidate forecasts each origin of a panel once: the selection windows' forecasts
    serve the checks of the windows after them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = registry.base_model()
        cls.panel = np.random.default_rng(4).poisson(5.0, (6, 150)).astype(float)

    def counted(self):
        return mock.patch.object(inference, "predict", wraps=inference.predict)

    def test_the_next_windows_check_reuses_the_window_before(self):
        candidate = TransformerCandidate(self.model)
        with self.counted() as predicted:
            earlier = candidate(self.panel[:, :-28], 28, 7)  # its forecast and its check
            later = candidate(self.panel, 28, 7)  # checked from the origin forecast above
        self.assertEqual(predicted.call_count, 3)
        np.testing.assert_array_equal(
            earlier, TransformerCandidate(self.model)(self.panel[:, :-28], 28, 7)
        )
        np.testing.assert_array_equal(later, TransformerCandidate(self.model)(self.panel, 28, 7))

    def test_a_longer_horizon_is_checked_on_at_most_a_selection_window(self):
        candidate = TransformerCandidate(self.model)
        with self.counted() as predicted:
            candidate(self.panel[:, :-SELECTION_PERIODS], SELECTION_PERIODS, 7)
            candidate(self.panel, 56, 7)
        # the 56-period forecast's check is the forecast made a window back, not a new one
        self.assertEqual(predicted.call_count, 3)
        checked = [call.args[2] for call in predicted.call_args_list]
        self.assertEqual(checked, [SELECTION_PERIODS, SELECTION_PERIODS, 56])

    def test_another_panel_of_the_same_shape_gets_its_own_forecast(self):
        candidate = TransformerCandidate(self.model)
        other = self.panel[::-1].copy() + 3.0
        first, second = candidate(self.panel, 28, 7), candidate(other, 28, 7)
        np.testing.assert_array_equal(second, TransformerCandidate(self.model)(other, 28, 7))
        self.assertFalse(np.allclose(first, second))


class TailCeilingTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = registry.base_model()

    def test_a_series_that_almost_never_sells_gets_no_burst_of_thousands(self):
        panel = np.zeros((3, 365))
        panel[0, 332] = 1.0  # one unit in a year, a month ago
        panel[1, [315, 316]] = [2.0, 1.0]
        panel[2] = np.random.default_rng(6).poisson(20.0, 365)  # an ordinary seller
        for checked in (True, False):
            quantiles = TransformerCandidate(self.model, checked=checked)(panel, 56, 7)
            self.assertLessEqual(quantiles[0].max(), inference.TAIL_CEILING * 1.0)
            self.assertLessEqual(quantiles[1].max(), inference.TAIL_CEILING * 2.0)
        with mock.patch.object(inference, "TAIL_CEILING", np.inf):
            free = TransformerCandidate(self.model, checked=False)(panel, 56, 7)
        self.assertGreater(free[:2].max(), 100.0)  # without it, it bursts
        # where the network stays within it, the ceiling changes nothing
        np.testing.assert_array_equal(quantiles[2], free[2])

    def test_the_ceiling_is_the_largest_observed_demand_and_at_least_one_unit(self):
        history = np.array([np.nan, 0.0, 7.0, 3.0])
        ceilings = inference.ceilings(
            [Task(history), Task(np.zeros(5)), Task(np.full(4, np.nan))]
        ).ravel()
        np.testing.assert_array_equal(ceilings, inference.TAIL_CEILING * np.array([7.0, 1.0, 1.0]))


class KnownDaysTests(SimpleTestCase):
    def test_flags_and_price_changes_ahead_are_known_days(self):
        known = np.zeros((3, 14))
        known[0] = 10.0
        known[0, 12] = 8.0  # a price cut on the third day ahead
        known[1, 10] = 1  # a promotion on the first day ahead
        known[2, 13] = 1  # an event on the fourth
        known[0, 11] = np.nan  # no price planned: not a change
        (days,) = known_days([Task(np.ones(10), known=known)], 4)
        np.testing.assert_array_equal(days, [True, False, True, True])
        (none,) = known_days([Task(np.ones(10))], 4)
        self.assertFalse(none.any())

    def test_known_days_keep_the_networks_response_scaled_with_the_level(self):
        original = np.ones((1, len(LEVELS), 4)) * np.array([10.0, 10.0, 20.0, 10.0])
        moved = original * 0.5  # the check halved the ordinary days
        days = np.array([[False, False, True, False]])
        held = hold_known_days(original, moved, days)
        np.testing.assert_allclose(held[0, MEDIAN_INDEX], [5.0, 5.0, 10.0, 5.0])
        np.testing.assert_allclose(hold_known_days(original, moved, ~days | days), original)

    def test_a_promotion_ahead_keeps_its_lift_through_the_check(self):
        case = next(c for c in capabilities.cases() if c.name == "promotion")
        model = registry.base_model()
        covariates = Covariates(known=case.known)
        checked = TransformerCandidate(model, covariates)(case.history, 28, 7)
        network = TransformerCandidate(model, covariates, checked=False)(case.history, 28, 7)
        flags = np.stack([case.known[row][1, -28:] for row in range(len(case.history))]) > 0
        lift = lambda q: q[:, MEDIAN_INDEX][flags].mean() / q[:, MEDIAN_INDEX][~flags].mean()  # noqa: E731
        self.assertAlmostEqual(lift(checked), lift(network), delta=0.1 * lift(network))
