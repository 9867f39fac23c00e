import numpy as np
from django.test import SimpleTestCase

from forecasting.gaps import fill_forward, window_rows
from forecasting.neural.corpus import RetailSeries
from forecasting.neural.inference import Covariates, tasks_for


class FillForwardTests(SimpleTestCase):
    def test_carries_the_last_value_and_starts_from_the_fallback(self):
        rows = np.array([[np.nan, 2.0, np.nan, 3.0, np.nan], [np.nan] * 5])
        filled = fill_forward(rows, np.array([9.0, 7.0]))
        np.testing.assert_array_equal(filled, [[9, 2, 2, 3, 3], [7, 7, 7, 7, 7]])


class WindowRowsTests(SimpleTestCase):
    def setUp(self):
        # price recorded on sale days 5 and 8 (it changed then), a promotion flag below it
        self.rows = np.array([[4.0] * 5 + [3.0] * 3 + [5.0] * 2, [0] * 6 + [1] * 4], dtype=float)

    def test_a_recorded_price_is_held_at_the_origin(self):
        window = window_rows(self.rows, start=1, cut=4, end=10)
        np.testing.assert_array_equal(window[0], [4.0] * 9)
        np.testing.assert_array_equal(window[1], self.rows[1, 1:10])  # promotions stay known

    def test_planned_prices_after_the_recorded_ones_stay(self):
        window = window_rows(self.rows, start=0, cut=4, end=10, recorded=6)
        np.testing.assert_array_equal(window[0], [4.0] * 6 + [3.0, 3.0, 5.0, 5.0])

    def test_past_the_rows_the_last_value_carries_on(self):
        window = window_rows(self.rows, start=6, cut=10, end=13, recorded=10)
        np.testing.assert_array_equal(window[0], [3.0, 3.0, 5.0, 5.0, 5.0, 5.0, 5.0])

    def test_a_window_at_the_end_of_the_record_is_unchanged(self):
        window = window_rows(self.rows, start=0, cut=6, end=10, recorded=6)
        np.testing.assert_array_equal(window, self.rows)


class NoLeakTests(SimpleTestCase):
    def test_a_backtest_window_does_not_see_the_days_that_sold(self):
        sales = np.zeros(60)
        sales[[50, 53, 57]] = 2.0
        price = np.where(sales > 0, 1.0 + np.arange(60) / 100, np.nan)
        price[0] = 1.0
        known = {0: np.stack([fill_forward(price), np.zeros(60)])}
        (task,) = tasks_for(sales[None, :48], 12, Covariates(known=known))
        np.testing.assert_array_equal(task.known[0, 48:], np.full(12, task.known[0, 47]))

    def test_the_retail_corpus_holds_the_price_after_the_cut(self):
        series = RetailSeries.__new__(RetailSeries)
        units = np.zeros(200)
        units[::3] = 1.0
        series.units = [units]
        series.prices = [np.cumsum(units) / 10]  # a new price every day something sold
        task = series.task(np.random.default_rng(3), length=100, horizon=20)
        cut = len(task.history)
        np.testing.assert_array_equal(task.known[0, cut:], np.full(20, task.known[0, cut - 1]))
