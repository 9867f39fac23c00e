"""The replay: orders arrive after their lead time, unmet demand is lost, figures add up."""

from __future__ import annotations

import numpy as np
from django.test import SimpleTestCase

from planning.replays import simulation
from planning.replays.simulation import Setup


def setup(series: int = 1, lead: int = 3, review: int = 7, **overrides) -> Setup:
    values = {
        "lead_days": np.full(series, lead),
        "pack_size": np.ones(series),
        "moq": np.ones(series),
        "unit_cost": np.full(series, 2.0),
        "unit_price": np.full(series, 5.0),
        "review_days": review,
    }
    values.update(overrides)
    return Setup(**values)


def never_ordering(demand: np.ndarray, on_hand: list[float], **options) -> simulation.Outcome:
    """``demand`` replayed from ``on_hand`` (per series) with no order ever placed."""
    return simulation.replay(
        demand,
        setup=setup(series=len(demand)),
        policy=lambda day, position: np.zeros_like(position),
        on_hand=np.array(on_hand),
        **options,
    )


class ReplayTests(SimpleTestCase):
    def test_order_up_to_enough_serves_everything(self):
        demand = np.full((1, 70), 10.0)
        order_up_to = lambda day, position: 100 - position  # noqa: E731  (10 days of demand)
        outcome = simulation.replay(
            demand, setup=setup(), policy=order_up_to, on_hand=np.array([100.0])
        )
        self.assertEqual(outcome.fill_rate, 1.0)
        self.assertEqual(outcome.cycle_service_level, 1.0)
        self.assertEqual(outcome.stock_out_days, 0)
        self.assertEqual(outcome.orders, 9)  # ten reviews; the first finds the shelf full

    def test_no_orders_lose_the_demand_after_the_stock_runs_out(self):
        demand = np.full((1, 20), 10.0)
        never = lambda day, position: np.zeros_like(position)  # noqa: E731
        outcome = simulation.replay(demand, setup=setup(), policy=never, on_hand=np.array([55.0]))
        self.assertAlmostEqual(outcome.fill_rate, 55 / 200)
        self.assertEqual(outcome.stock_out_days, 15)  # day 5 is short by 5, then nothing
        self.assertAlmostEqual(outcome.lost_sales_cost, 145 * 3)
        # inventory at cost, end of day: 45, 35, 25, 15, 5, then 0
        self.assertAlmostEqual(outcome.average_inventory_value, (45 + 35 + 25 + 15 + 5) * 2 / 20)
        # held at 25% of cost a year: the same end-of-day values, summed, for a day each
        self.assertAlmostEqual(outcome.holding_cost, (45 + 35 + 25 + 15 + 5) * 2 * 0.25 / 365)
        # the cycles closed by the reviews of days 7 and 14 (days 0-6 and 7-13) both lost
        # sales; the last, unfinished one is not counted
        self.assertEqual(outcome.cycle_service_level, 0.0)
        self.assertEqual(outcome.orders, 0)

    def test_an_order_arrives_after_its_lead_time_in_whole_packs(self):
        demand = np.zeros((1, 14))
        demand[0, 5] = 1.0
        first_day_only = lambda day, position: np.array([7.0 if day == 0 else 0.0])  # noqa: E731
        outcome = simulation.replay(
            demand,
            setup=setup(lead=4, pack_size=np.array([12.0]), moq=np.array([5.0])),
            policy=first_day_only,
            on_hand=np.array([0.0]),
        )
        # 12 units arrive on day 4 and stay (less the unit sold on day 5)
        expected = (0 * 4 + 12 + 11 * 9) * 2 / 14
        self.assertAlmostEqual(outcome.average_inventory_value, expected)
        self.assertEqual(outcome.fill_rate, 1.0)

    def test_a_lead_time_per_order_is_taken_in_review_order(self):
        demand = np.zeros((1, 21))
        every_review = lambda day, position: np.array([1.0])  # noqa: E731
        leads = np.array([[2, 5, 1]])  # orders on days 0, 7, 14 arrive on 2, 12, 15
        outcome = simulation.replay(
            demand, setup=setup(lead_days=leads), policy=every_review, on_hand=np.array([0.0])
        )
        held = sum(int(day >= 2) + int(day >= 12) + int(day >= 15) for day in range(21))
        self.assertAlmostEqual(outcome.average_inventory_value, held * 2 / 21)

    def test_each_series_keeps_its_own_average_inventory_and_they_add_up_to_the_stores(self):
        demand = np.full((2, 20), [[10.0], [1.0]])
        outcome = never_ordering(demand, [55.0, 4.0], measure_from=2)
        # from day 2 on, end of day: 25, 15, 5 then 0; and 1 then 0 (at a cost of 2)
        np.testing.assert_allclose(outcome.inventory, [(25 + 15 + 5) * 2 / 18, 1 * 2 / 18])
        self.assertAlmostEqual(outcome.inventory.sum(), outcome.average_inventory_value)

    def test_min_max_reorders_below_one_and_a_half_lead_times_of_demand(self):
        history = lambda day: np.full((1, 28), 10.0)  # noqa: E731
        rule = simulation.min_max_policy(history, np.array([4.0]))
        self.assertEqual(rule(0, np.array([61.0]))[0], 0.0)  # reorder point 60
        self.assertEqual(rule(0, np.array([50.0]))[0], 70.0)  # up to 120

    def test_units_lost_on_the_days_beyond_the_history_are_counted_apart(self):
        demand = np.array([[3.0, 3.0, 3.0, 3.0, 3.0, 3.0], [0.0, 9.0, 0.0, 0.0, 0.0, 9.0]])
        beyond = np.zeros((2, 6), dtype=bool)
        beyond[0, 2] = beyond[0, 3] = beyond[1, 1] = beyond[1, 5] = True
        outcome = never_ordering(demand, [8.0, 4.0], measure_from=2, beyond=beyond)
        # from day 2 on: the first has 2 left (lost 1 on day 2, 3 on day 3, both marked,
        # then 3 and 3 unmarked); the second's 9 on day 1 falls in the warm-up, and its 9
        # on day 5 finds nothing left (its 4 went on day 1)
        self.assertEqual(outcome.demanded_beyond, 3 + 3 + 9)
        self.assertEqual(outcome.lost_beyond, 1 + 3 + 9)
        self.assertEqual(float(outcome.demanded.sum() - outcome.served.sum()), 1 + 3 + 3 + 3 + 9)
        unmarked = never_ordering(demand, [8.0, 4.0])
        self.assertIsNone(unmarked.lost_beyond)
        self.assertIsNone(unmarked.demanded_beyond)


class DaysOfCoverTests(SimpleTestCase):
    """The merchant's rule: below the average x (lead time + review), up to the average x
    (lead time + N)."""

    def rule(self, cover_days: int = 14):
        # 100 a day long ago, 10 a day over the last 28 days: only the last 28 count
        def history(day: int) -> np.ndarray:
            return np.concatenate([np.full((1, 30), 100.0), np.full((1, 28), 10.0)], axis=1)

        return simulation.days_of_cover_policy(history, np.array([4.0]), 7, cover_days)

    def test_orders_up_to_the_lead_time_plus_n_days_of_average_demand(self):
        # reorder point 10 x (4 + 7) = 110, up to 10 x (4 + 14) = 180
        self.assertEqual(self.rule()(0, np.array([50.0]))[0], 130.0)
        self.assertEqual(self.rule(cover_days=28)(0, np.array([50.0]))[0], 270.0)

    def test_orders_nothing_at_or_above_the_reorder_point(self):
        self.assertEqual(self.rule()(0, np.array([110.0]))[0], 0.0)
        self.assertEqual(self.rule()(0, np.array([111.0]))[0], 0.0)
        self.assertEqual(self.rule()(0, np.array([109.0]))[0], 71.0)

    def test_the_order_is_rounded_up_to_whole_packs_of_at_least_the_moq(self):
        terms = setup(pack_size=np.array([12.0]), moq=np.array([100.0]))
        # 130 wanted -> 11 packs of 12
        self.assertEqual(simulation.rounded(self.rule()(0, np.array([50.0])), terms)[0], 132.0)
        # 71 wanted, below the MOQ of 100 -> 100 -> 9 packs of 12
        self.assertEqual(simulation.rounded(self.rule()(0, np.array([109.0])), terms)[0], 108.0)

    def test_more_days_of_cover_hold_more_and_serve_more(self):
        # eight products of steady demand (2-12 a day), four weeks known before 20 replayed,
        # lead time 5 days, packs of 6
        rng = np.random.default_rng(5)
        values = rng.poisson(rng.uniform(2, 12, 8)[:, None], (8, 28 + 140)).astype(float)
        world = setup(series=8, lead=5, pack_size=np.full(8, 6.0), moq=np.full(8, 6.0))

        def known(day: int) -> np.ndarray:
            return values[:, : 28 + day]

        outcomes = [
            simulation.replay(
                values[:, 28:],
                setup=world,
                policy=simulation.days_of_cover_policy(known, np.full(8, 5.0), 7, cover),
                on_hand=np.zeros(8),
                measure_from=28,
            )
            for cover in (7, 21, 56)
        ]
        week, three_weeks, eight_weeks = outcomes
        self.assertLess(week.average_inventory_value, three_weeks.average_inventory_value)
        self.assertLess(three_weeks.average_inventory_value, eight_weeks.average_inventory_value)
        self.assertLess(week.fill_rate, three_weeks.fill_rate)
        self.assertLess(three_weeks.fill_rate, eight_weeks.fill_rate)
        # a week's cover at a weekly review holds no safety stock: it runs short
        self.assertLess(week.fill_rate, 0.97)
        self.assertGreater(eight_weeks.fill_rate, 0.99)
