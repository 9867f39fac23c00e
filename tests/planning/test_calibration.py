"""The correction of the drawn demand sums learnt from past forecasts: it leaves a right
spread alone and follows a drift in what the forecasts miss."""

from __future__ import annotations

import numpy as np
from django.test import SimpleTestCase

from planning.replays import calibration


def past(rng, count: int, actual_scale: float, drift: float = 0.0):
    """``count`` past forecasts, each 400 sums drawn from a normal around 100 (sd 10), and
    what happened: a normal with ``actual_scale`` times that spread, ``drift`` above."""
    drawn = rng.normal(100, 10, (count, 400))
    actual = rng.normal(100 + drift, 10 * actual_scale, count)
    return drawn, actual


def coverage(drawn, actual, level) -> float:
    """The share of actual sums at or below the drawn sums' quantile at ``level``."""
    return float((actual <= np.quantile(drawn, level, axis=1)).mean())


class CalibrationTests(SimpleTestCase):
    def test_the_pits_of_a_right_spread_are_uniform_and_change_nothing(self):
        rng = np.random.default_rng(1)
        drawn, actual = past(rng, 4000, 1.0)
        values = calibration.pits(drawn, actual)
        self.assertAlmostEqual(float((values <= 0.9).mean()), 0.9, delta=0.015)
        fitted = calibration.Calibration.fit(values)
        np.testing.assert_allclose(fitted.level([0.5, 0.9, 0.95]), [0.5, 0.9, 0.95], atol=0.02)

    def test_ties_at_zero_spread_evenly(self):
        drawn = np.zeros((2000, 100))
        drawn[:, 60:] = 5.0  # 60% of the drawn sums are zero
        values = calibration.pits(drawn, np.zeros(2000))
        self.assertAlmostEqual(float(values.max()), 0.6, delta=0.01)
        self.assertAlmostEqual(float(values.mean()), 0.3, delta=0.01)

    def test_a_drift_is_learnt_and_corrected(self):
        rng = np.random.default_rng(2)
        # forecasts too narrow (actual spread 1.5x) and 5 units low: 90% of the drawn sums
        # covered far fewer than 90% of what happened
        drawn, actual = past(rng, 3000, 1.5, drift=5.0)
        self.assertLess(coverage(drawn, actual, 0.9), 0.8)
        fitted = calibration.Calibration.fit(calibration.pits(drawn, actual), prior=0)
        # new forecasts with the same fault, corrected with what the past ones missed
        drawn, actual = past(rng, 3000, 1.5, drift=5.0)
        lead = drawn * 0.5
        corrected_lead, corrected = fitted.apply(lead, drawn)
        for level in (0.5, 0.8, 0.9, 0.95):
            self.assertAlmostEqual(coverage(corrected, actual, level), level, delta=0.02)
        # the lead-time part moves with its path: the same share of the sum
        np.testing.assert_allclose(corrected_lead, corrected * 0.5)

    def test_few_pits_correct_nothing_and_a_class_without_enough_takes_the_stores(self):
        self.assertEqual(calibration.Calibration.fit(np.full(10, 0.99)).count, 0)
        values = np.concatenate([np.full(300, 0.95), np.full(20, 0.5)])
        classes = np.array(["smooth"] * 300 + ["lumpy"] * 20, dtype=object)
        fitted = calibration.fit_by_class(values, classes)
        self.assertIn("smooth", fitted)
        self.assertNotIn("lumpy", fitted)
        self.assertIs(calibration.for_class(fitted, "lumpy"), fitted[""])
