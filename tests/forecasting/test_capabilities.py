"""The shipped transformer's capability gates are what its model card says they are, and the
gates tell a flat line, a repeated week and a model that ignores promotions from one that
forecasts.

Every gate the card (forecasting/weights/base/training.json) records as passed must pass on
the shipped weights, and every gate it records as failed must still fail: a regression fails
the suite, and so does a card that claims more, or less, than the weights do."""

import json
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from forecasting import capabilities, registry
from forecasting.baselines import seasonal_naive, tsb


def failed(results) -> set[tuple[str, str]]:
    return {(gate.case, gate.measure) for gate in results if not gate.passed}


class CapabilityGateTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = registry.base_model()
        cls.results = capabilities.gates(capabilities.transformer_forecaster(model))
        card = Path(settings.FORECAST_BASE_MODEL_DIR) / "training.json"
        cls.recorded = {
            (gate["case"], gate["measure"]): gate for gate in json.loads(card.read_text())["gates"]
        }

    def test_the_model_card_states_each_gate_as_measured(self):
        self.assertEqual(set(self.recorded), {(gate.case, gate.measure) for gate in self.results})
        for gate in self.results:
            recorded = self.recorded[(gate.case, gate.measure)]
            with self.subTest(case=gate.case, measure=gate.measure):
                self.assertEqual(
                    gate.passed,
                    recorded["passed"],
                    f"{gate.measure} {gate.value:.3f} against its limit {gate.threshold:.3f} "
                    f"({gate.reference}); the card says {recorded['value']:.3f}",
                )
                # seeded cases and eval-mode weights: the same figure, up to CPU kernels
                self.assertAlmostEqual(
                    gate.value, recorded["value"], delta=max(0.02 * abs(gate.value), 0.005)
                )

    def test_the_forecasting_basics_pass(self):
        # what planning leans on: an exact weekly pattern, intermittent demand, promotions
        # known ahead, and quantiles that cover at their levels on counts
        basics = {
            ("weekly_pattern", "absolute error"),
            ("intermittent", "WQL"),
            ("promotion", "1 / lift on promoted days"),
            ("promotion", "WQL"),
            ("poisson_weekly", "coverage gap"),
        }
        self.assertEqual(basics & failed(self.results), set())

    def test_every_case_is_judged(self):
        cases = {case.name for case in capabilities.cases()}
        self.assertEqual({gate.case for gate in self.results}, cases)
        self.assertEqual(len(cases), 9)


class GatesCanFailTests(SimpleTestCase):
    def test_a_flat_line_fails_the_patterns_trends_and_promotions(self):
        flat = capabilities.gates(
            lambda case, _covariates: tsb(case.history, capabilities.HORIZON, 7)
        )
        self.assertTrue(
            {
                ("weekly_pattern", "absolute error"),
                ("sine_7", "MASE"),
                ("sine_30", "MASE"),
                ("linear_trend", "MASE"),
                ("trend_weekly", "MASE"),
                ("promotion", "1 / lift on promoted days"),
                ("poisson_weekly", "MASE"),
            }
            <= failed(flat)
        )

    def test_repeating_last_week_fails_what_it_cannot_do(self):
        naive = capabilities.gates(
            lambda case, _covariates: seasonal_naive(case.history, capabilities.HORIZON, 7)
        )
        self.assertNotIn(("weekly_pattern", "absolute error"), failed(naive))  # exact there
        self.assertTrue(
            {("linear_trend", "MASE"), ("intermittent", "WQL"), ("promotion", "WQL")}
            <= failed(naive)
        )
