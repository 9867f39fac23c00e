"""The policy bench's baselines (bench/policy/baselines.py): days of cover is replayed in the
world the replay gives every other policy, and the headline reads a baseline's curve at our
realised fill."""

import contextlib
import io

import numpy as np
from django.test import SimpleTestCase

from bench.policy import baselines
from forecasting.baselines import BASELINES
from planning.replays import replay, simulation


def outcome(fill: float, stock: float) -> simulation.Outcome:
    return simulation.Outcome(
        fill_rate=fill, cycle_service_level=1.0, stock_out_days=0.0,
        average_inventory_value=stock, holding_cost=0.0, lost_sales_cost=0.0, orders=0,
    )  # fmt: skip


class SameWorldTests(SimpleTestCase):
    def test_a_baseline_replayed_here_fares_as_in_the_replay_of_every_policy(self):
        # lead times drawn with a spread, packs and a starting stock: all must be the replay's
        rng = np.random.default_rng(3)
        values = rng.poisson(rng.uniform(2, 20, 4)[:, None], (4, 120)).astype(float)
        terms = replay.Terms(
            lead_mean=np.array([3.0, 5.0, 8.0, 12.0]), lead_std=np.array([1.0, 1.0, 2.0, 3.0]),
            pack=np.array([1.0, 6.0, 6.0, 12.0]), moq=np.array([1.0, 6.0, 12.0, 12.0]),
            unit_cost=np.full(4, 3.0), unit_price=np.full(4, 5.0),
        )  # fmt: skip
        world = {"days": 42, "warm_up": 14, "review": 7, "seed": 11}
        together = replay.replay_policies(
            values, terms, {"seasonal_naive": BASELINES["seasonal_naive"]}, levels=(0.9,),
            paths=50, calibrate=False, min_max_safety=(1.0,), **world,
        )  # fmt: skip

        def fair(known):
            return simulation.fair_min_max_policy(known, terms.lead_mean, 7, 1.0)

        alone = baselines.replay_in_same_world(values, terms, fair, **world)
        self.assertEqual(alone.figures(), together.outcomes["fair_min_max 1.00"].figures())
        # and the seed is the replay's: another draws other lead times
        elsewhere = baselines.replay_in_same_world(values, terms, fair, **(world | {"seed": 12}))
        self.assertNotEqual(elsewhere.figures(), alone.figures())

    def test_days_of_cover_gives_one_outcome_per_n_in_order(self):
        rng = np.random.default_rng(4)
        values = rng.poisson(5.0, (3, 100)).astype(float)
        terms = replay.Terms(
            lead_mean=np.full(3, 5.0), lead_std=np.full(3, 1.0), pack=np.ones(3),
            moq=np.ones(3), unit_cost=np.full(3, 2.0), unit_price=np.full(3, 4.0),
        )  # fmt: skip
        swept = baselines.days_of_cover(
            values, terms, days=56, warm_up=14, review=7, seed=1, cover_days=(7, 42)
        )
        self.assertEqual([n for n, _outcome in swept], [7, 42])
        (_, short), (_, long) = swept
        self.assertLess(short.average_inventory_value, long.average_inventory_value)


class AtEqualFillTests(SimpleTestCase):
    CURVE = [(0.80, 1000.0), (0.90, 2000.0)]
    OURS = [(0.8, outcome(0.85, 1200.0)), (0.9, outcome(0.95, 1800.0))]

    def read(self, **options) -> tuple[list, str]:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            found = baselines.at_equal_fill(self.OURS, self.CURVE, name="cover", **options)
        return found, printed.getvalue()

    def test_reads_the_baseline_at_our_realised_fill_not_at_the_target(self):
        found, printed = self.read()
        # at fill 0.85 the curve holds 1500; 0.95 is past its end
        self.assertAlmostEqual(found[0], 1500.0)
        self.assertIsNone(found[1])
        self.assertIn("target 80%: fill 0.850, £1,200 against £1,500 (20.0% less)", printed)
        self.assertIn(
            "target 90%: fill 0.950, £1,800 (outside cover's curve, which spans fill 0.800-0.900)",
            printed,
        )
        self.assertIn("-> 20.0% to 20.0% less inventory at equal fill\n", printed)

    def test_the_verdict_against_the_least_cut_wanted(self):
        # the one compared fill saves 20%
        self.assertIn("target >= 19% at every compared fill: met", self.read(least_cut=0.19)[1])
        self.assertIn("target >= 21% at every compared fill: NOT met", self.read(least_cut=0.21)[1])
