"""The controlled promotion uplift (planning/promotion_uplift.py): a counterfactual that
controls for season and weekday where before/after does not, empirical-Bayes shrinkage by
evidence, and an interval that holds the truth and widens when evidence is sparse. Each
series is generated with a known true lift."""

from __future__ import annotations

import math

import numpy as np
from django.test import SimpleTestCase

from planning import promotion_math as pm

PEAK_DAY = 350  # mid-December, counted from 1 January


def generated(
    seed: int,
    promoted: np.ndarray,
    lift: float,
    *,
    base: float = 20.0,
    depth: float = 0.2,
    peak: float = 0.0,
    weekend: float = 1.0,
    trend: float = 0.0,
) -> pm.SeriesDays:
    """Poisson demand of ``base`` a day (day 0 a Monday, 1 January), times ``weekend`` on
    Saturdays and Sundays, times a December peak of height exp(``peak``) about two weeks wide,
    times exp(``trend`` x years), times ``lift`` on the ``promoted`` days (at ``depth`` off)."""
    rng = np.random.default_rng(seed)
    days = np.arange(len(promoted))
    season = np.exp(peak * np.exp(-0.5 * ((days % 365.25 - PEAK_DAY) / 12) ** 2))
    weekly = np.where(days % 7 >= 5, weekend, 1.0) * np.exp(trend * days / 365)
    units = rng.poisson(base * season * weekly * np.where(promoted, lift, 1.0)).astype(float)
    return pm.SeriesDays(
        units, promoted, np.where(promoted, depth, 0.0), np.ones(len(promoted), dtype=bool)
    )


def flags(days: int, *runs: tuple[int, int]) -> np.ndarray:
    """Promoted on each (first day, length) of ``runs``."""
    promoted = np.zeros(days, dtype=bool)
    for start, length in runs:
        promoted[start : start + length] = True
    return promoted


def every_sixth_week(days: int, length: int = 7, offset: int = 35) -> np.ndarray:
    return flags(days, *((start, length) for start in range(offset, days - 60, 42)))


class CounterfactualTests(SimpleTestCase):
    def test_a_promotion_in_the_december_peak_is_not_taken_for_a_triumph(self):
        # three years; the promotion covers the last December's peak (demand 2.5x normal)
        days = 3 * 365 + 60
        start = 2 * 365 + PEAK_DAY - 7
        series = generated(1, flags(days, (start, 14)), 2.0, peak=0.9)
        controlled = pm.evidence([series])
        crude = pm.before_after_evidence([series])
        # the controlled lift is within 10% of the true 2.0 ...
        self.assertLess(abs(controlled.log_uplift - math.log(2.0)), math.log(1.10))
        # ... while before/after sets the peak against the quieter weeks around it and
        # reads far more than 2 (about 3.4 here)
        self.assertGreater(crude.log_uplift, math.log(2.0) + math.log(1.4))
        # and so do the plans' effects built on each
        effect = pm.estimate({1: controlled}, {1: "gifts"})[1]
        self.assertLess(abs(effect.uplift / 2.0 - 1), 0.10)
        crude_effect = pm.estimate_before_after({1: crude}, {1: "gifts"})[1]
        self.assertGreater(crude_effect.uplift, 2.0 * 1.4)

    def test_a_seasonal_trough_on_a_trend_is_controlled_too(self):
        # demand growing 50% a year with a December dip to half; the promotion in the last dip
        days = 3 * 365 + 60
        start = 2 * 365 + PEAK_DAY - 7
        series = generated(2, flags(days, (start, 14)), 1.5, peak=-0.7, trend=0.5)
        controlled = pm.evidence([series])
        crude = pm.before_after_evidence([series])
        truth = math.log(1.5)
        self.assertLess(abs(controlled.log_uplift - truth), math.log(1.10))
        # before/after reads the dip as a failed promotion
        self.assertLess(crude.log_uplift, truth - math.log(1.3))

    def test_a_weekend_only_promotion_on_a_weekend_heavy_series(self):
        # Saturdays and Sundays sell twice a weekday; every sixth weekend is promoted (1.5x)
        days = 365
        starts = range(5 + 35, days - 14, 42)  # day 5 is a Saturday
        series = generated(4, flags(days, *((start, 2) for start in starts)), 1.5, weekend=2.0)
        controlled = pm.evidence([series])
        crude = pm.before_after_evidence([series])
        self.assertLess(abs(controlled.log_uplift - math.log(1.5)), math.log(1.08))
        # before/after sets weekend days against the whole week's mean: about 1.5 x 2 / (9/7)
        self.assertGreater(crude.log_uplift, math.log(1.5 * 1.4))

    def test_batched_skus_are_fitted_apart(self):
        first = generated(5, every_sixth_week(365), 2.0)
        second = generated(6, every_sixth_week(365, length=14), 3.0, base=4.0)
        together = pm.evidence_by_sku({1: [first], 2: [second], 3: []})
        self.assertIsNone(together[3])
        for sku, alone in ((1, pm.evidence([first])), (2, pm.evidence([second]))):
            self.assertAlmostEqual(together[sku].baseline_units, alone.baseline_units, places=6)
            self.assertAlmostEqual(together[sku].variance, alone.variance, places=9)
        self.assertNotAlmostEqual(together[1].log_uplift, together[2].log_uplift, places=1)


class StoreWorld:
    """A category of five well-evidenced mugs and two SKUs lifting more: one seen once,
    briefly, one seen often."""

    CATEGORY_LIFT = 2.0  # at 20% off
    OWN_LIFT = 3.0

    def category(self) -> dict[int, pm.Evidence]:
        """Five mugs lifting 2x at 20% off, a promoted week in every six over a year."""
        return {
            sku: pm.evidence([generated(10 + sku, every_sixth_week(365), self.CATEGORY_LIFT)])
            for sku in range(1, 6)
        }

    def sparse(self) -> pm.Evidence:
        # one short promotion (4 days) of a slow seller, lifting 3x
        return pm.evidence([generated(30, flags(200, (120, 4)), self.OWN_LIFT, base=3.0)])

    def rich(self) -> pm.Evidence:
        # 14-day promotions every six weeks over three years, lifting 3x
        days = 3 * 365
        return pm.evidence([generated(31, every_sixth_week(days, 14), self.OWN_LIFT)])


class PoolingTests(StoreWorld, SimpleTestCase):
    def test_a_sku_with_one_short_promotion_is_pulled_toward_its_category(self):
        evidence = {**self.category(), 9: self.sparse()}
        effects = pm.estimate(evidence, dict.fromkeys(evidence, "mugs"))
        own = math.log(evidence[9].promoted_units / evidence[9].baseline_units)
        pooled = math.log(effects[9].uplift)
        category = math.log(self.CATEGORY_LIFT)
        self.assertEqual(effects[9].source, "sku")
        # by more than half the way from its own reading toward the category's
        self.assertLess(abs(pooled - category), 0.5 * abs(own - category))
        self.assertGreater(pooled, category)  # but not all the way
        # the category's own SKUs barely move (each has 8 promoted weeks)
        for sku in range(1, 6):
            self.assertLess(abs(effects[sku].uplift / self.CATEGORY_LIFT - 1), 0.10)

    def test_a_sku_with_many_long_promotions_keeps_its_own(self):
        evidence = {**self.category(), 9: self.rich()}
        effects = pm.estimate(evidence, dict.fromkeys(evidence, "mugs"))
        own = math.log(evidence[9].promoted_units / evidence[9].baseline_units)
        pooled = math.log(effects[9].uplift)
        category = math.log(self.CATEGORY_LIFT)
        self.assertLess(abs(effects[9].uplift / self.OWN_LIFT - 1), 0.06)
        self.assertLess(abs(pooled - own), 0.1 * abs(own - category))  # less than a tenth

    def test_a_category_without_evidence_borrows_the_stores(self):
        evidence = {**self.category(), 20: None}
        effects = pm.estimate(evidence, {**dict.fromkeys(range(1, 6), "mugs"), 20: None})
        self.assertEqual(effects[20].source, "store")
        self.assertLess(abs(effects[20].uplift_at(0.2) / self.CATEGORY_LIFT - 1), 0.10)


class IntervalTests(StoreWorld, SimpleTestCase):
    def test_the_interval_holds_the_truth_and_widens_when_evidence_is_sparse(self):
        evidence = {**self.category(), 8: self.rich(), 9: self.sparse()}
        effects = pm.estimate(evidence, dict.fromkeys(evidence, "mugs"))
        rich_low, rich_high = effects[8].interval_at(0.2)
        sparse_low, sparse_high = effects[9].interval_at(0.2)
        self.assertLess(rich_low, self.OWN_LIFT)
        self.assertGreater(rich_high, self.OWN_LIFT)
        self.assertLess(sparse_low, self.OWN_LIFT)
        self.assertGreater(sparse_high, self.OWN_LIFT)
        for sku in range(1, 6):
            low, high = effects[sku].interval_at(0.2)
            self.assertLess(low, self.CATEGORY_LIFT)
            self.assertGreater(high, self.CATEGORY_LIFT)
        rich_width = math.log(rich_high / rich_low)
        sparse_width = math.log(sparse_high / sparse_low)
        self.assertLess(rich_width, 0.5)  # informative: less than a factor of 1.65
        self.assertGreater(sparse_width, 1.5 * rich_width)
        # the interval is about the lift at the depth asked for, and scales with it
        self.assertLess(effects[8].interval_at(0.1)[1], rich_high)
        self.assertGreater(
            math.log(effects[8].interval_at(0.4)[1] / effects[8].interval_at(0.4)[0]),
            rich_width,
        )
