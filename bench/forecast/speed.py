"""The nightly run's speed and fine-tuning time (`bench/forecast/run.py`'s speed part): a
merchant of --skus SKUs x 365 days of daily sales loaded through the ingestion path, one
nightly forecast run timed end to end on a first night of the process and the next (history
read from the database, forecasts written back), the planning that follows the night,
AutoETS on the same series, and fine-tuning a merchant of 1,000 SKUs x 365 days on this
machine's CPU. Other benches load their merchants with `load_merchant`."""

from __future__ import annotations

import datetime as dt
import resource
import time


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_merchant(slug: str, skus: int, seed: int):
    import numpy as np

    from accounts.models import User
    from accounts.services import merchant_create
    from inventory.ingest.service import ingest

    owner = User.objects.create_user(email=f"{slug}@forecast.test", password=None)
    merchant = merchant_create(name=slug.title(), owner=owner, slug=slug)
    ingest(merchant=merchant, resource_name="locations", rows=[{"code": "WH", "name": "WH"}])
    for start in range(0, skus, 5000):
        ingest(
            merchant=merchant,
            resource_name="skus",
            rows=[
                {"code": f"S{i:05d}", "name": f"Product {i % 97} size {i % 5}"}
                for i in range(start, min(start + 5000, skus))
            ],
        )
    rng = np.random.default_rng(seed)
    first = dt.date(2023, 1, 1)
    weekly = np.array([1.0, 1.1, 1.0, 1.2, 1.4, 0.8, 0.5])
    loaded = time.perf_counter()
    for start in range(0, skus, 100):
        rows = []
        for i in range(start, min(start + 100, skus)):
            rate = rng.gamma(0.6, 4.0)
            units = rng.poisson(rate * np.tile(weekly, 53)[:365])
            rows += [
                {
                    "sku": f"S{i:05d}",
                    "location": "WH",
                    "date": (first + dt.timedelta(days=d)).isoformat(),
                    "units": int(u),
                }
                for d, u in enumerate(units)
            ]
        ingest(merchant=merchant, resource_name="sales", rows=rows)
    print(f"loaded {skus:,} SKUs x 365 days in {time.perf_counter() - loaded:.0f} s", flush=True)
    return merchant


def speed(skus: int, with_auto_ets: bool = True) -> None:
    from django.test.utils import override_settings

    from accounts.tenancy import tenant_context
    from forecasting import embeddings, fine_tuning
    from forecasting import services as forecasting_services
    from forecasting.backtest import auto_ets
    from forecasting.engine import forecast_run_execute
    from forecasting.history import load_history
    from forecasting.models import ForecastRun, TrainingRun
    from forecasting.neural import network
    from planning import alerts, promotions, services

    products = {
        "tiles": "bfloat16 by autocast (AMX)",
        "vectors": "bfloat16 in the linear layers (AVX-512 BF16, no AMX)",
        None: "float32 (no bfloat16 in this CPU's flags)",
    }[network.CPU_BFLOAT16]
    print(f"\nthe network's products on this CPU: {products}")
    print(f"\nLoading {skus:,} SKUs x 365 days …", flush=True)
    merchant = load_merchant("bench", skus, seed=1)
    with tenant_context(merchant):
        started = time.perf_counter()
        embedded = embeddings.embed_catalogue(merchant)
    print(
        f"\nembedding the new catalogue's names ahead of the night (the periodic task): "
        f"{embedded:,} SKUs in {time.perf_counter() - started:.1f} s"
    )
    for label in ("first night", "next night"):
        with tenant_context(merchant):
            run = ForecastRun.objects.create(merchant=merchant, horizon=56)
        started = time.perf_counter()
        run = forecast_run_execute(merchant=merchant, run_id=run.pk, chunked=False)
        seconds = time.perf_counter() - started
        print(
            f"\nnightly forecast, {label}: {run.series_count:,} series x 56 days, transformer "
            f"+ baselines with per-series choice: {seconds:.1f} s "
            f"({run.series_count / seconds:,.0f} series/s); phases {run.timings}; "
            f"chosen {run.model_counts}; process peak {peak_mb():.0f} MB"
        )
        print(f"target: {skus:,} SKUs in under 60 s: {'met' if seconds < 60 else 'NOT met'}")
    # what follows the night: planning from the run (no stock is loaded, so every series
    # needs an order and has a stock-out ahead: the most work planning can have)
    from django.db import transaction

    with transaction.atomic(), tenant_context(merchant):
        clock = time.perf_counter()
        planned = services.reorder_suggestions_plan(merchant=merchant, run=run)
        suggesting = time.perf_counter() - clock
        clock = time.perf_counter()
        counts = alerts.alerts_refresh(merchant=merchant, run=run)
        alerting = time.perf_counter() - clock
        clock = time.perf_counter()
        plans = promotions.promotion_plans_propose(merchant=merchant, run=run)
        promoting = time.perf_counter() - clock
    print(
        f"planning after the night: {planned.suggestions:,} reorder suggestions in "
        f"{suggesting:.1f} s, alerts ({counts.opened:,} opened) in {alerting:.1f} s, "
        f"{plans:,} promotion plans in {promoting:.1f} s; process peak {peak_mb():.0f} MB"
    )
    if with_auto_ets:
        with tenant_context(merchant):
            values = load_history(merchant).values
        started = time.perf_counter()
        auto_ets(values, 56, 7)
        print(
            f"AutoETS (statsforecast, 2 processes) on the same {len(values):,} series: "
            f"{time.perf_counter() - started:.1f} s (forecast only, nothing read or written)"
        )

    print("\nLoading a 1,000-SKU merchant for fine-tuning …", flush=True)
    small = load_merchant("tune", 1000, seed=2)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        started = time.perf_counter()
        training = forecasting_services.training_run_create(merchant=small)
        with tenant_context(small):
            training = TrainingRun.objects.for_merchant(small).get(pk=training.pk)
        if training.status == TrainingRun.Status.QUEUED:
            fine_tuning.training_run_execute(merchant=small, run_id=training.pk)
        seconds = time.perf_counter() - started
    with tenant_context(small):
        training = (
            TrainingRun.objects.for_merchant(small).select_related("version").get(pk=training.pk)
        )
    print(
        f"fine-tuning 1,000 SKUs x 365 days on CPU ({training.mode}, {training.steps} steps, "
        f"device {training.device}): {seconds:.0f} s end to end; target under 600 s: "
        f"{'met' if seconds < 600 else 'NOT met'}; {training.message}; process peak "
        f"{peak_mb():.0f} MB (target under 4,096 MB)"
    )
