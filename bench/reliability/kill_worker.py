"""A Celery worker killed with SIGKILL in the middle of a nightly forecast, a fine-tune and an
import: the task is handed to the next worker, the run finishes, and it writes exactly
one result.

    .venv/bin/python bench/reliability/kill_worker.py [--skus 4000] [--visibility 20]
        [--import-rows 200000]

The real stack on loopback: a fresh PostgreSQL database, Redis as the broker (database 14,
emptied first), and `celery worker` processes started and killed by this script. A store of
``--skus`` SKUs x 365 days is loaded through ingestion; its nightly run is split into chunks
of 2,000 SKUs (`forecasting.chunks`).

1. Nightly forecast: a worker on the forecast queue takes the run and its chunks; when a
   chunk is running, the worker (its main process and its child) gets SIGKILL. A second
   worker is started. The broker hands the unacknowledged chunk out again after the
   visibility timeout (``--visibility`` seconds here; production waits longer than the
   longest task); the redelivered task resumes the chunk (same task id), the run ends.
2. Fine-tune: the same with a fine-tune on the gpu queue (on CPU here), killed mid-training.
3. Import: a CSV import of ``--import-rows`` daily sales on the ingest queue, killed when half
   its rows are loaded in its open transaction (which PostgreSQL then rolls back); the task
   delivered again takes over the job it had claimed (same task id) and loads the file once.

Printed for each: when the kill happened, when the run ended, and what was written: one
forecast per series (no more, no fewer), one model version for the training run, and the
import's rows once each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402
from bench.server import kill, start_worker, wait_for  # noqa: E402

DATABASE = "shelfcast_bench_reliability"
BROKER = "redis://127.0.0.1:6379/14"


class Workers:
    """The Celery workers a drill starts and kills; those still up are killed at the end."""

    def __init__(self, environment: dict) -> None:
        self.environment = environment
        self.queues: dict[subprocess.Popen, str] = {}

    def start(self, queues: str, name: str) -> subprocess.Popen:
        worker = start_worker(self.environment, queues, name)
        self.queues[worker] = queues
        return worker

    def replace(self, worker: subprocess.Popen, name: str, started: float) -> float:
        """SIGKILL ``worker`` and start ``name`` on its queues, to be handed its task again;
        the seconds from ``started`` to the kill."""
        kill(worker)
        killed = time.monotonic() - started
        self.start(self.queues[worker], name)
        return killed

    def close(self) -> None:
        for worker in self.queues:
            if worker.poll() is None:
                kill(worker)


def waited(condition, timeout: float, failure: str, every: float = 0.2):
    """The first true value of ``condition`` within ``timeout`` seconds; the drill stops with
    ``failure`` when none comes."""
    value = wait_for(condition, timeout, every)
    if value is None:
        raise SystemExit(failure)
    return value


def verdict(whole: bool) -> str:
    return "exactly one result" if whole else "WRONG"


def scoped(merchant, query):
    from accounts.tenancy import tenant_context

    with tenant_context(merchant):
        return query()


def one(merchant, model, **filters):
    return scoped(merchant, lambda: model.objects.for_merchant(merchant).filter(**filters).first())


def nightly_forecast(workers: Workers, merchant) -> None:
    from forecasting import services
    from forecasting.models import ForecastChunk, ForecastRun, SeriesForecast

    first = workers.start("forecast,default", "first")
    run = services.forecast_run_create(merchant=merchant)
    started = time.monotonic()
    running = waited(
        lambda: one(merchant, ForecastChunk, run=run, status="running"), 180,
        "no chunk started running",
    )  # fmt: skip
    time.sleep(1.0)  # well inside the chunk's work
    killed = workers.replace(first, "second", started)
    print(f"nightly forecast: worker killed (SIGKILL) {killed:.1f} s in, while chunk "
          f"{running.number} was running")  # fmt: skip
    finished = ["succeeded", "failed"]
    done = waited(
        lambda: one(merchant, ForecastRun, pk=run.pk, status__in=finished), 300,
        "the run did not finish",
    )  # fmt: skip
    ended = time.monotonic() - started
    rows = scoped(merchant, lambda: SeriesForecast.objects.for_merchant(merchant).filter(run=run))
    count = scoped(merchant, lambda: rows.count())
    distinct = scoped(merchant, lambda: rows.values("sku_id", "location_id").distinct().count())
    chunk = scoped(
        merchant, lambda: ForecastChunk.objects.for_merchant(merchant).get(pk=running.pk)
    )
    print(
          f"  run {done.status} {ended:.1f} s in ({ended - killed:.1f} s after the kill); "
          f"{count:,} forecasts for {distinct:,} series, {done.series_count:,} counted by "
          f"the run; the killed chunk {chunk.status}, resumed by task {chunk.claimed_by[:8]}"
          f"… -> {verdict(count == distinct == done.series_count)}"
    )  # fmt: skip
    workers.close()  # the fine-tune has the machine to itself


def fine_tune(workers: Workers, merchant) -> None:
    from forecasting import services
    from forecasting.models import ModelVersion, TrainingRun

    gpu = workers.start("gpu", "gpu-first")
    training = services.training_run_create(merchant=merchant)
    started = time.monotonic()
    progressed = waited(
        lambda: one(merchant, TrainingRun, pk=training.pk, steps_done__gt=0), 300,
        "training did not start",
    )  # fmt: skip
    killed = workers.replace(gpu, "gpu-second", started)
    print(f"fine-tune: worker killed (SIGKILL) {killed:.1f} s in, at step "
          f"{progressed.steps_done} of {progressed.steps}")  # fmt: skip
    done = waited(
        lambda: one(merchant, TrainingRun, pk=training.pk, status__in=["succeeded", "failed"]),
        900, "training did not finish", every=1.0,
    )  # fmt: skip
    ended = time.monotonic() - started
    versions = scoped(merchant, lambda: ModelVersion.objects.for_merchant(merchant).count())
    print(f"  training {done.status} {ended:.1f} s in ({ended - killed:.1f} s after the "
          f"kill), {done.steps_done} steps; {versions} model version(s) written -> "
          f"{verdict(versions == 1 and done.version_id)}")  # fmt: skip


def interrupted_import(workers: Workers, import_rows: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from accounts.tenancy import tenant_context
    from bench.ingest.run import make_merchant
    from bench.reliability.restart_postgres import sales_csv
    from inventory.ingest import import_uploads, imports
    from inventory.models import ImportJob, SalesDay

    store, _token = make_merchant("reliability-import")
    owner = User.objects.get(email="reliability-import@bench.test")
    loader = workers.start("ingest", "ingest-first")
    with tenant_context(store):
        job = import_uploads.import_create(
            merchant=store, resource_name="sales", actor=owner,
            upload=SimpleUploadedFile("sales.csv", sales_csv(import_rows)),
        )  # fmt: skip
        job = import_uploads.import_confirm(
            merchant=store, job=job, mapping=job.mapping, options={}
        )
    started = time.monotonic()

    def job_now():
        with tenant_context(store):
            return ImportJob.objects.for_merchant(store).get(pk=job.pk)

    def halfway():
        current = job_now()
        if current.status != ImportJob.Status.RUNNING:
            return None
        done, total = imports.import_progress(current)
        return (done, total) if total and done >= total // 2 else None

    progress = waited(halfway, 300, "the import did not get halfway", every=0.1)
    killed = workers.replace(loader, "ingest-second", started)
    print(f"import: worker killed (SIGKILL) {killed:.1f} s in, {progress[0]:,} of "
          f"{progress[1]:,} rows loaded in its open transaction")  # fmt: skip
    done = waited(
        lambda: job_now() if job_now().is_finished else None, 600, "the import did not finish",
        every=0.5,
    )  # fmt: skip
    ended = time.monotonic() - started
    with tenant_context(store):
        sales = SalesDay.objects.for_merchant(store)
        rows = sales.count()
        keys = sales.values("sku_id", "location_id", "date").distinct().count()
    whole = rows == keys == import_rows and done.created_count == import_rows
    print(f"  import {done.status} {ended:.1f} s in ({ended - killed:.1f} s after the "
          f"kill), resumed by task {done.claimed_by[:8]}…; {rows:,} sales rows, {keys:,} "
          f"distinct, {done.created_count:,} created by the job -> {verdict(whole)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=4000)
    parser.add_argument("--visibility", type=int, default=20)
    parser.add_argument("--import-rows", type=int, default=200_000)
    args = parser.parse_args()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_VISIBILITY_TIMEOUT": str(args.visibility),
        "FORECAST_CHUNK_SKUS": "2000",
        "FINE_TUNE_STEPS": "400",
        **database.urls(DATABASE),
    }
    database.create(DATABASE, environment)
    workers = Workers(environment)
    try:
        database.django_setup(environment)
        import redis

        from bench.forecast.speed import load_merchant

        redis.Redis.from_url(BROKER).flushdb()
        merchant = load_merchant("reliability", args.skus, seed=5)
        nightly_forecast(workers, merchant)  # 1.
        fine_tune(workers, merchant)  # 2.
        interrupted_import(workers, args.import_rows)  # 3.
    finally:
        workers.close()
        database.drop(DATABASE)


if __name__ == "__main__":
    main()
