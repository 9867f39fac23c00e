"""`manage.py forecast [--merchant SLUG ...]`: forecast merchants now, and run what follows a
forecast (planning's suggestions), in this process (the demo and operators use it; the
nightly run goes through Celery)."""

import time

from django.core.management.base import BaseCommand

from accounts.tenancy import tenant_context
from forecasting.engine import forecast_run_execute
from forecasting.management.merchants import by_slugs
from forecasting.models import ForecastRun
from forecasting.night import follow_up


class Command(BaseCommand):
    help = "Forecast every series of the given merchants (all merchants by default)."

    def add_arguments(self, parser):
        parser.add_argument("--merchant", action="append", default=[], metavar="SLUG")
        parser.add_argument("--horizon", type=int, default=56)

    def handle(self, *args, merchant: list[str], horizon: int, **options):
        for target in by_slugs(merchant):
            started = time.perf_counter()
            with tenant_context(target):
                run = ForecastRun.objects.create(merchant=target, horizon=horizon)
            run = forecast_run_execute(merchant=target, run_id=run.pk, chunked=False)
            self.stdout.write(
                f"{target.slug}: {run.series_count} series forecast in "
                f"{time.perf_counter() - started:.1f} s ({run.model_counts})"
            )
            started = time.perf_counter()
            results = follow_up(merchant_id=target.pk, run_id=run.pk, here=True)
            self.stdout.write(
                f"{target.slug}: follow-up {results} in {time.perf_counter() - started:.1f} s"
            )
