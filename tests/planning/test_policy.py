"""Reorder arithmetic on hand-checked cases: levels, rounding to packs and MOQs, the stock
position, the fill-rate target, and what a budget cuts."""

from __future__ import annotations

import numpy as np
from django.test import SimpleTestCase

from planning import allocation, policy
from planning.policy import Demand, Terms


def steady(per_day: float, lead: int, review: int, count: int = 50) -> Demand:
    paths = np.full((count, 60), per_day)
    return policy.demand_from_paths(paths, np.full(count, lead), review)


def short_by_hand(demand: Demand, level: float) -> float:
    """Expected units short in one cycle at ``level``, straight from the drawn sums and
    without `policy.mean_excess` / `policy.expected_short`: per path, what the lead time plus
    a review asks beyond the level, less what the lead time alone already asked beyond it."""
    cycle = np.maximum(demand.over_cycle - level, 0.0)
    before = np.maximum(demand.over_lead - level, 0.0)
    return max(float((cycle - before).mean()), 0.0)


def fill_by_hand(demand: Demand, level: float) -> float:
    """The share of one review's demand served at ``level``, by hand (`short_by_hand`)."""
    per_review = float((demand.over_cycle - demand.over_lead).mean())
    return 1 - short_by_hand(demand, level) / per_review


class RoundingTests(SimpleTestCase):
    def test_nothing_needed_orders_nothing(self):
        self.assertEqual(policy.round_quantity(0.0, Terms(7, moq=10, pack_size=6)), 0.0)

    def test_moq_first_then_whole_packs(self):
        terms = Terms(7, moq=10, pack_size=6)
        self.assertEqual(policy.round_quantity(3, terms), 12)  # MOQ 10 -> two packs
        self.assertEqual(policy.round_quantity(13, terms), 18)
        self.assertEqual(policy.round_quantity(12, terms), 12)  # already whole packs


class ExcessTests(SimpleTestCase):
    def test_the_sorted_form_equals_the_plain_mean_over_draws(self):
        rng = np.random.default_rng(8)
        draws = np.concatenate([rng.gamma(0.5, 20, 997), [0.0, 0.0, 5.0]])  # ties and zeros
        levels = np.concatenate([[-1.0, 0.0, 5.0, draws.max(), draws.max() + 1], draws[:50]])
        plain = np.maximum(draws[None, :] - levels[:, None], 0).mean(axis=1)
        np.testing.assert_allclose(policy.mean_excess(draws, levels), plain, atol=1e-9)


class SuggestionTests(SimpleTestCase):
    def test_order_fills_the_gap_to_order_up_to_after_on_order_and_committed(self):
        demand = steady(10, lead=7, review=7)
        terms = Terms(7, review_days=7, moq=24, pack_size=12, unit_cost=2, unit_price=5)
        suggestion = policy.suggest(
            demand, terms, on_hand=50, on_order=30, committed=5, target=0.95
        )
        self.assertEqual(suggestion.levels.order_up_to, 140)  # 14 days x 10, no uncertainty
        self.assertEqual(suggestion.levels.reorder_point, 70)  # the lead time's demand
        self.assertEqual(suggestion.position, 75)
        self.assertEqual(suggestion.needed, 65)
        self.assertEqual(suggestion.quantity, 72)  # six packs of 12
        self.assertAlmostEqual(suggestion.days_of_cover, (147 - 70) / 10)
        self.assertEqual(suggestion.expected_fill_rate, 1.0)
        self.assertEqual(suggestion.cost, 144)

    def test_a_position_above_order_up_to_orders_nothing(self):
        demand = steady(10, lead=7, review=7)
        suggestion = policy.suggest(
            demand, Terms(7, moq=24), on_hand=200, on_order=0, committed=0, target=0.95
        )
        self.assertEqual((suggestion.needed, suggestion.quantity), (0.0, 0.0))

    def test_the_level_meets_the_fill_rate_target_and_grows_with_it(self):
        rng = np.random.default_rng(3)
        paths = rng.poisson(4.0, (2000, 60)).astype(float)
        demand = policy.demand_from_paths(paths, rng.integers(5, 10, 2000), 7)
        previous = 0.0
        for target in (0.8, 0.9, 0.95, 0.99):
            levels = policy.order_levels(demand, target)
            # judged by hand from the drawn sums, not by the module's own fill_rate
            self.assertGreaterEqual(fill_by_hand(demand, levels.order_up_to), target - 1e-9)
            self.assertAlmostEqual(
                policy.fill_rate(demand, levels.order_up_to),
                fill_by_hand(demand, levels.order_up_to),
            )
            self.assertGreater(levels.order_up_to, previous)
            previous = levels.order_up_to
        # the lowest level that meets it: one step down no longer does
        levels = policy.order_levels(demand, 0.95)
        self.assertLess(fill_by_hand(demand, levels.order_up_to - 2), 0.95)

    def test_an_uncertain_lead_time_needs_more_stock(self):
        rng = np.random.default_rng(0)
        sure = policy.lead_days(Terms(7, 0.0), 4000, rng)
        unsure = policy.lead_days(Terms(7, 3.0), 4000, rng)
        self.assertTrue((sure == 7).all())
        self.assertGreaterEqual(unsure.min(), 0)
        paths = rng.poisson(5.0, (4000, 60)).astype(float)
        level_sure = policy.order_levels(policy.demand_from_paths(paths, sure, 7), 0.95)
        level_unsure = policy.order_levels(policy.demand_from_paths(paths, unsure, 7), 0.95)
        self.assertGreater(level_unsure.order_up_to, level_sure.order_up_to)


class BudgetTests(SimpleTestCase):
    def make(self, quantity: float, unit_cost: float, value: float) -> policy.Suggestion:
        levels = policy.Levels(0.95, 0, 0, 0, 0, 0)
        return policy.Suggestion(0, levels, quantity, quantity, 1.0, None, value, unit_cost)

    def test_best_value_per_currency_unit_first_and_what_does_not_fit_is_cut(self):
        suggestions = [
            self.make(10, 10, 50),  # cost 100, 0.5 per unit of money
            self.make(10, 5, 100),  # cost 50, 2.0
            self.make(10, 3, 30),  # cost 30, 1.0
            self.make(0, 3, 0),  # nothing to order: neither kept nor cut
        ]
        plan = policy.fit_budget(suggestions, 100)
        self.assertEqual(plan.kept, [1, 2])
        self.assertEqual(plan.cut, [0])
        self.assertEqual(plan.spent, 80)
        self.assertEqual(policy.fit_budget(suggestions, None).kept, [0, 1, 2])

    def test_a_suppliers_budget_comes_first_then_the_total(self):
        suggestions = [
            self.make(10, 10, 50),  # supplier A: cost 100, 0.5 per unit of money
            self.make(10, 5, 100),  # A: cost 50, 2.0
            self.make(10, 3, 30),  # B: cost 30, 1.0
            self.make(10, 2, 10),  # B: cost 20, 0.5
        ]
        groups = ["A", "A", "B", "B"]
        plan = policy.fit_budget(suggestions, None, groups, {"A": 60})
        self.assertEqual((sorted(plan.kept), plan.cut), ([1, 2, 3], [0]))  # A: 50 of 60
        plan = policy.fit_budget(suggestions, 60, groups, {"A": 60})
        self.assertEqual((plan.kept, plan.cut, plan.spent), ([1], [0, 2, 3], 50))
        plan = policy.fit_budget(suggestions, 100, groups, {"A": 60, "B": 25})
        self.assertEqual((plan.kept, plan.cut, plan.spent), ([1, 3], [0, 2], 70))


class AllocationTests(SimpleTestCase):
    """One fill rate for a whole store, met at the least stock value."""

    def demands(self, means, seed=3):
        rng = np.random.default_rng(seed)
        lead = np.full(2000, 7)
        return [
            policy.demand_from_paths(rng.poisson(mean, (2000, 30)).astype(float), lead, 7)
            for mean in means
        ]

    def store_fill(self, demands, levels) -> float:
        """Units served / units demanded across the series, by hand (`short_by_hand`)."""
        short = sum(short_by_hand(d, s) for d, s in zip(demands, levels, strict=True))
        return 1 - short / sum(float((d.over_cycle - d.over_lead).mean()) for d in demands)

    def test_the_store_meets_its_target_with_less_stock_value_than_one_rate_for_all(self):
        demands = self.demands([20.0, 20.0, 2.0, 2.0])
        costs = [1.0, 1.0, 50.0, 50.0]  # cheap fast movers and dear slow ones
        curves = [allocation.short_curve(d, c) for d, c in zip(demands, costs, strict=True)]
        allocated = allocation.allocate(curves, 0.95)
        uniform = [policy.order_levels(d, 0.95).order_up_to for d in demands]
        self.assertGreaterEqual(self.store_fill(demands, allocated), 0.95 - 1e-3)
        value = float(np.dot(costs, allocated))
        self.assertLess(value, float(np.dot(costs, uniform)))
        # the cheap series carry the service: held above 95%, the dear ones below it
        self.assertGreater(fill_by_hand(demands[0], allocated[0]), 0.95)
        self.assertLess(fill_by_hand(demands[2], allocated[2]), 0.95)

    def test_no_series_goes_below_the_floor(self):
        demands = self.demands([20.0, 2.0])
        curves = [
            allocation.short_curve(d, c, floor=0.8)
            for d, c in zip(demands, [1.0, 500.0], strict=True)
        ]
        allocated = allocation.allocate(curves, 0.9)
        self.assertGreaterEqual(fill_by_hand(demands[1], allocated[1]), 0.8 - 1e-9)

    def test_equal_series_get_equal_levels_and_a_higher_target_more_stock(self):
        demands = self.demands([10.0, 10.0], seed=5)
        demands[1] = demands[0]
        curves = [allocation.short_curve(d, 2.0) for d in demands]
        low, high = allocation.allocate(curves, 0.85), allocation.allocate(curves, 0.98)
        self.assertEqual(low[0], low[1])
        self.assertTrue(np.all(high > low))
        self.assertGreaterEqual(self.store_fill(demands, high), 0.98 - 1e-3)


class LostSalesTests(SimpleTestCase):
    def test_sales_lost_before_arrival_are_not_ordered_again(self):
        demand = steady(10, lead=7, review=7)
        terms = Terms(7, review_days=7)
        # 30 in position, 70 sold over the lead time: 40 customers go elsewhere, the order
        # arrives to an empty shelf and must cover the 70 of the week after (a back-order
        # formula would ask 140 - 30 = 110 and leave 40 over)
        suggestion = policy.suggest(demand, terms, on_hand=30, on_order=0, committed=0, target=0.99)
        self.assertEqual(suggestion.quantity, 70)
        self.assertEqual(suggestion.days_of_cover, 7.0)
        # 100 in position: 30 left on arrival, 40 more to cover the week
        suggestion = policy.suggest(
            demand, terms, on_hand=100, on_order=0, committed=0, target=0.99
        )
        self.assertEqual(suggestion.quantity, 40)

    def test_the_choices_of_many_series_match_the_short_by_hand(self):
        rng = np.random.default_rng(4)
        over_lead = rng.gamma(2.0, 10.0, (3, 200))
        over_cycle = over_lead + rng.gamma(2.0, 5.0, (3, 200))
        position = np.array([0.0, 25.0, 80.0])
        pack, moq = np.array([1.0, 6.0, 12.0]), np.array([0.0, 6.0, 24.0])
        choices = allocation.order_choices(over_lead, over_cycle, position, pack, moq)
        for row in range(3):
            quantities = choices.quantities[row]
            self.assertEqual(quantities[0], 0.0)
            ordered = quantities[quantities > 0]
            np.testing.assert_allclose(ordered % pack[row], 0.0)  # whole packs
            self.assertTrue(np.all(ordered >= moq[row]))  # at least the MOQ
            left = np.maximum(position[row] - over_lead[row], 0.0)
            review = over_cycle[row] - over_lead[row]
            by_hand = [np.maximum(review - left - q, 0.0).mean() for q in quantities]
            np.testing.assert_allclose(choices.short[row], by_hand, atol=1e-9)

    def test_a_certain_forecast_is_short_of_its_whole_gap_when_nothing_is_ordered(self):
        # every path the same (a flat, certain forecast): ordering nothing leaves the whole
        # review period's demand unserved, and the store-wide choice orders it
        over_lead, over_cycle = np.full((2, 50), 14.0), np.full((2, 50), 21.0)
        position = np.array([0.0, 14.0])
        ones = np.ones(2)
        choices = allocation.order_choices(over_lead, over_cycle, position, ones, ones * 0)
        np.testing.assert_allclose(choices.short[:, 0], [7.0, 7.0])
        orders = allocation.choose_orders(choices, ones, 0.95, store_wide=True)
        np.testing.assert_allclose(orders, [7.0, 7.0])

    def test_per_sku_orders_meet_each_target_and_the_store_wide_ones_the_total(self):
        rng = np.random.default_rng(6)
        over_lead = rng.poisson(40.0, (4, 400)).astype(float)
        over_cycle = over_lead + rng.poisson(40.0, (4, 400))
        position = np.full(4, 40.0)
        ones = np.ones(4)
        choices = allocation.order_choices(over_lead, over_cycle, position, ones, ones * 0)
        cost = np.array([1.0, 1.0, 20.0, 20.0])
        own = allocation.choose_orders(choices, cost, 0.9, store_wide=False)
        rows = np.arange(4)
        short = choices.short[rows, [np.flatnonzero(choices.quantities[r] == own[r])[0]
                                     for r in rows]]  # fmt: skip
        self.assertTrue(np.all(short <= 0.1 * choices.per_review + 1e-9))
        shared = allocation.choose_orders(choices, cost, 0.9, store_wide=True)
        short = [choices.short[r][np.flatnonzero(choices.quantities[r] == shared[r])[0]]
                 for r in rows]  # fmt: skip
        self.assertLessEqual(sum(short), 0.1 * choices.per_review.sum() + 1e-9)
        # the cheap series carry the service, the dear ones hold less than their own target
        self.assertGreater(shared[0], own[0])
        self.assertLess(shared[2], own[2])

    def test_a_per_sku_order_may_leave_what_its_allowance_says_short(self):
        rng = np.random.default_rng(6)
        over_lead = rng.poisson(40.0, (2, 400)).astype(float)
        over_cycle = over_lead + rng.poisson(40.0, (2, 400))
        ones = np.ones(2)
        choices = allocation.order_choices(over_lead, over_cycle, np.full(2, 40.0), ones, ones * 0)
        own = allocation.choose_orders(choices, ones, 0.9, store_wide=False)
        # the first may leave three review targets' worth short, the second nothing at all
        allowed = np.array([0.3, 0.0]) * choices.per_review
        given = allocation.choose_orders(choices, ones, 0.9, store_wide=False, allowed=allowed)
        self.assertLess(given[0], own[0])
        self.assertGreater(given[1], own[1])
        position = np.full(2, 40.0)
        short = policy.short_after(over_lead, over_cycle, position, given)
        plain = policy.short_after(over_lead, over_cycle, position, own)
        self.assertLessEqual(short[0], allowed[0] + 1e-9)
        self.assertGreater(short[0], 0.1 * choices.per_review[0])  # more than the target's
        self.assertLess(short[1], plain[1])


class LimitTests(SimpleTestCase):
    """The MOQ, the pack size, the overstock limit and the budget, each pair together."""

    def test_moq_and_pack(self):
        terms = Terms(7, moq=10, pack_size=6)
        self.assertEqual(policy.limited_quantity(3, terms), policy.Limited(12, ""))

    def test_overstock_cuts_back_to_whole_packs_within_the_limit(self):  # pack x overstock
        terms = Terms(7, pack_size=6)
        self.assertEqual(
            policy.limited_quantity(40, terms, room=27),
            policy.Limited(24, policy.CAPPED_AT_OVERSTOCK),
        )

    def test_one_pack_past_the_limit_is_kept_and_says_so(self):  # pack x overstock
        terms = Terms(7, pack_size=12)
        self.assertEqual(
            policy.limited_quantity(5, terms, room=4),
            policy.Limited(12, policy.PACK_FORCES_OVERSTOCK),
        )

    def test_the_moq_past_the_limit_is_kept_and_says_so(self):  # moq x overstock
        terms = Terms(7, moq=30, pack_size=6)
        self.assertEqual(
            policy.limited_quantity(8, terms, room=20),
            policy.Limited(30, policy.MOQ_FORCES_OVERSTOCK),
        )
        # room for the MOQ: cut back to the most whole packs within the limit
        self.assertEqual(
            policy.limited_quantity(80, terms, room=40),
            policy.Limited(36, policy.CAPPED_AT_OVERSTOCK),
        )

    def test_no_room_orders_nothing_and_within_the_limit_nothing_changes(self):
        terms = Terms(7, moq=10, pack_size=6)
        self.assertEqual(policy.limited_quantity(8, terms, room=0).quantity, 0)
        self.assertEqual(policy.limited_quantity(8, terms, room=50), policy.Limited(12, ""))

    def test_many_series_at_once_are_limited_as_each_alone(self):
        # the policy replay limits a whole store's orders in one call
        cases = [  # (needed, pack, moq, room); NaN: no limit for that series
            (3, 6, 10, np.nan),
            (40, 6, 0, 27),
            (5, 12, 0, 4),
            (8, 6, 30, 20),
            (80, 6, 30, 40),
            (8, 6, 10, 0),
            (8, 6, 10, 50),
            (0, 6, 10, 0),
        ]
        needed, pack, moq, room = np.array(cases, dtype=float).T
        quantities, limits = policy.limited_quantities(needed, pack, moq, room)
        for row, (want, size, least, space) in enumerate(cases):
            terms = Terms(7, moq=least, pack_size=size)
            alone = policy.limited_quantity(want, terms, None if np.isnan(space) else space)
            self.assertEqual((quantities[row], limits[row]), (alone.quantity, alone.limit))
        self.assertEqual(
            list(limits),
            ["", "capped_at_overstock", "pack_forces_overstock", "moq_forces_overstock",
             "capped_at_overstock", "capped_at_overstock", "", ""],
        )  # fmt: skip
        self.assertEqual(list(quantities), [12, 24, 12, 30, 36, 0, 12, 0])

    def test_a_suggestion_stops_at_the_overstock_limit(self):
        demand = steady(10, lead=7, review=7)
        terms = Terms(7, review_days=7, pack_size=12)
        # 99% of a week needs 70 on arrival; the limit, 5 days of cover, allows 50: four packs
        suggestion = policy.suggest(
            demand, terms, on_hand=0, on_order=0, committed=0, target=0.99, overstock_days=5
        )
        self.assertEqual((suggestion.quantity, suggestion.limit), (48, "capped_at_overstock"))
        self.assertEqual(suggestion.days_of_cover, 4.8)

    def make(self, quantity, unit_cost, value=10.0, limit=""):
        levels = policy.Levels(0.95, 0, 0, 0, 0, 0)
        return policy.Suggestion(0, levels, quantity, quantity, 1.0, None, value, unit_cost, limit)

    def test_the_budget_judges_the_moq_rounded_cost(self):  # budget x moq
        terms = Terms(7, moq=50, unit_cost=2)
        quantity = policy.limited_quantity(5, terms).quantity  # 50 for 100, not 5 for 10
        plan = policy.fit_budget([self.make(quantity, 2)], 60)
        self.assertEqual((plan.kept, plan.cut), ([], [0]))

    def test_the_budget_judges_the_pack_rounded_cost(self):  # budget x pack
        terms = Terms(7, pack_size=24, unit_cost=2)
        quantity = policy.limited_quantity(10, terms).quantity  # one pack, 24 for 48
        self.assertEqual(policy.fit_budget([self.make(quantity, 2)], 40).cut, [0])
        self.assertEqual(policy.fit_budget([self.make(quantity, 2)], 48).kept, [0])

    def test_the_budget_judges_the_quantity_after_the_overstock_cut(self):  # budget x overstock
        terms = Terms(7, pack_size=6, unit_cost=1)
        capped = policy.limited_quantity(100, terms, room=30)
        self.assertEqual(capped.quantity, 30)
        plan = policy.fit_budget([self.make(capped.quantity, 1, limit=capped.limit)], 40)
        self.assertEqual((plan.kept, plan.spent), ([0], 30))


class HistoryShareTests(SimpleTestCase):
    """A share of the drawn sums is the series' own history over the same spans."""

    def test_a_quarter_of_the_sums_are_the_historys_over_the_same_span(self):
        paths = np.full((400, 60), 5.0)
        drawn = policy.demand_from_paths(paths, np.full(400, 3), 7, np.full(182, 2.0), seed=1)
        taken = round(policy.HISTORY_SHARE * 400)
        self.assertEqual(taken, 100)
        # the history sold 2 a day: 6 over the lead time, 20 over it and the review; the
        # paths expect 5 a day, and the history's sums move towards that level by at most
        # the upper bound (2)
        self.assertEqual(policy.LEVEL_BOUNDS[1], 2.0)
        self.assertEqual(set(drawn.over_lead[:taken]), {12.0})
        self.assertEqual(set(drawn.over_cycle[:taken]), {40.0})
        self.assertEqual(set(drawn.over_lead[taken:]), {15.0})
        self.assertEqual(set(drawn.over_cycle[taken:]), {50.0})
        self.assertAlmostEqual(drawn.per_review, (100 * 28 + 300 * 35) / 400)

    def test_the_historys_sums_stand_at_the_level_the_paths_expect(self):
        # a season rising from 2 a day to 3, and one falling from 4 to 2: within the bounds
        # the history's sums are the paths' own
        for history, expected in ((2.0, 3.0), (4.0, 2.0)):
            paths = np.full((400, 60), expected)
            drawn = policy.demand_from_paths(
                paths, np.full(400, 3), 7, np.full(182, history), seed=1
            )
            self.assertEqual(set(drawn.over_lead[:100]), {3 * expected})
            self.assertEqual(set(drawn.over_cycle[:100]), {10 * expected})
        # a fall from 5 a day to 1 moves them down by at most the lower bound (a half)
        drawn = policy.demand_from_paths(
            np.full((400, 60), 1.0), np.full(400, 3), 7, np.full(182, 5.0), seed=1
        )
        self.assertEqual(set(drawn.over_cycle[:100]), {25.0})

    def test_the_level_is_the_expected_daily_demand_over_the_historys_within_bounds(self):
        self.assertEqual(policy.history_level(3.0, 2.0), 1.5)
        self.assertEqual(policy.history_level(2.0, 4.0), 0.5)
        self.assertEqual(policy.history_level(10.0, 2.0), policy.LEVEL_BOUNDS[1])
        self.assertEqual(policy.history_level(1.0, 10.0), policy.LEVEL_BOUNDS[0])
        self.assertEqual(policy.history_level(0.0, 2.0), 1.0)  # nothing expected: as it was
        self.assertEqual(policy.history_level(2.0, 0.0), 1.0)  # nothing sold: nothing to move

    def test_a_large_order_in_the_history_raises_the_level_a_high_target_needs(self):
        paths = np.full((2000, 60), 1.0)
        recent = np.ones(182)
        recent[100] = 100.0  # one large order in the last half year
        plain = policy.demand_from_paths(paths, np.full(2000, 3), 7)
        mixed = policy.demand_from_paths(paths, np.full(2000, 3), 7, recent, seed=3)
        # a window holds the order or it does not; the history's mean (1.54 a day, the order
        # in it) is moved to the paths' 1 a day, the order's weight against the usual days kept
        level = 1.0 / recent.mean()
        spans = sorted(set(np.round(mixed.over_cycle[:500], 9)))
        self.assertEqual(len(spans), 2)
        self.assertAlmostEqual(spans[0], 10.0 * level)
        self.assertAlmostEqual(spans[1], 109.0 * level)
        self.assertEqual(set(mixed.over_cycle[500:]), {10.0})
        self.assertGreater(
            policy.order_levels(mixed, 0.98).order_up_to,
            policy.order_levels(plain, 0.98).order_up_to + 50,
        )

    def test_a_history_too_short_to_read_is_not_taken(self):
        paths = np.full((400, 60), 5.0)
        lead = np.full(400, 3)
        plain = policy.demand_from_paths(paths, lead, 7)
        short = policy.demand_from_paths(paths, lead, 7, np.full(37, 2.0))  # 10 + 28 needed
        self.assertEqual(short.over_cycle.tolist(), plain.over_cycle.tolist())
        enough = policy.demand_from_paths(paths, lead, 7, np.full(38, 2.0))
        self.assertNotEqual(enough.over_cycle.tolist(), plain.over_cycle.tolist())

    def test_a_stored_forecasts_sums_take_its_recent_demand(self):
        quantiles = np.full((15, 28), 4.0)
        terms = Terms(lead_time_mean=5)
        plain = policy.demand_from_forecast(quantiles, 0.0, terms, count=400, seed=2)
        mixed = policy.demand_from_forecast(
            quantiles, 0.0, terms, count=400, seed=2, recent=np.zeros(182)
        )
        self.assertEqual(set(plain.over_cycle), {48.0})
        self.assertEqual(set(mixed.over_cycle[:100]), {0.0})  # the history sold nothing
        self.assertEqual(mixed.over_cycle[100:].tolist(), plain.over_cycle[100:].tolist())


class SpreadStartsTests(SimpleTestCase):
    """The history's sums start at points spread over it: a large order is in as many of
    them as its share of the windows says, whatever the seed."""

    def test_a_large_order_is_in_its_share_of_the_sums(self):
        recent = np.zeros(182)
        recent[90] = 1.0  # one order in the last half year
        lead = np.full(100, 3)
        # 173 starts of a 10-day window; 10 of them hold day 90: 100 sums x 10 / 173 = 5.8
        for seed in range(20):
            over_lead, over_cycle = policy.history_sums(
                recent, lead, 7, np.random.default_rng(seed)
            )
            self.assertIn(int(np.count_nonzero(over_cycle)), {5, 6}, seed)
            self.assertIn(int(np.count_nonzero(over_lead)), {1, 2}, seed)

    def test_every_span_keeps_its_own_starts_within_the_history(self):
        lead = np.random.default_rng(0).integers(0, 30, 500)
        choices = 182 - (lead + 7) + 1
        starts = policy.spread_starts(choices, np.random.default_rng(4))
        self.assertTrue(((starts >= 0) & (starts < choices)).all())
        # spread: a tenth of the sums start in each tenth of their own possible starts (give
        # or take one, a start being whole; independent starts: 50 +- 7)
        tenths = np.floor(starts / choices * 10).astype(int)
        self.assertLessEqual(set(np.bincount(tenths, minlength=10)), {49, 50, 51})
