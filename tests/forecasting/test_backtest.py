"""The backtest: reading long-form CSVs, the point seasonal naive, the report's table, and
the public command (the served choice itself: test_selection)."""

import io
import json
import tempfile
from pathlib import Path

import numpy as np
from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from forecasting.backtest import report_table, run_backtest, seasonal_naive_point
from forecasting.neural.anchor import DAY_OFF, SHOPPING_DAY
from forecasting.panels import (
    Panel,
    calendar_flags,
    event_windows,
    load_long_csv,
    parse_calendar,
    with_events,
)
from forecasting.quantiles import LEVELS


def write(text: str) -> Path:
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)  # noqa: SIM115
    handle.write(text)
    handle.close()
    return Path(handle.name)


def read_daily(text: str) -> Panel:
    """A daily long-form CSV of ``text`` read as the backtest reads it."""
    return load_long_csv(
        write(text), freq="D", id_col="series_id", date_col="date", target_col="units"
    )


def backtest_command(lines: list[str], *options: str) -> tuple[dict, str]:
    """`manage.py backtest` on a file of ``lines`` with ``options``: its JSON report and
    what it printed."""
    out = Path(tempfile.mkdtemp()) / "scores.json"
    printed = io.StringIO()
    path = write("\n".join(lines) + "\n")
    call_command("backtest", str(path), *options, "--out", str(out), stdout=printed)
    return json.loads(out.read_text()), printed.getvalue()


class LoadTests(SimpleTestCase):
    def test_daily_gaps_are_zero_and_days_nobody_sold_are_closed(self):
        panel = read_daily(
            "series_id,date,units\n"
            "a,2024-05-01,3\na,2024-05-04,1\n"
            "b,2024-05-01,2\nb,2024-05-02,5\nb,2024-05-04,1\n"
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
        report, printed = backtest_command(
            lines, *("--horizon", "14", "--season", "7", "--freq", "D", "--steps", "2")
        )
        self.assertIn("shelfcast (deployed)", printed)
        self.assertIn("ratios to the point seasonal naive", printed)
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
        panel = read_daily(
            "series_id,date,units,price,promo\n"
            "a,2024-01-01,3,2.0,0\n"
            "a,2024-01-03,5,1.5,1\n"
            "b,2024-01-02,1,,\n"
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


def days_from(first: str, count: int) -> list[str]:
    return [str(np.datetime64(first) + day) for day in range(count)]


def repeat_every_other_day(panel: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Each series' last two days repeated, at every quantile: exact on the test's panels
    except on the day of the event."""
    length = panel.shape[1]
    point = panel[:, length - 2 + np.arange(horizon) % 2]
    return np.repeat(point[:, None, :], len(LEVELS), axis=1)


class EventWindowTests(SimpleTestCase):
    def test_a_window_is_the_events_days_and_three_days_either_side_on_daily_data(self):
        events = np.zeros((1, 20))
        events[0, 9:11] = 1  # a two-day event
        daily = Panel(ids=["a"], periods=days_from("2024-01-01", 20), values=np.ones((1, 20)))
        windows = event_windows(with_events(daily, events, covariate=False))
        np.testing.assert_array_equal(np.flatnonzero(windows[0]), np.arange(6, 14))
        weekly = Panel(ids=["a"], periods=[str(i) for i in range(20)], values=np.ones((1, 20)))
        weekly.freq = "W"
        windows = event_windows(with_events(weekly, events, covariate=False))
        np.testing.assert_array_equal(np.flatnonzero(windows[0]), [9, 10])
        self.assertIsNone(event_windows(daily))

    def test_errors_on_event_windows_and_on_ordinary_days_are_scored_apart(self):
        # two series that alternate every other day (seasonal scale at lag 7: 1 and 2); on the
        # event, day 35 (the 8th of 14 held out), they sell 20 and 6 more than their pattern
        day = np.arange(42)
        values = np.stack([10 + day % 2, 4 + 2 * (day % 2)]).astype(float)
        values[:, 35] += [20, 6]
        flags = np.zeros(42)
        flags[35] = 1
        panel = with_events(
            Panel(ids=["a", "b"], periods=days_from("2024-01-01", 42), values=values), flags
        )
        result = run_backtest(
            panel, horizon=14, season=7, extra={"pattern": repeat_every_other_day}
        )
        event, ordinary = (result.split["pattern"][part] for part in ("event_window", "ordinary"))
        # the window is days 32..38: one day off by 20 (scale 1) and by 6 (scale 2) in seven
        self.assertAlmostEqual(event.mase, (20 / 7 / 1 + 6 / 7 / 2) / 2)
        # pinball over the nine levels 0.1..0.9 with every quantile 20 (6) short: 4.5 x 26;
        # what the window sold: 10+11+10+31+10+11+10 and 4+6+4+12+4+6+4
        self.assertAlmostEqual(event.wql, 2 * 4.5 * 26 / (9 * (93 + 40)))
        self.assertEqual((ordinary.mase, ordinary.wql), (0.0, 0.0))
        self.assertAlmostEqual(result.models["pattern"].mase, (20 / 14 / 1 + 6 / 14 / 2) / 2)
        report = result.as_dict()
        self.assertEqual(
            report["event_windows"],
            {"before": 3, "after": 3, "periods": days_from("2024-02-02", 7)},
        )
        self.assertAlmostEqual(report["models"]["pattern"]["event_window"]["MASE"], 1.6429)
        self.assertIn("ordinary", report["models"]["shelfcast"])
        table = report_table(report)
        self.assertIn("event windows (3 days before to 3 days after each event): 7 held-out", table)
        self.assertRegex(table, r"pattern\s+1\.643\s+0\.196\s+0\.000\s+0\.000")
        # the calendar seen as a known covariate: price (none: 1), promotion (none), event
        np.testing.assert_array_equal(panel.known[0][2], flags)
        np.testing.assert_array_equal(panel.known[0][:2], [np.ones(42), np.zeros(42)])

    def test_without_events_the_table_has_no_split(self):
        panel = Panel(ids=["a"], periods=days_from("2024-01-01", 28), values=np.ones((1, 28)))
        report = run_backtest(panel, horizon=7, season=7).as_dict()
        self.assertNotIn("event_windows", report)
        self.assertNotIn("event_window", report["models"]["seasonal_naive"])
        self.assertNotIn("event windows", report_table(report))

    def test_an_event_column_marks_its_series_days_as_a_known_covariate(self):
        panel = read_daily(
            "series_id,date,units,price,event\n"
            "a,2024-01-01,3,2.0,0\n"
            "a,2024-01-03,5,2.0,1\n"
            "b,2024-01-02,1,,\n"
        )
        np.testing.assert_array_equal(panel.events, [[0, 0, 1], [0, 0, 0]])
        np.testing.assert_allclose(panel.known[0], [[2, 2, 2], [0, 0, 0], [0, 0, 1]])
        np.testing.assert_allclose(panel.known[1][2], [0, 0, 0])

    def test_an_event_column_tells_a_shopping_day_from_a_day_off(self):
        panel = read_daily(
            "series_id,date,units,event\n"
            "a,2024-01-01,3,0.5\n"
            "a,2024-01-02,5,1\n"
            "a,2024-01-03,4,-1\n"
            "a,2024-01-04,4,2\n"
        )
        # a fraction is a shopping day; any other non-zero value a day off, as it always was
        np.testing.assert_allclose(panel.known[0][2], [SHOPPING_DAY, DAY_OFF, DAY_OFF, DAY_OFF])

    def test_a_calendar_flags_its_public_holidays_and_festivals(self):
        periods = days_from("2023-11-20", 42)  # to 31 December 2023
        self.assertEqual(
            parse_calendar("gb-eng,festivals"),
            ("GB", "ENG", ["black_friday", "cyber_monday", "boxing_day"]),
        )
        flagged = [p for p, f in zip(periods, calendar_flags(periods, "D", "GB"), strict=True) if f]
        self.assertEqual(flagged, ["2023-12-25", "2023-12-26"])
        flags = calendar_flags(periods, "D", "GB,black_friday")
        flagged = [p for p, f in zip(periods, flags, strict=True) if f]
        self.assertEqual(flagged, ["2023-11-24", "2023-12-25", "2023-12-26"])
        weeks = ["2023-11-20", "2023-11-27", "2023-12-04"]
        # Black Friday's week, then Cyber Monday's; the Christmas run-up (from Friday 1
        # December: the second week and the third) only where a calendar names it
        # a festival's days read as shopping days, a public holiday's as days off
        np.testing.assert_array_equal(
            calendar_flags(weeks, "W", "GB,festivals"), [SHOPPING_DAY, SHOPPING_DAY, 0]
        )
        np.testing.assert_array_equal(
            calendar_flags(weeks, "W", "GB,christmas"), [0, SHOPPING_DAY, SHOPPING_DAY]
        )
        days = dict(zip(periods, calendar_flags(periods, "D", "GB,festivals"), strict=True))
        self.assertEqual(days["2023-11-24"], SHOPPING_DAY)  # Black Friday
        # Boxing Day is both a festival and a public holiday: a day off
        self.assertEqual((days["2023-12-25"], days["2023-12-26"]), (DAY_OFF, DAY_OFF))
        self.assertEqual(calendar_flags(["2023-11", "2023-12"], "M", "US").tolist(), [1, 1])

    def test_an_unknown_calendar_is_refused(self):
        for spec, message in (
            ("XX", "No public holidays are known for 'XX'"),
            ("GB-XYZ", "GB has no region 'XYZ'"),
            ("GB,carnival", "Unknown festival 'carnival'"),
        ):
            with self.subTest(spec), self.assertRaisesMessage(ValueError, message):
                parse_calendar(spec)
        path = write("series_id,date,units\na,2024-01-01,3\na,2024-01-02,4\n")
        with self.assertRaisesMessage(CommandError, "--calendar: No public holidays"):
            call_command(
                "backtest",
                str(path),
                *("--horizon", "1", "--season", "1", "--freq", "D", "--calendar", "XX"),
            )

    def test_the_command_scores_event_windows_with_a_calendar(self):
        rng = np.random.default_rng(5)
        lines = ["series_id,date,units"]
        for series in range(4):
            for day in range(100):  # 2023-09-01 to 2023-12-09: Black Friday held out
                lines.append(f"s{series},{np.datetime64('2023-09-01') + day},{rng.poisson(4)}")
        report, printed = backtest_command(
            lines,
            *("--horizon", "28", "--season", "7", "--freq", "D"),
            *("--no-finetune", "--no-auto-ets", "--calendar", "GB,festivals"),
        )
        # Black Friday 24 November, Cyber Monday 27: 21 to 30 November
        self.assertEqual(report["event_windows"]["periods"], days_from("2023-11-21", 10))
        for figures in report["models"].values():
            self.assertEqual(
                set(figures["event_window"]), {"MASE", "WQL", "MASE_ratio", "WQL_ratio"}
            )
        self.assertIn("10 held-out periods (2023-11-21, ", printed)
        self.assertIn("shelfcast (deployed)", printed.split("event windows")[1])
