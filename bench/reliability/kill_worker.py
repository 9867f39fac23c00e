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
    workers: list[subprocess.Popen] = []
    try:
        database.django_setup(environment)
        import redis

        from accounts.tenancy import tenant_context
        from bench.forecast.speed import load_merchant
        from forecasting import services
        from forecasting.models import (
            ForecastChunk,
            ForecastRun,
            ModelVersion,
            SeriesForecast,
            TrainingRun,
        )

        redis.Redis.from_url(BROKER).flushdb()
        merchant = load_merchant("reliability", args.skus, seed=5)

        def scoped(query):
            with tenant_context(merchant):
                return query()

        def one(model, **filters):
            return scoped(lambda: model.objects.for_merchant(merchant).filter(**filters).first())

        # 1. the nightly forecast
        first = start_worker(environment, "forecast,default", "first")
        workers.append(first)
        run = services.forecast_run_create(merchant=merchant)
        started = time.monotonic()
        running = wait_for(lambda: one(ForecastChunk, run=run, status="running"), 180)
        if running is None:
            raise SystemExit("no chunk started running")
        time.sleep(1.0)  # well inside the chunk's work
        kill(first)
        killed = time.monotonic() - started
        print(f"nightly forecast: worker killed (SIGKILL) {killed:.1f} s in, while chunk "
              f"{running.number} was running")  # fmt: skip
        second = start_worker(environment, "forecast,default", "second")
        workers.append(second)
        finished = ["succeeded", "failed"]
        done = wait_for(lambda: one(ForecastRun, pk=run.pk, status__in=finished), 300)
        if done is None:
            raise SystemExit("the run did not finish")
        ended = time.monotonic() - started
        rows = scoped(lambda: SeriesForecast.objects.for_merchant(merchant).filter(run=run))
        count = scoped(lambda: rows.count())
        distinct = scoped(lambda: rows.values("sku_id", "location_id").distinct().count())
        chunk = scoped(lambda: ForecastChunk.objects.for_merchant(merchant).get(pk=running.pk))
        print(
              f"  run {done.status} {ended:.1f} s in ({ended - killed:.1f} s after the kill); "
              f"{count:,} forecasts for {distinct:,} series, {done.series_count:,} counted by "
              f"the run; the killed chunk {chunk.status}, resumed by task {chunk.claimed_by[:8]}"
              f"… -> {'exactly one result' if count == distinct == done.series_count else 'WRONG'}"
        )  # fmt: skip
        kill(second)

        # 2. the fine-tune
        gpu = start_worker(environment, "gpu", "gpu-first")
        workers.append(gpu)
        training = services.training_run_create(merchant=merchant)
        started = time.monotonic()
        progressed = wait_for(lambda: one(TrainingRun, pk=training.pk, steps_done__gt=0), 300)
        if progressed is None:
            raise SystemExit("training did not start")
        kill(gpu)
        killed = time.monotonic() - started
        print(f"fine-tune: worker killed (SIGKILL) {killed:.1f} s in, at step "
              f"{progressed.steps_done} of {progressed.steps}")  # fmt: skip
        again = start_worker(environment, "gpu", "gpu-second")
        workers.append(again)
        done = wait_for(
            lambda: one(TrainingRun, pk=training.pk, status__in=finished), 900, every=1.0
        )
        if done is None:
            raise SystemExit("training did not finish")
        ended = time.monotonic() - started
        versions = scoped(lambda: ModelVersion.objects.for_merchant(merchant).count())
        verdict = "exactly one result" if versions == 1 and done.version_id else "WRONG"
        print(f"  training {done.status} {ended:.1f} s in ({ended - killed:.1f} s after the "
              f"kill), {done.steps_done} steps; {versions} model version(s) written -> "
              f"{verdict}")  # fmt: skip

        # 3. an import
        from django.core.files.uploadedfile import SimpleUploadedFile

        from accounts.models import User
        from bench.ingest.run import make_merchant
        from bench.reliability.restart_postgres import sales_csv
        from inventory.ingest import import_uploads, imports
        from inventory.models import ImportJob, SalesDay

        store, _token = make_merchant("reliability-import")
        owner = User.objects.get(email="reliability-import@bench.test")
        loader = start_worker(environment, "ingest", "ingest-first")
        workers.append(loader)
        with tenant_context(store):
            job = import_uploads.import_create(
                merchant=store, resource_name="sales", actor=owner,
                upload=SimpleUploadedFile("sales.csv", sales_csv(args.import_rows)),
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

        progress = wait_for(halfway, 300, every=0.1)
        if progress is None:
            raise SystemExit("the import did not get halfway")
        kill(loader)
        killed = time.monotonic() - started
        print(f"import: worker killed (SIGKILL) {killed:.1f} s in, {progress[0]:,} of "
              f"{progress[1]:,} rows loaded in its open transaction")  # fmt: skip
        again = start_worker(environment, "ingest", "ingest-second")
        workers.append(again)
        done = wait_for(lambda: job_now() if job_now().is_finished else None, 600, every=0.5)
        if done is None:
            raise SystemExit("the import did not finish")
        ended = time.monotonic() - started
        with tenant_context(store):
            sales = SalesDay.objects.for_merchant(store)
            rows = sales.count()
            keys = sales.values("sku_id", "location_id", "date").distinct().count()
        whole = rows == keys == args.import_rows and done.created_count == args.import_rows
        print(f"  import {done.status} {ended:.1f} s in ({ended - killed:.1f} s after the "
              f"kill), resumed by task {done.claimed_by[:8]}…; {rows:,} sales rows, {keys:,} "
              f"distinct, {done.created_count:,} created by the job -> "
              f"{'exactly one result' if whole else 'WRONG'}")  # fmt: skip
    finally:
        for worker in workers:
            if worker.poll() is None:
                kill(worker)
        database.drop(DATABASE)


if __name__ == "__main__":
    main()
