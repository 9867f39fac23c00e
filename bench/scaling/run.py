"""How long one night takes for many stores with N forecast workers: chunk times measured
here, then the queue simulated.

    .venv/bin/python bench/scaling/run.py [--skus 10000] [--merchants 1000]
        [--workers 8 16 32 64 128] [--uniform]

1. Measure: a fresh PostgreSQL database, one store of ``--skus`` SKUs x 365 days loaded
   through ingestion (as bench/forecast does), and its nightly run in chunks
   (`forecasting.chunks`, FORECAST_CHUNK_SKUS each), run in this process one chunk after
   the other. Each chunk's phases (read, covariates, forecast, write) are printed; so is the
   same night in one piece, for comparison.
2. Simulate: ``--merchants`` stores (a mix: 70% of 1,000 SKUs, 25% of 10,000, 5% of 50,000
   by default, or all of ``--skus`` with ``--uniform``), all due at the same minute, their
   chunks queued in the order the nightly task creates them. Each of N workers (one process
   of this machine's size) takes the next chunk; a chunk whose store already has
   FORECAST_CHUNKS_PER_MERCHANT chunks running goes back to the end of the queue after
   5 s, as the task does. A chunk's time is drawn from the measured chunk times, scaled to
   its size. Printed per N: when the last store's night ends, and when the median and the
   95th-percentile store's does.

Run it alone: the chunk times are this machine's.
"""

from __future__ import annotations

import argparse
import collections
import heapq
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402

DATABASE = "shelfcast_bench_scaling"
RETRY_SECONDS = 5.0


def measure(skus: int) -> tuple[list[dict], dict, int]:
    """Chunk timings and sizes of one chunked night, and the one-piece night's timings."""
    from django.conf import settings
    from django.test.utils import override_settings

    from accounts.tenancy import tenant_context
    from bench.forecast.speed import load_merchant
    from forecasting.engine import forecast_run_execute
    from forecasting.models import ForecastChunk, ForecastRun

    merchant = load_merchant("scaling", skus, seed=11)
    timings = {}
    for label, chunk in (("one piece", 10**9), ("chunks", settings.FORECAST_CHUNK_SKUS)):
        with override_settings(FORECAST_CHUNK_SKUS=chunk, FORECAST_FOLLOW_UP_TASKS=[]):
            with tenant_context(merchant):
                run = ForecastRun.objects.create(merchant=merchant, horizon=56)
            started = time.perf_counter()
            forecast_run_execute(merchant=merchant, run_id=run.pk)
            timings[label] = round(time.perf_counter() - started, 1)
    with tenant_context(merchant):
        run.refresh_from_db()
        chunks = [
            {"skus": len(c.sku_ids), "series": c.series_count, **c.timings}
            for c in ForecastChunk.objects.for_merchant(merchant).filter(run=run).order_by("number")
        ]
    return chunks, timings, settings.FORECAST_CHUNK_SKUS


def simulate(sizes: list[int], workers: int, per_sku: np.ndarray, chunk: int, limit: int,
             seed: int = 1) -> dict:  # fmt: skip
    """Event simulation of the chunk queue; returns the night's end and per-store ends."""
    rng = np.random.default_rng(seed)
    queue = collections.deque()
    for store, size in enumerate(sizes):  # the nightly task queues store after store
        for start in range(0, size, chunk):
            queue.append((store, min(chunk, size - start)))
    remaining = collections.Counter(store for store, _ in queue)
    running = collections.Counter()
    finished_at = {}
    events = []  # (time, kind, worker, store)
    idle = list(range(workers))
    now = 0.0
    delayed = []  # (ready time, item)

    def dispatch():
        while idle and queue:
            store, size = queue.popleft()
            if running[store] >= limit:
                heapq.heappush(delayed, (now + RETRY_SECONDS, (store, size)))
                continue
            worker = idle.pop()
            running[store] += 1
            seconds = float(rng.choice(per_sku)) * size
            heapq.heappush(events, (now + seconds, worker, store))

    dispatch()
    while events or delayed:
        if delayed and (not events or delayed[0][0] <= events[0][0]):
            now, item = heapq.heappop(delayed)
            queue.append(item)
        else:
            now, worker, store = heapq.heappop(events)
            running[store] -= 1
            remaining[store] -= 1
            if remaining[store] == 0:
                finished_at[store] = now
            idle.append(worker)
        dispatch()
    ends = np.array(list(finished_at.values()))
    return {"end": now, "median": float(np.median(ends)), "p95": float(np.quantile(ends, 0.95))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skus", type=int, default=10_000)
    parser.add_argument("--merchants", type=int, default=1_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[8, 16, 32, 64, 128])
    parser.add_argument("--uniform", action="store_true", help="every store of --skus SKUs")
    args = parser.parse_args()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "",  # chunks run in this process, one after the other
        **database.urls(DATABASE),
    }
    database.create(DATABASE, environment)
    try:
        database.django_setup(environment)
        from django.conf import settings

        chunks, nights, size = measure(args.skus)
        limit = settings.FORECAST_CHUNKS_PER_MERCHANT
    finally:
        database.drop(DATABASE)
    print(f"\nOne store, {args.skus:,} SKUs x 365 days, on this {os.cpu_count()}-core machine:")
    print(f"  night in one piece: {nights['one piece']} s; in chunks of {size:,}: "
          f"{nights['chunks']} s (chunks one after the other)")  # fmt: skip
    print(f"  {'chunk':<7}{'SKUs':>7}{'series':>8}{'read':>7}{'covar':>7}{'forecast':>10}"
          f"{'write':>7}{'total':>8}")  # fmt: skip
    per_sku = []
    for number, chunk in enumerate(chunks):
        total = sum(chunk.get(phase, 0.0) for phase in ("read", "covariates", "forecast", "write"))
        per_sku.append(total / max(chunk["skus"], 1))
        print(f"  {number:<7}{chunk['skus']:>7,}{chunk['series']:>8,}{chunk['read']:>7.1f}"
              f"{chunk['covariates']:>7.1f}{chunk['forecast']:>10.1f}{chunk['write']:>7.1f}"
              f"{total:>8.1f}")  # fmt: skip
    per_sku = np.array(per_sku)
    rng = np.random.default_rng(7)
    if args.uniform:
        sizes = [args.skus] * args.merchants
    else:
        sizes = list(rng.choice([1_000, 10_000, 50_000], args.merchants, p=[0.7, 0.25, 0.05]))
    work = sum(sizes) * float(per_sku.mean())
    print(f"\n{args.merchants:,} stores, {sum(sizes):,} SKUs in all "
          f"({'all ' + format(args.skus, ',') if args.uniform else '70% 1k, 25% 10k, 5% 50k'}), "
          f"all due at once; {float(per_sku.mean()) * 1000:.2f} ms of one worker per SKU "
          f"measured; at most {limit} chunks of a store at once")  # fmt: skip
    print(f"  {'workers':>8}{'night ends':>12}{'median store':>14}{'p95 store':>11}"
          f"{'work / workers':>16}")  # fmt: skip
    for workers in args.workers:
        result = simulate(sizes, workers, per_sku, size, limit)
        print(f"  {workers:>8}{result['end'] / 60:>10.1f} m{result['median'] / 60:>12.1f} m"
              f"{result['p95'] / 60:>9.1f} m{work / workers / 60:>14.1f} m")  # fmt: skip


if __name__ == "__main__":
    main()
