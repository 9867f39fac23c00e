"""The transformer reads its own fan at the levels its check favoured: each demand class's
quantiles, as they did one horizon before the origin, mapped to the levels that would have
served there (`forecasting.neural.inference.class_levels`), and the explanation of a stored
forecast reads them where the forecast did."""

from __future__ import annotations

from unittest import mock

import numpy as np
from django.test import SimpleTestCase

from forecasting import explanations, registry, selection
from forecasting.levels import fit_levels, read_at
from forecasting.metrics import score
from forecasting.neural import inference
from forecasting.neural.inference import (
    TransformerCandidate,
    check_weights,
    class_levels,
    read_rows_at,
)
from forecasting.projection import forecast_paths, totals
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from forecasting.selection import MIN_GROUP_SERIES


def fan(centre: float, series: int, periods: int) -> np.ndarray:
    """A fan of quantiles around ``centre``: ±1 per step of level from the median."""
    offsets = (np.arange(len(LEVELS)) - MEDIAN_INDEX).astype(float)
    return np.broadcast_to((centre + offsets)[None, :, None], (series, len(LEVELS), periods)).copy()


class ClassLevelsTests(SimpleTestCase):
    def test_a_class_whose_fan_was_too_high_reads_its_median_lower(self):
        big, small = MIN_GROUP_SERIES + 10, 5
        quantiles = fan(10.0, big + small, 28)
        actual = np.concatenate([np.full((big, 28), 6.0), np.full((small, 28), 14.0)])
        classes = np.array(["smooth"] * big + ["lumpy"] * small, dtype=object)
        levels = class_levels(quantiles, actual, classes, np.ones(big + small))
        self.assertLess(levels[0, MEDIAN_INDEX], 0.2)  # demand sat four steps below the median
        # too few lumpy series to judge alone: they take the map of the whole panel
        np.testing.assert_allclose(levels[-1], fit_levels(quantiles, actual))
        self.assertFalse(np.allclose(levels[-1], levels[0]))

    def test_a_series_with_little_history_behind_its_check_moves_less(self):
        panel = np.ones((3, 40))
        panel[1, :20] = np.nan  # 8 periods observed before a 12-period check
        panel[2, :28] = np.nan  # none
        np.testing.assert_allclose(check_weights(panel, 12), [1.0, 8 / 12, 0.0])
        quantiles, actual = fan(10.0, 40, 12), np.full((40, 12), 6.0)
        weight = np.where(np.arange(40) < 39, 1.0, 0.5)
        levels = class_levels(quantiles, actual, np.array(["smooth"] * 40), weight)
        moved = levels[0] - LEVELS
        np.testing.assert_allclose(levels[-1] - LEVELS, 0.5 * moved)
        self.assertLess(moved[MEDIAN_INDEX], -0.2)
        # nothing judged in full: every series keeps the levels themselves
        none = class_levels(quantiles, actual, np.array(["smooth"] * 40), np.zeros(40))
        np.testing.assert_array_equal(none, np.tile(LEVELS, (40, 1)))

    def test_rows_are_read_at_their_own_map_and_the_others_left_alone(self):
        quantiles = fan(10.0, 3, 4) + np.arange(3)[:, None, None]
        lower = np.linspace(0.01, 0.6, len(LEVELS))
        levels = np.stack([LEVELS, lower, LEVELS])
        read = read_rows_at(quantiles, levels)
        np.testing.assert_array_equal(read[[0, 2]], quantiles[[0, 2]])
        np.testing.assert_allclose(read[1], read_at(quantiles[1:2], lower)[0])
        self.assertLess(read[1, MEDIAN_INDEX, 0], quantiles[1, MEDIAN_INDEX, 0] - 0.5)


class CalibratedCandidateTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.model = registry.base_model()
        rng = np.random.default_rng(8)
        # parts going out of use: steady sales, then rarer and rarer ones
        rate = np.concatenate([np.full(200, 1.5), np.geomspace(1.5, 0.05, 112)])
        cls.panel = rng.poisson(rate[None, :] * rng.uniform(0.5, 1.5, (60, 1))).astype(float)

    def wql(self, forecast: np.ndarray) -> float:
        return score(list(self.panel[:, :-28]), list(self.panel[:, -28:]), list(forecast), 7).wql

    def test_the_check_reads_the_fan_lower_where_demand_is_fading_and_scores_better(self):
        history = self.panel[:, :-28]
        candidate = TransformerCandidate(self.model)
        calibrated = candidate(history, 28, 7)
        levels = candidate.levels(history, 28, 7)
        self.assertLess(levels[:, MEDIAN_INDEX].mean(), 0.45)
        with mock.patch.object(inference, "CALIBRATED", False):
            plain = TransformerCandidate(self.model)(history, 28, 7)
        self.assertLess(self.wql(calibrated), self.wql(plain))

    def test_a_fixed_map_is_read_for_every_series(self):
        history = self.panel[:3, :-28]
        lower = np.linspace(0.01, 0.6, len(LEVELS))
        as_is = TransformerCandidate(self.model, share=0.5, levels=LEVELS)(history, 28, 7)
        mapped = TransformerCandidate(self.model, share=0.5, levels=lower)(history, 28, 7)
        np.testing.assert_allclose(mapped, read_at(as_is, lower), atol=1e-6)

    def test_the_explanation_explains_the_fan_read_at_the_series_levels(self):
        history = np.random.default_rng(2).poisson(8.0, 200).astype(float)
        lower = np.linspace(0.01, 0.6, len(LEVELS))
        candidates = {"transformer": TransformerCandidate(self.model)}
        forecasts = {}
        for name, levels in (("as is", LEVELS), ("lower", lower)):
            forecast = TransformerCandidate(self.model, share=1.0, levels=levels)(
                history[None], 28, 7
            )
            explained = explanations.explain(
                history=history, known=None, past=None, candidates=candidates,
                model_name="transformer", share=1.0, transformer_levels=levels,
            )  # fmt: skip
            # whole units are served where the history is counts; the 28 days' median total
            # is read from the paths the page draws from what is served
            served = selection.served(forecast, np.array([True]), LEVELS)[0]
            expected = totals(forecast_paths(served, 0.0, seed=0), slice(0, 28))[1]
            self.assertAlmostEqual(explained["forecast"], expected, places=3)
            forecasts[name] = explained["forecast"]
        self.assertLess(forecasts["lower"], forecasts["as is"])
