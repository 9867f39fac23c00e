"""A large store's night in chunks: its SKUs split into `FORECAST_CHUNK_SKUS`-sized chunks,
each forecast and written by its own task on the forecast queue, so CPU workers on several
machines share one night; at most `FORECAST_CHUNKS_PER_MERCHANT` chunks of one store run at
once, so one large store cannot hold every worker while smaller ones wait.

A chunk is a run row of its own (`ForecastChunk`, claimed like every long job): a task whose
worker died is redelivered and resumes it; its forecasts replace whatever an earlier attempt
wrote for its SKUs, in one transaction. The chunk that finds every other one done ends the
run (under the run row's lock, so exactly one does) and queues what follows a night.

SKUs are ordered by category before they are split, so that new products find their
similar established products (`forecasting.embeddings`) within their own chunk; each chunk
asks its own products whether borrowing from them helps (`forecasting.borrowing`). A forecast
of a chunk is explained from its chunk's history (`chunk_history`), as it was made.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import dispatch, runs
from forecasting import history as history_reads
from forecasting import night, services
from forecasting.models import ForecastChunk, ForecastRun
from inventory.models import SKU

CHUNK_LOCK = 0x53484643  # the advisory-lock namespace of chunk claims
BUSY = "busy"  # the store has its most chunks running: try again later


def sku_order(merchant: Merchant) -> list[int]:
    """The store's active SKUs, category by category."""
    return list(
        SKU.objects.for_merchant(merchant)
        .filter(active=True)
        .order_by("category", "pk")
        .values_list("pk", flat=True)
    )


def fan_out(*, merchant: Merchant, run: ForecastRun, sku_ids: list[int]) -> list[ForecastChunk]:
    """Create the run's chunks (once: a redelivered run task finds them made) and queue those
    not done yet when the transaction commits."""

    size = max(settings.FORECAST_CHUNK_SKUS, 1)
    with transaction.atomic(), tenant_context(merchant):
        # the store's calendar once for all chunks (each would read every sale for it)
        calendar = {
            day.isoformat(): sold for day, sold in history_reads.store_calendar(merchant).items()
        }
        made = []
        for number, start in enumerate(range(0, len(sku_ids), size)):
            chunk, _created = ForecastChunk.objects.for_merchant(merchant).get_or_create(
                merchant=merchant,
                run=run,
                number=number,
                defaults={"sku_ids": sku_ids[start : start + size], "calendar": calendar},
            )
            made.append(chunk)
        runs.record(
            ForecastRun,
            merchant=merchant,
            pk=run.pk,
            timings={"phase": "chunks", "chunks": len(made)},
        )
        for chunk in made:
            if chunk.status != ForecastChunk.Status.SUCCEEDED:
                dispatch.send_on_commit(
                    "forecasting.forecast_chunk_task", merchant_id=merchant.pk, chunk_id=chunk.pk
                )
    return made


def chunks_stranded(*, queued_before: dt.datetime) -> list[tuple]:
    """The task of each chunk queued before ``queued_before`` and still waiting: the broker
    was away or lost it (`core.dispatch`)."""

    return dispatch.stranded(
        ForecastChunk, "forecasting.forecast_chunk_task", "chunk_id", queued_before=queued_before
    )


def chunk_claim(*, merchant: Merchant, chunk_id: int, claimant: str = ""):
    """The chunk, claimed (queued -> running, or resumed by the same task); None when it is
    done or another task has it; `BUSY` when the store already runs its most chunks."""
    with transaction.atomic(), tenant_context(merchant):
        if connection.vendor == "postgresql":  # one claim of this store at a time
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHUNK_LOCK, merchant.pk])
        chunks = ForecastChunk.objects.for_merchant(merchant)
        if not chunks.filter(runs.claimable(claimant), pk=chunk_id).exists():
            return None
        running = chunks.filter(status=runs.RUNNING).exclude(claimed_by=claimant or None)
        if running.count() >= settings.FORECAST_CHUNKS_PER_MERCHANT:
            return BUSY
    return runs.claim(ForecastChunk, merchant=merchant, pk=chunk_id, claimant=claimant)


def chunk_execute(*, merchant: Merchant, chunk_id: int, claimant: str = ""):
    """Forecast one chunk and write it; end the run if it was the last. Returns the chunk, or
    None / `BUSY` as `chunk_claim` does."""
    chunk = chunk_claim(merchant=merchant, chunk_id=chunk_id, claimant=claimant)
    if chunk is None or chunk == BUSY:
        return chunk
    with tenant_context(merchant):
        run = ForecastRun.objects.for_merchant(merchant).get(pk=chunk.run_id)
    if run.status != ForecastRun.Status.RUNNING:  # the run failed meanwhile: nothing to add
        runs.fail(ForecastChunk, merchant=merchant, pk=chunk.pk, message="The run had ended.")
        return None
    clock = night.Clock()
    with transaction.atomic(), tenant_context(merchant):
        history = chunk_history(merchant, chunk)
    clock.lap("read")
    forecast = night.forecast_history(merchant, run, history, clock)
    with transaction.atomic(), tenant_context(merchant):
        night.forecasts_write(merchant, run, forecast, sku_ids=chunk.sku_ids)
        clock.lap("write", record=False)
        ForecastChunk.objects.for_merchant(merchant).filter(pk=chunk.pk).update(
            status=ForecastChunk.Status.SUCCEEDED,
            series_count=len(forecast.rows),
            model_counts=forecast.model_counts,
            timings=clock.timings,
            finished_at=timezone.now(),
        )
    _finish_run(merchant, run.pk, history, forecast.version)
    with tenant_context(merchant):
        return ForecastChunk.objects.for_merchant(merchant).get(pk=chunk.pk)


def chunk_history(merchant: Merchant, chunk: ForecastChunk) -> history_reads.History:
    """The history of the chunk's SKUs on the store's calendar as the run read it."""
    calendar = {dt.date.fromisoformat(day): sold for day, sold in chunk.calendar.items()}
    return history_reads.load_history(merchant, sku_ids=chunk.sku_ids, calendar=calendar or None)


def chunks_by_sku(merchant: Merchant, run: ForecastRun) -> dict[int, ForecastChunk]:
    """Each SKU of a run made in chunks, with its chunk (empty for a run made whole)."""
    return {
        sku: chunk
        for chunk in ForecastChunk.objects.for_merchant(merchant).filter(run=run)
        for sku in chunk.sku_ids
    }


def _finish_run(merchant: Merchant, run_id: int, history, version) -> None:
    """End the run if every chunk is done (once, under the run row's lock), and queue what
    follows a night."""
    with transaction.atomic(), tenant_context(merchant):
        run = ForecastRun.objects.for_merchant(merchant).select_for_update().get(pk=run_id)
        chunks = list(ForecastChunk.objects.for_merchant(merchant).filter(run_id=run_id))
        if run.status != ForecastRun.Status.RUNNING or any(
            chunk.status != ForecastChunk.Status.SUCCEEDED for chunk in chunks
        ):
            return
        counts: Counter = Counter()
        phases: Counter = Counter()
        for chunk in chunks:
            counts.update(chunk.model_counts)
            phases.update({k: v for k, v in chunk.timings.items() if isinstance(v, float)})
        night.run_succeed(
            merchant=merchant,
            run=run,
            history_end=history.days[-1] if history.days else None,
            series_count=sum(chunk.series_count for chunk in chunks),
            model_counts=dict(counts),
            version=version,
            timings={
                **{phase: round(seconds, 3) for phase, seconds in phases.items()},
                "chunks": len(chunks),
                "wall": round((timezone.now() - run.started_at).total_seconds(), 3),
            },
        )
        transaction.on_commit(lambda: night.follow_up(merchant_id=merchant.pk, run_id=run_id))


def chunk_fail(*, merchant: Merchant, chunk_id: int, message: str) -> None:
    """A chunk that cannot finish fails its run: a night with SKUs missing is not a night."""
    runs.fail(ForecastChunk, merchant=merchant, pk=chunk_id, message=message)
    with tenant_context(merchant):
        run_id = ForecastChunk.objects.for_merchant(merchant).get(pk=chunk_id).run_id
    services.forecast_run_fail(
        merchant=merchant, run_id=run_id, message=f"A chunk failed: {message}"
    )
