"""The replay's calibration on units short (`planning.replays.shortfalls`): an order teaches
only once its review period has passed, the scale follows a drift in what the orders leave
short, and a policy planning from too wide a spread comes back to its target with it."""

from __future__ import annotations

from unittest import mock

import numpy as np
from django.test import SimpleTestCase
from scipy import stats

from forecasting.paths import COMMON_SHARE as COMMON
from forecasting.quantiles import LEVELS
from planning import calibration
from planning.replays import replay, shortfalls


def one_a_day(days: int = 60) -> shortfalls.Shortfalls:
    """One series selling one unit a day, two-day lead times, weekly reviews, no prior."""
    return shortfalls.Shortfalls(
        demand=np.ones((1, days)), lead_days=np.full((1, 9), 2), review=7, prior=0.0
    )


def two_groups(class_prior: float) -> shortfalls.Shortfalls:
    """Two series selling a unit a day in two groups, no store prior, one review's orders
    kept: the first's leave 4 units short where 1 was expected, the second's nothing where 1
    was."""
    learnt = shortfalls.Shortfalls(
        demand=np.ones((2, 60)), lead_days=np.full((2, 9), 2), review=7, prior=0.0,
        groups=np.array(["lumpy", "smooth"], dtype=object), class_prior=class_prior,
    )  # fmt: skip
    learnt.record(0, np.array([5.0, 5.0]), np.array([0.0, 7.0]), np.array([1.0, 1.0]))
    return learnt


def poisson_store(rng, series: int, length: int, rates: tuple[float, float]):
    """(rates, daily units) of ``series`` Poisson series at rates drawn from ``rates``."""
    drawn = rng.uniform(*rates, series)
    return drawn, rng.poisson(drawn[:, None], (series, length)).astype(float)


def store_terms(*, pack: float, unit_cost: np.ndarray, unit_price: float) -> replay.Terms:
    """Five-day lead times (spread one day), no MOQ, one pack size and selling price."""
    series = len(unit_cost)
    return replay.Terms(
        lead_mean=np.full(series, 5.0), lead_std=np.full(series, 1.0),
        pack=np.full(series, pack), moq=np.zeros(series),
        unit_cost=unit_cost, unit_price=np.full(series, unit_price),
    )  # fmt: skip


class ShortfallsTests(SimpleTestCase):
    def test_an_order_teaches_once_its_period_after_arrival_has_passed(self):
        learnt = one_a_day()
        # position 5 on day 0, nothing ordered: 2 units sold while the order travels, 3 left
        # for the 7 days after it arrives (days 2-8): 4 units short, where 1 was expected
        learnt.record(0, np.array([5.0]), np.array([0.0]), np.array([1.0]))
        self.assertEqual(learnt.scale(8)[0], 1.0)  # day 8 is still in the period
        self.assertAlmostEqual(learnt.scale(9)[0], 4.0)
        # an order of 4 units would have covered the period: nothing short, the scale falls
        learnt.record(7, np.array([5.0]), np.array([4.0]), np.array([1.0]))
        self.assertAlmostEqual(learnt.scale(16)[0], 2.0)  # (4 + 0) / (1 + 1)

    def test_each_reviews_orders_are_kept_as_judged_and_an_unfinished_period_is_not(self):
        learnt = one_a_day(days=20)
        learnt.record(0, np.array([5.0]), np.array([0.0]), np.array([1.0]))  # 4 short
        learnt.record(7, np.array([5.0]), np.array([4.0]), np.array([1.5]))  # none short
        learnt.record(14, np.array([5.0]), np.array([0.0]), np.array([2.0]))  # ends on day 23
        expected, found = learnt.judged()
        np.testing.assert_array_equal(expected, [[1.0], [1.5], [np.nan]])
        np.testing.assert_array_equal(found, [[4.0], [0.0], [np.nan]])

    def test_the_prior_holds_the_scale_near_one_while_orders_are_few(self):
        learnt = one_a_day()
        learnt.prior = 2.0
        learnt.record(0, np.array([5.0]), np.array([0.0]), np.array([1.0]))
        # two reviews' worth of expected shortfall counted as met: (4 + 2) / (1 + 2)
        self.assertAlmostEqual(learnt.scale(9)[0], 2.0)
        self.assertLessEqual(learnt.scale(9)[0], calibration.BOUNDS[1])

    def test_each_group_learns_its_own_scale(self):
        learnt = two_groups(class_prior=0.0)
        np.testing.assert_allclose(learnt.scale(9), [4.0, calibration.BOUNDS[0]])
        # one group for the store: (4 + 0) / (1 + 1) for both
        learnt.groups = None
        np.testing.assert_allclose(learnt.scale(9), [2.0, 2.0])

    def test_a_group_with_few_reviews_is_shrunk_towards_the_groups_together(self):
        learnt = two_groups(class_prior=1.0)
        # together (4 + 0) / (1 + 1) = 2; each group's one review shrunk towards it by one
        # review's worth of its expected shortfall: (4 + 2) / (1 + 1), (0 + 2) / (1 + 1)
        np.testing.assert_allclose(learnt.scale(9), [3.0, 1.0])
        # a second review as the first: each group's own ratio weighs twice as much
        learnt.record(7, np.array([5.0, 5.0]), np.array([0.0, 7.0]), np.array([1.0, 1.0]))
        # prior units 1 x 2 / 2 = 1: (8 + 2) / (2 + 1), (0 + 2) / (2 + 1)
        np.testing.assert_allclose(learnt.scale(16), [10 / 3, 2 / 3])
        # the same groups without the shrinking: each its own
        learnt.class_prior = 0.0
        np.testing.assert_allclose(learnt.scale(16), [4.0, calibration.BOUNDS[0]])

    def test_a_period_cut_short_by_the_end_of_the_replay_never_counts(self):
        learnt = one_a_day(days=12)
        learnt.record(7, np.array([0.0]), np.array([0.0]), np.array([1.0]))  # ends past day 12
        self.assertEqual(learnt.scale(100)[0], 1.0)

    def test_the_scale_follows_a_drift_in_what_orders_leave_short(self):
        # demand steps from 1 to 3 units a day on day 35: orders sized for the old demand
        demand = np.ones((1, 140))
        demand[0, 35:] = 3.0
        learnt = shortfalls.Shortfalls(demand=demand, lead_days=np.full((1, 20), 2), review=7)
        scales = []
        for day in range(0, 126, 7):
            scales.append(learnt.scale(day)[0])
            # each order covers the old demand exactly and expects 0.5 units short
            learnt.record(day, np.array([2.0]), np.array([7.0]), np.array([0.5]))
        before, after = scales[4], scales[-1]
        self.assertLess(before, 0.8)  # nothing was short: the plan was too careful
        self.assertGreater(after, 3 * before)  # the drift shows within a few reviews
        self.assertGreater(after, 1.5)

    def test_each_scale_given_is_kept_the_largest_of_its_groups(self):
        learnt = shortfalls.Shortfalls(
            demand=np.ones((2, 60)), lead_days=np.full((2, 9), 2), review=7,
            groups=np.array([0, 1]), prior=0.0, class_prior=0.0,
        )  # fmt: skip
        # the first series left 4 units short where 1 was expected, the second as expected
        learnt.record(0, np.array([5.0, 5.0]), np.array([0.0, 0.0]), np.array([1.0, 4.0]))
        learnt.scale(8)
        np.testing.assert_allclose(learnt.scale(9), [4.0, 1.0])
        self.assertEqual(learnt.given, [1.0, 4.0])


class ReplayTests(SimpleTestCase):
    def test_the_replay_keeps_the_scale_of_each_review_held_at_its_bound_when_far_off(self):
        rng = np.random.default_rng(6)
        rates, values = poisson_store(rng, 30, 170, (3, 12))
        terms = store_terms(pack=1.0, unit_cost=rng.uniform(1, 5, 30), unit_price=8.0)

        def too_low(_number: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # each series forecast at a fifth of its rate: its orders leave far more short
            low = stats.poisson.ppf(LEVELS[None, :], rates[: len(history), None] / 5)
            return np.repeat(low[:, :, None], replay.HORIZON, axis=2), np.full(30, COMMON)

        def scales(calibrate: bool):
            result = replay.replay_policies(
                values, terms, {}, days=84, warm_up=28, review=7, levels=(0.95,), paths=200,
                forecaster=too_low, calibrate=calibrate, floor=0.0,
            )  # fmt: skip
            return result.outcomes[result.name("shelfcast", 0.95)]

        calibrated = scales(True)
        learnt = calibrated.scales
        self.assertEqual(len(learnt), 12)  # one per review
        self.assertEqual(learnt[0], 1.0)  # nothing learnt before the first order passed
        self.assertEqual(learnt[-1], calibration.BOUNDS[1])
        # each review's orders as judged: the last one's period runs past the replay
        expected, found = calibrated.judged_expected, calibrated.judged_found
        self.assertEqual(expected.shape, (12, 30))
        self.assertTrue(np.isnan(found[-1]).all())
        self.assertFalse(np.isnan(found[0]).any())
        self.assertGreater(np.nansum(found), 4 * np.nansum(expected))
        plain = scales(False)
        self.assertIsNone(plain.scales)
        self.assertIsNone(plain.judged_found)

    def test_a_policy_planning_from_too_wide_a_spread_comes_back_to_its_target(self):
        rng = np.random.default_rng(5)
        rates, values = poisson_store(rng, 40, 170, (3, 12))
        terms = store_terms(pack=1.0, unit_cost=rng.uniform(1, 5, 40), unit_price=8.0)

        def too_wide(_number: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # each series' Poisson quantiles spread out three times around their median
            rows = len(history)
            right = stats.poisson.ppf(LEVELS[None, :], rates[:rows, None])
            median = stats.poisson.ppf(0.5, rates[:rows, None])
            wide = np.maximum(median + 3 * (right - median), 0.0)
            return np.repeat(wide[:, :, None], replay.HORIZON, axis=2), np.full(rows, COMMON)

        def fill(calibrate: bool) -> float:
            result = replay.replay_policies(
                values, terms, {}, days=84, warm_up=28, review=7, levels=(0.8,), paths=200,
                forecaster=too_wide, calibrate=calibrate, floor=0.0,
            )  # fmt: skip
            return result.outcomes[result.name("shelfcast", 0.8)].fill_rate

        wide, calibrated = fill(False), fill(True)
        self.assertGreater(wide, 0.86)  # too wide a spread overshoots the target
        self.assertLess(abs(calibrated - 0.8), abs(wide - 0.8) / 2)


class FillAccountTests(SimpleTestCase):
    def test_a_series_ahead_of_its_target_may_leave_more_short_and_one_behind_less(self):
        account = shortfalls.FillAccount(target=0.8, series=2, reviews=8.0)
        per_review = np.array([10.0, 10.0])  # 2 units short allowed a review
        np.testing.assert_allclose(account.allowed(per_review), [2.0, 2.0])
        # the first's order was expected to leave nothing short, the second's 5 units
        account.spend(per_review, np.array([0.0, 5.0]))
        np.testing.assert_allclose(account.allowed(per_review), [4.0, 0.0])
        account.spend(per_review, np.array([0.0, 0.0]))
        np.testing.assert_allclose(account.allowed(per_review), [6.0, 1.0])

    def test_the_balance_stays_within_its_reviews_allowance(self):
        account = shortfalls.FillAccount(target=0.9, series=2, reviews=3.0)
        per_review = np.array([10.0, 10.0])  # 1 unit a review
        for _ in range(10):
            account.spend(per_review, np.array([0.0, 4.0]))
        np.testing.assert_allclose(account.balance, [3.0, -3.0])
        np.testing.assert_allclose(account.allowed(per_review), [4.0, 0.0])

    def test_slow_series_ordering_whole_packs_are_held_to_the_target_over_the_run(self):
        # slow series whose supplier sells packs of 12 (a week or two of demand): judged
        # review by review, each order that must be placed is a whole pack, and the series
        # run well ahead of the target; with the account they come back to it
        rates, values = poisson_store(np.random.default_rng(3), 60, 200, (0.5, 1.5))
        terms = store_terms(pack=12.0, unit_cost=np.full(60, 2.0), unit_price=5.0)

        def poisson(_number: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            right = stats.poisson.ppf(LEVELS[None, :], rates[: len(history), None])
            quantiles = np.repeat(right[:, :, None], replay.HORIZON, axis=2)
            return quantiles, np.full(len(history), COMMON)

        def fill(reviews: float) -> float:
            with mock.patch.object(shortfalls, "ACCOUNT_REVIEWS", reviews):
                result = replay.replay_policies(
                    values, terms, {}, days=140, warm_up=28, review=7, levels=(0.8,),
                    paths=200, forecaster=poisson, floor=0.0,
                )  # fmt: skip
            return result.outcomes[result.name(replay.PER_SKU, 0.8)].fill_rate

        review_by_review, held = fill(0.0), fill(shortfalls.ACCOUNT_REVIEWS)
        self.assertGreater(review_by_review, 0.84)
        self.assertLess(abs(held - 0.8), 0.02)
