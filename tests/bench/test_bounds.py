"""The forecast bench's reading of a MASE target (bench/forecast/bounds.py): how often the
series that sold in at least half of one season's periods sold in the next season, read
inside the history only."""

from types import SimpleNamespace

import numpy as np
from django.test import SimpleTestCase

from bench.forecast.bounds import later_selling_share


def panel(rows: list[list[float]]) -> SimpleNamespace:
    return SimpleNamespace(values=np.array(rows, dtype=float))


class LaterSellingShareTests(SimpleTestCase):
    def test_the_busy_series_of_each_season_are_followed_into_the_next(self):
        # season 2; the last season (held out) is never read: each row's history is its
        # first six periods, three seasons, so two pairs of consecutive seasons
        busy_then_quiet = [1, 1, 1, 0, 0, 0, 9, 9]  # pairs: (1 1 -> 1 0), (1 0 -> 0 0)
        never = [0, 0, 0, 0, 0, 0, 9, 9]  # never busy: not counted
        counted, share = later_selling_share(panel([busy_then_quiet, never]), season=2)
        # busy in season one (sold in 2 of 2) and in season two (1 of 2, half): the next
        # seasons sold in 1 of 2 and 0 of 2 periods
        self.assertEqual(counted, 2)
        self.assertAlmostEqual(share, 0.25)

    def test_the_held_out_season_is_not_read(self):
        # the same history, and the held-out season sells every period: nothing changes
        quiet_after = [1, 1, 0, 0, 0, 0, 0, 0]
        selling_after = [1, 1, 0, 0, 0, 0, 5, 5]
        for rows in ([quiet_after], [selling_after]):
            counted, share = later_selling_share(panel(rows), season=2)
            self.assertEqual(counted, 1)
            self.assertEqual(share, 0.0)

    def test_a_threshold_leaves_out_the_series_that_sold_less(self):
        rows = [[1, 0, 0, 1, 1, 1, 0, 0]]  # seasons (1 0), (0 1), (1 1): each half or more
        self.assertEqual(later_selling_share(panel(rows), season=2)[0], 2)
        self.assertEqual(later_selling_share(panel(rows), season=2, least=1.0)[0], 0)
        self.assertTrue(np.isnan(later_selling_share(panel(rows), season=2, least=1.0)[1]))
