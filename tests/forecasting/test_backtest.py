"""The backtest: reading long-form CSVs, the point seasonal naive, the report's table, and
the public command (the served choice itself: test_selection)."""

import io
import json
import tempfile
from pathlib import Path

import numpy as np
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from forecasting.backtest import (
    Panel,
    load_long_csv,
    report_table,
    run_backtest,
    seasonal_naive_point,
)


def write(text: str) -> Path:
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)  # noqa: SIM115
    handle.write(text)
    handle.close()
    return Path(handle.name)


class LoadTests(SimpleTestCase):
    def test_daily_gaps_are_zero_and_days_nobody_sold_are_closed(self):
        path = write(
            "series_id,date,units\n"
            "a,2024-05-01,3\na,2024-05-04,1\n"
            "b,2024-05-01,2\nb,2024-05-02,5\nb,2024-05-04,1\n"
        )
        panel = load_long_csv(
            path, freq="D", id_col="series_id", date_col="date", target_col="units"
        )
        self.assertEqual(panel.periods, ["2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04"])
        np.testing.assert_array_equal(panel.values[0], [3, 0, np.nan, 1])
        np.testing.assert_array_equal(panel.values[1], [2, 5, np.nan, 1])

    def test_monthly_missing_values_are_zero(self):
        path = write("part,month,qty\nx,2001-11,1\nx,2002-01,\ny,2001-12,4\n")
        panel = load_long_csv(path, freq="M", id_col="part", date_col="month", target_col="qty")
        self.assertEqual(panel.periods, ["2001-11", "2001-12", "2002-01"])
        np.testing.assert_array_equal(panel.values, [[1, 0, 0], [0, 4, 0]])


class CommandTests(SimpleTestCase):
    def test_command_prints_and_writes_scores_for_every_model(self):
        rng = np.random.default_rng(3)
        lines = ["series_id,date,units,price,promo"]
        for series in range(6):
            for day in range(120):
                units = rng.poisson(5 if series % 2 else 0.3)
                price = 2.0 if day % 30 < 25 else 1.5
                promo = int(day % 30 >= 25)
                lines.append(
                    f"s{series},{np.datetime64('2024-01-01') + day},{units},{price},{promo}"
                )
        path = write("\n".join(lines) + "\n")
        out = Path(tempfile.mkdtemp()) / "scores.json"
        printed = io.StringIO()
        call_command(
            "backtest",
            str(path),
            "--horizon",
            "14",
            "--season",
            "7",
            "--freq",
            "D",
            "--out",
            str(out),
            "--steps",
            "2",
            stdout=printed,
        )
        self.assertIn("shelfcast (deployed)", printed.getvalue())
        self.assertIn("ratios to the point seasonal naive", printed.getvalue())
        report = json.loads(out.read_text())
        self.assertEqual((report["n_series"], report["horizon"]), (6, 14))
        self.assertEqual(
            set(report["models"]),
            {
                "seasonal_naive_point",
                "seasonal_naive",
                "exponential_smoothing",
                "tsb",
                "auto_ets",
                "shelfcast_zero_shot",
                "shelfcast_fine_tuned",
                "shelfcast",
                "shelfcast_baselines_only",
            },
        )
        reference = report["models"]["seasonal_naive_point"]
        for figures in report["models"].values():
            self.assertAlmostEqual(figures["WQL_ratio"], figures["WQL"] / reference["WQL"], 3)
            self.assertAlmostEqual(figures["MASE_ratio"], figures["MASE"] / reference["MASE"], 3)
        self.assertEqual(sum(report["choices"]["shelfcast"].values()), 6)
        self.assertIn(report["fine_tune"]["accepted"], (True, False))
        self.assertEqual(len(report["fine_tune"]["version"]["windows"]["WQL"]), 2)

    def test_price_and_promotion_columns_become_known_covariates(self):
        path = write(
            "series_id,date,units,price,promo\n"
            "a,2024-01-01,3,2.0,0\n"
            "a,2024-01-03,5,1.5,1\n"
            "b,2024-01-02,1,,\n"
        )
        panel = load_long_csv(
            path, freq="D", id_col="series_id", date_col="date", target_col="units"
        )
        np.testing.assert_allclose(panel.known[0], [[2.0, 2.0, 1.5], [0, 0, 1]])
        np.testing.assert_allclose(panel.known[1][0], [1.0, 1.0, 1.0])  # no price: neutral

    def test_a_bad_number_names_its_row(self):
        path = write("series_id,date,units\na,2024-01-01,3\na,2024-01-02,lots\n")
        with self.assertRaisesMessage(CommandError, "row 3"):
            call_command("backtest", str(path), "--horizon", "1", "--season", "1", "--freq", "D")

    def test_bad_input_is_a_clear_error(self):
        path = write("id,when,units\na,2024-05-01,1\n")
        with self.assertRaisesMessage(CommandError, "no column 'series_id', 'date'"):
            call_command("backtest", str(path), "--horizon", "1", "--season", "1", "--freq", "D")
        with self.assertRaisesMessage(CommandError, "No such file"):
            call_command(
                "backtest", "/nonexistent.csv", "--horizon", "1", "--season", "1", "--freq", "D"
            )

    def test_the_result_scores_only_the_held_out_periods(self):
        values = np.tile(np.array([1.0, 2, 3, 4, 5, 6, 7]), 10)[None, :]
        panel = Panel(ids=["x"], periods=[str(i) for i in range(70)], values=values)
        result = run_backtest(panel, horizon=7, season=7)
        # Seasonal naive repeats the pattern exactly: no loss; the flat history has no
        # seasonal scale, so the series is counted out of MASE rather than dividing by zero.
        self.assertAlmostEqual(result.models["seasonal_naive"].wql, 0.0)
        self.assertEqual(result.models["seasonal_naive"].zero_scale_series, 1)


class ReportTests(SimpleTestCase):
    def test_the_point_seasonal_naive_repeats_the_last_season_at_every_level(self):
        history = np.array([[1.0, 2, 3, np.nan, 5, 6, 7, 8]])
        forecast = seasonal_naive_point(history, 6, 4)
        np.testing.assert_array_equal(forecast[0, 0], [5, 6, 7, 8, 5, 6])
        np.testing.assert_array_equal(forecast[0, -1], forecast[0, 0])  # no spread
        np.testing.assert_array_equal(seasonal_naive_point(history[:, :4], 2, 4)[0, 0], [1, 2])

    def test_the_table_says_which_single_models_the_deployed_choice_beats(self):
        figures = {
            "seasonal_naive_point": {"MASE": 1.0, "WQL": 1.0, "seconds": 0.1},
            "tsb": {"MASE": 0.8, "WQL": 0.7, "seconds": 0.1},
            "shelfcast_zero_shot": {"MASE": 0.9, "WQL": 0.6, "seconds": 0.1},
            "shelfcast": {"MASE": 0.7, "WQL": 0.65, "seconds": 0.1},
        }
        table = report_table(
            {"n_series": 3, "horizon": 7, "season": 7, "models": figures, "choices": {}}
        )
        self.assertIn("deployed beats 2 of 2 single models on MASE\n", table)
        self.assertIn("deployed beats 1 of 2 single models on WQL; not shelfcast_zero_shot", table)
        self.assertIn("shelfcast (deployed)", table)
