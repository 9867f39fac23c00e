"""`manage.py fine_tune --merchant SLUG [--steps N] [--mode full|lora]`: fine-tune merchants'
models now, in this process (the demo and operators use it; the weekly run goes through the
gpu queue). A version that does not beat its parent is kept but not activated."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.errors import DomainError
from accounts.tenancy import tenant_context
from forecasting import fine_tuning, services
from forecasting.management.merchants import by_slugs
from forecasting.models import TrainingRun


class Command(BaseCommand):
    help = "Fine-tune the forecasting model of the given merchants on their history."

    def add_arguments(self, parser):
        parser.add_argument("--merchant", action="append", default=[], metavar="SLUG")
        parser.add_argument("--steps", type=int)
        parser.add_argument("--mode", choices=["full", "lora"])

    def handle(self, *args, merchant: list[str], steps, mode, **options):
        for target in by_slugs(merchant):
            started = time.perf_counter()
            with tenant_context(target):
                run = TrainingRun.objects.create(
                    merchant=target,
                    mode=mode or settings.FINE_TUNE_MODE,
                    steps=steps or settings.FINE_TUNE_STEPS,
                )
            try:
                run = fine_tuning.training_run_execute(
                    merchant=target, run_id=run.pk, report=self.progress(target.slug)
                )
            except DomainError as error:
                services.training_run_fail(merchant=target, run_id=run.pk, message=str(error))
                self.stdout.write(f"{target.slug}: not trained: {error}")
                continue
            self.stdout.write(
                f"{target.slug}: {run.steps_done} steps on {run.device} in "
                f"{time.perf_counter() - started:.0f} s: {run.message}"
            )

    def progress(self, slug: str):
        """A line per logged step: steps, loss, time so far and about how long is left."""
        started = time.perf_counter()

        def report(step: int, total: int, loss: float) -> None:
            elapsed = time.perf_counter() - started
            left = elapsed / step * (total - step)
            self.stdout.write(
                f"{slug}: step {step}/{total}, loss {loss:.3f}, {elapsed:.0f} s so far, "
                f"about {left:.0f} s left"
            )
            self.stdout.flush()

        return report
