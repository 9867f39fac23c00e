"""Stock on hand projected from demand paths: lost sales, arrivals, the stock-out chance."""

from __future__ import annotations

import numpy as np
from django.test import SimpleTestCase

from forecasting.projection import project_stock


class ProjectionTests(SimpleTestCase):
    def test_steady_demand_runs_stock_down_and_an_arrival_lifts_it(self):
        paths = np.full((10, 10), 3.0)  # 3 a day, no doubt
        arrivals = np.zeros(10)
        arrivals[5] = 20
        projection = project_stock(paths, 10, arrivals)
        # 10 -> 7, 4, 1, then 0 (2 lost on day 3, 3 on day 4); 20 arrive on day 5
        np.testing.assert_allclose(projection.median, [7, 4, 1, 0, 0, 17, 14, 11, 8, 5])
        np.testing.assert_allclose(projection.stock_out_by, [0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
        self.assertEqual(projection.first_stock_out(), 3)
        self.assertAlmostEqual(projection.lost_units, 5.0)

    def test_the_band_and_the_chance_come_from_the_paths(self):
        rng = np.random.default_rng(2)
        paths = rng.poisson(4.0, (4000, 14)).astype(float)
        projection = project_stock(paths, 40)
        self.assertTrue(np.all(projection.low <= projection.median))
        self.assertTrue(np.all(projection.median <= projection.high))
        self.assertTrue(np.all(np.diff(projection.stock_out_by) >= 0))
        # 40 units last 10 days at 4 a day: by day 9 about half the paths have run short
        self.assertAlmostEqual(projection.stock_out_by[9], 0.5, delta=0.1)
        self.assertLess(projection.stock_out_by[5], 0.05)
        self.assertIsNone(project_stock(paths, 1000).first_stock_out())
