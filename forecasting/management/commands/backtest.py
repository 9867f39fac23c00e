"""`manage.py backtest FILE --horizon H --season M --freq D|W|M [...]`: the public evaluation.

Holds out the last H periods of every series in a long-form CSV, fits as Shelfcast would for a
merchant on the rest (`forecasting.evaluation`), and prints in one table (and optionally
writes as JSON) MASE and WQL of every candidate alone and of the deployed choice, with their
ratios to the point seasonal naive. With calendar events (an ``event`` column, or
``--calendar COUNTRY[,festivals]`` for the built-in public holidays and festivals) the models
see them as a known covariate, and a second table scores the held-out periods on event windows
and on ordinary days apart (`forecasting.panels.event_windows`).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forecasting.backtest import report_table
from forecasting.evaluation import evaluate
from forecasting.panels import MissingColumns, calendar_flags, load_long_csv, with_events


class Command(BaseCommand):
    help = "Backtest the forecasting models on a long-form CSV (series_id,date,units)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--horizon", type=int, required=True)
        parser.add_argument("--season", type=int, required=True)
        parser.add_argument("--freq", choices=["D", "W", "M"], required=True)
        parser.add_argument("--id-col", default="series_id")
        parser.add_argument("--date-col", default="date")
        parser.add_argument("--target-col", default="units")
        parser.add_argument("--out", type=Path)
        parser.add_argument(
            "--no-finetune",
            action="store_true",
            help="Serve the base transformer as shipped (no fine-tuning on the file's history).",
        )
        parser.add_argument("--steps", type=int, help="Fine-tuning steps (default: settings).")
        parser.add_argument("--mode", choices=["full", "lora"], help="Fine-tuning mode.")
        parser.add_argument("--no-auto-ets", action="store_true", help="Skip AutoETS.")
        parser.add_argument(
            "--calendar",
            metavar="COUNTRY[-REGION][,festivals]",
            help="Calendar events from the built-in calendars: the country's (or region's: "
            "GB-ENG) public holidays, with ',festivals' its usual shopping festivals too (or "
            "name them: ',black_friday,cyber_monday'). The models see them; event windows are "
            "scored apart.",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            panel = load_long_csv(
                path,
                freq=options["freq"],
                id_col=options["id_col"],
                date_col=options["date_col"],
                target_col=options["target_col"],
            )
        except MissingColumns as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(f"Unreadable value in the file: {error}") from error
        if options["calendar"]:
            try:
                flags = calendar_flags(panel.periods, options["freq"], options["calendar"])
            except ValueError as error:
                raise CommandError(f"--calendar: {error}") from error
            panel = with_events(panel, flags)
        horizon = options["horizon"]
        if panel.values.shape[1] <= horizon:
            raise CommandError("The series are not longer than the horizon.")
        try:
            report = evaluate(
                panel,
                horizon=horizon,
                season=options["season"],
                fine_tune=not options["no_finetune"],
                steps=options["steps"],
                mode=options["mode"],
                with_auto_ets=not options["no_auto_ets"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report_table(report))
        if "fine_tune" in report:
            tuned = report["fine_tune"]
            self.stdout.write(
                f"fine-tuning ({tuned['mode']}, {tuned['seconds']:.0f} s, "
                f"{'accepted' if tuned['accepted'] else 'rejected'}): {tuned['reason']}"
            )
        if options["out"]:
            options["out"].write_text(json.dumps(report, indent=2))
