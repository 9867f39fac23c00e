"""The shipped transformer passes every capability gate, and the gates tell a flat line, a
repeated week and a model that ignores promotions from one that forecasts."""

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

    def test_the_shipped_weights_pass_every_gate(self):
        for gate in self.results:
            with self.subTest(case=gate.case, measure=gate.measure):
                self.assertTrue(
                    gate.passed,
                    f"{gate.measure} {gate.value:.3f} over its limit {gate.threshold:.3f} "
                    f"({gate.reference})",
                )

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
