"""Promotion uplift from before/after evidence with pooling, and the choice of window and
discount that clears an overstock at the best margin."""

from __future__ import annotations

import math

import numpy as np
from django.test import SimpleTestCase

from planning import promotion_math as pm


def planted(seed: int, uplift: float, depth: float, days: int = 365, base: float = 10.0):
    """A year of Poisson demand with a promotion (at ``depth`` off) on one week in six,
    multiplying demand by ``uplift``."""
    rng = np.random.default_rng(seed)
    promoted = (np.arange(days) // 7) % 6 == 5
    weekly = 1 + 0.3 * np.sin(2 * np.pi * np.arange(days) / 7)
    units = rng.poisson(base * weekly * np.where(promoted, uplift, 1.0)).astype(float)
    return pm.SeriesDays(units, promoted, np.where(promoted, depth, 0.0), np.ones(days, bool))


class UpliftTests(SimpleTestCase):
    TOLERANCE = 0.10  # the stated tolerance: within 10% of the planted uplift

    def test_a_planted_uplift_is_recovered_within_tolerance(self):
        for uplift, depth in ((2.0, 0.2), (1.4, 0.1), (3.0, 0.4)):
            with self.subTest(uplift=uplift):
                found = pm.evidence([planted(1, uplift, depth)])
                effect = pm.estimate({7: found}, {7: "mugs"})[7]
                self.assertEqual(effect.source, "sku")
                self.assertLess(abs(effect.uplift / uplift - 1), self.TOLERANCE)
                expected = math.log(uplift) / math.log(1 - depth)
                self.assertLess(abs(effect.elasticity - expected), 0.15 * abs(expected))

    def test_a_sku_without_promotions_borrows_its_categorys_response(self):
        evidence = {
            1: pm.evidence([planted(1, 2.0, 0.2)]),
            2: pm.evidence([planted(2, 2.0, 0.2)]),
            3: None,  # never promoted, same category
            4: None,  # never promoted, another category
        }
        effects = pm.estimate(evidence, {1: "mugs", 2: "mugs", 3: "mugs", 4: "lamps"})
        self.assertEqual((effects[3].source, effects[4].source), ("category", "store"))
        self.assertLess(abs(effects[3].uplift_at(0.2) / 2.0 - 1), self.TOLERANCE)

    def test_few_promotion_days_are_pulled_toward_the_category(self):
        short = planted(3, 4.0, 0.2, days=50)  # one promoted week
        evidence = {1: pm.evidence([planted(1, 2.0, 0.2)]), 2: pm.evidence([short])}
        effects = pm.estimate(evidence, {1: "mugs", 2: "mugs"})
        self.assertLess(effects[2].uplift, 3.6)  # its own week alone says about 4
        self.assertGreater(effects[2].uplift, 2.0)

    def test_deeper_discounts_lift_more(self):
        effect = pm.Effect(uplift=2.0, discount=0.2, elasticity=-3.0, days=30, source="sku")
        self.assertAlmostEqual(effect.uplift_at(0.2), 2.0)
        self.assertGreater(effect.uplift_at(0.4), effect.uplift_at(0.2))
        self.assertLess(effect.uplift_at(0.1), 2.0)


class BestPlanTests(SimpleTestCase):
    effect = pm.Effect(uplift=2.0, discount=0.2, elasticity=-3.1, days=30, source="sku")

    def test_the_plan_clears_the_excess_for_the_most_value(self):
        daily = np.full(56, 2.0)
        plan, nothing = pm.best_plan(
            daily, stock=400, price=10, cost=4, effect=self.effect, keep=240,
            blocked=np.zeros(56, bool),
        )  # fmt: skip
        self.assertEqual(nothing.units, 112)  # 2 a day for 56 days
        self.assertTrue(plan.clears)
        self.assertLessEqual(plan.outcome.stock_left, 240)
        self.assertGreater(plan.outcome.units, nothing.units)
        # no more cleared than needed: what the SKU still needs sells later at full price
        self.assertGreater(plan.outcome.stock_left, 200)
        # every other clearing plan earns no more
        for start in pm.STARTS:
            for days in pm.DURATIONS:
                for depth in pm.DEPTHS:
                    if start - 1 + days > 56:
                        continue
                    other = pm.outcome(
                        daily, 400, 10, 4, (start - 1, start - 1 + days), depth,
                        self.effect.uplift_at(depth),
                    )  # fmt: skip
                    if other.stock_left <= 240:
                        self.assertLessEqual(
                            pm.plan_value(other, 240, 10, 4),
                            pm.plan_value(plan.outcome, 240, 10, 4) + 1e-6,
                        )

    def test_never_below_cost_nor_on_blocked_days(self):
        daily = np.full(56, 2.0)
        blocked = np.zeros(56, bool)
        blocked[:21] = True  # another promotion runs for three weeks
        plan, _ = pm.best_plan(daily, 1000, 10, 7.5, self.effect, 100, blocked)
        self.assertGreaterEqual(plan.start, 22)
        self.assertLessEqual(plan.depth, 0.25)  # 10 less 30% would be under the cost of 7.5
        self.assertFalse(plan.clears)  # 1000 units cannot go in time: the closest is shown

    def test_nothing_to_propose_when_no_promotion_sells_more(self):
        plan, _ = pm.best_plan(np.zeros(56), 100, 10, 4, self.effect, 0, np.zeros(56, bool))
        self.assertIsNone(plan)

    def test_the_lift_counted_on_is_capped(self):
        steep = pm.Effect(uplift=3.0, discount=0.2, elasticity=-6.0, days=30, source="sku")
        plan, _ = pm.best_plan(np.full(56, 2.0), 5000, 10, 1, steep, 0, np.zeros(56, bool))
        self.assertLessEqual(plan.uplift, pm.MAX_UPLIFT)
