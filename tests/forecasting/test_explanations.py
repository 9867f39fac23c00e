"""The SHAP explanation explains the number the forecast serves: its median read at the level
that the forecast's selection served as its median."""

import numpy as np
from django.test import SimpleTestCase

from forecasting import explanations, selection
from forecasting.baselines import BASELINES
from forecasting.quantiles import LEVELS, MEDIAN_INDEX


class ExplainedNumberTests(SimpleTestCase):
    def test_the_forecast_explained_is_the_median_at_its_served_level(self):
        rng = np.random.default_rng(4)
        history = rng.gamma(4.0, 5.0, 140)  # not whole units: nothing is rounded
        forecast = BASELINES["exponential_smoothing"](history[None], 28, 7)
        for level in (0.5, 0.3):
            with self.subTest(level=level):
                explained = explanations.explain(
                    history=history, known=None, past=None, candidates=BASELINES,
                    model_name="exponential_smoothing", median_level=level,
                )  # fmt: skip
                levels = LEVELS.copy()
                levels[MEDIAN_INDEX] = level
                served = selection.served(forecast, np.array([False]), levels)
                expected = served[0, MEDIAN_INDEX, :28].sum()
                self.assertAlmostEqual(explained["forecast"], expected, places=3)
                total = explained["base_value"] + sum(g["value"] for g in explained["groups"])
                self.assertAlmostEqual(total, explained["forecast"], places=3)
        # and the two levels explain different numbers
        lower = explanations.explain(
            history=history, known=None, past=None, candidates=BASELINES,
            model_name="exponential_smoothing", median_level=0.3,
        )  # fmt: skip
        self.assertLess(lower["forecast"], forecast[0, MEDIAN_INDEX, :28].sum() - 1.0)
