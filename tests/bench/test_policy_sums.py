"""The policy bench's table of how well the drawn lead-time sums covered the demand that came
(bench/policy/sums.py): right where the paths are drawn as the demand was made, too wide
where a common share is added that the demand does not have."""

import contextlib
import io

import numpy as np
from django.test import SimpleTestCase
from scipy import stats

from bench.policy import report, sums
from forecasting.paths import COMMON_SHARE
from forecasting.quantiles import LEVELS
from planning.replays import replay


class SumCoverageTests(SimpleTestCase):
    def test_paths_drawn_as_the_demand_was_made_cover_it_and_a_common_share_is_too_wide(self):
        # independent Poisson days: every review forecasts each series' true daily law and
        # says its days share nothing (a fitted share of 0); the share set for all adds a
        # level common to the whole span, which this demand does not have
        rng = np.random.default_rng(8)
        series, length, days, review = 60, 300, 112, 7
        rates = rng.uniform(3, 12, series)
        values = rng.poisson(rates[:, None], (series, length)).astype(float)
        daily = stats.poisson.ppf(LEVELS[None, :], rates[:, None])
        quantiles = np.repeat(daily[:, :, None], replay.HORIZON, axis=2)
        forecasts = [(quantiles, np.zeros(series))] * (days // review)
        terms = replay.Terms(
            lead_mean=np.full(series, 5.0), lead_std=np.full(series, 1.0),
            pack=np.ones(series), moq=np.zeros(series),
            unit_cost=np.ones(series), unit_price=np.full(series, 2.0),
        )  # fmt: skip
        classes = np.array(["smooth"] * 40 + ["lumpy"] * 20, dtype=object)
        coverage = sums.sum_coverage(
            values, terms, forecasts, start=length - days, review=review, seed=7,
            classes=classes, judged=report.judged_classes(classes),
        )  # fmt: skip
        self.assertEqual(set(coverage["fitted"]), {"all", "smooth"})  # lumpy: too few SKUs
        fitted, fixed = coverage["fitted"]["all"], coverage["fixed"]["all"]
        self.assertGreater(fitted["sums"], 800)
        self.assertLess(abs(fitted["above"][0.9] - 0.10), 0.03)
        self.assertLess(abs(fitted["above"][0.8] - 0.20), 0.04)
        self.assertLess(abs(fitted["beyond"][0.9] - 1.0), 0.3)
        self.assertLess(fixed["above"][0.9], 0.05)  # too wide: what came seldom passes
        self.assertLess(fixed["beyond"][0.9], 0.5 * fitted["beyond"][0.9])
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            sums.print_coverage(coverage, COMMON_SHARE)
        self.assertIn(f"share {COMMON_SHARE:g} for all", printed.getvalue())
        self.assertIn(f"{fitted['above'][0.9]:.1%}", printed.getvalue())
