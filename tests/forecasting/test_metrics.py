"""MASE and WQL as the Chronos / fev benchmarks define them, on cases worked by hand."""

import numpy as np
from django.test import SimpleTestCase

from forecasting.metrics import pinball, score, seasonal_scale
from forecasting.quantiles import LEVELS, MEDIAN_INDEX


def flat(values):
    """Every quantile equal to ``values`` (a point forecast)."""
    return np.repeat(np.asarray(values, dtype=float)[None, :], len(LEVELS), axis=0)


class MetricTests(SimpleTestCase):
    def test_seasonal_scale(self):
        self.assertEqual(seasonal_scale(np.array([1, 2, 3, 5, 4, 7]), 2), (2 + 3 + 1 + 2) / 4)
        self.assertEqual(seasonal_scale(np.array([3.0, np.nan, 5.0, 4.0]), 1), 1.0)
        self.assertEqual(seasonal_scale(np.array([2.0, 2.0, 2.0]), 1), 0.0)

    def test_mase_of_a_point_forecast(self):
        history = np.array([1.0, 3.0, 1.0, 3.0])  # scale with m=1: mean |diff| = 2
        scores = score([history], [np.array([2.0, 4.0])], [flat([1.0, 1.0])], season=1)
        self.assertAlmostEqual(scores.mase, ((1 + 3) / 2) / 2)

    def test_wql_of_a_point_forecast_is_the_absolute_error_ratio(self):
        # For a point forecast, the mean pinball loss over symmetric levels is |e| / 2.
        scores = score([np.array([1.0, 2.0])], [np.array([4.0, 6.0])], [flat([3.0, 3.0])], 1)
        self.assertAlmostEqual(scores.wql, (1 + 3) / (4 + 6))

    def test_series_with_zero_scale_are_left_out_and_counted(self):
        scores = score(
            [np.array([5.0, 5.0, 5.0]), np.array([0.0, 2.0, 0.0])],
            [np.array([5.0]), np.array([2.0])],
            [flat([4.0]), flat([1.0])],
            season=1,
        )
        self.assertEqual(scores.zero_scale_series, 1)
        self.assertAlmostEqual(scores.mase, 0.5)

    def test_unobserved_actuals_are_not_scored(self):
        forecast = flat([1.0, 100.0])
        scores = score([np.array([0.0, 1.0])], [np.array([2.0, np.nan])], [forecast], season=1)
        self.assertAlmostEqual(scores.mase, 1.0)

    def test_pinball_loss(self):
        self.assertEqual(pinball(np.array([10.0]), np.array([8.0]), 0.9)[0], 0.9 * 2)
        self.assertAlmostEqual(pinball(np.array([10.0]), np.array([12.0]), 0.9)[0], 0.1 * 2)
        self.assertEqual(LEVELS[MEDIAN_INDEX], 0.5)
