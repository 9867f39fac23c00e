"""Builders of the world's forecasts, models, training runs and overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np

from forecasting.models import (
    ForecastChunk,
    ForecastOverride,
    ForecastOverrideEvent,
    ForecastRun,
    ModelVersion,
    SeriesForecast,
    SkuEmbedding,
    TrainingRun,
)
from forecasting.quantiles import LEVELS
from inventory.models import SKU, Location
from tests.world.registry import World, audited, builds_from


@builds_from(ForecastRun)
def _forecast_run(world: World) -> dict:
    return {"status": ForecastRun.Status.SUCCEEDED, "message": world.marker}


@builds_from(ForecastChunk)
def _forecast_chunk(world: World) -> dict:
    run, sku_ids = world.objects[ForecastRun], [world.objects[SKU].pk]
    return {"run": run, "number": 0, "sku_ids": sku_ids, "message": world.marker}


@builds_from(SeriesForecast)
def _series_forecast(world: World) -> dict:
    return {
        "run": world.objects[ForecastRun],
        "sku": world.objects[SKU],
        "location": world.objects[Location],
        "first_date": dt.date(2024, 5, 2),
        "model": f"{world.marker}-model",
        "quantiles": SeriesForecast.pack(np.ones((len(LEVELS), 3))),
    }


@builds_from(ModelVersion)
def _model_version(world: World) -> dict:
    return {
        "status": ModelVersion.Status.ACTIVE,
        "mode": "full",
        "artifact": f"models/{world.marker}.safetensors",
        "reason": world.marker,
        "metrics": {"version": {"WQL": 0.5, "MASE": 0.9}},
    }


@builds_from(TrainingRun)
def _training_run(world: World) -> dict:
    done = {"status": TrainingRun.Status.SUCCEEDED, "steps": 10, "steps_done": 10}
    return {**done, "version": world.objects[ModelVersion], "message": world.marker}


@builds_from(SkuEmbedding)
def _sku_embedding(world: World) -> dict:
    vector = np.ones(4, dtype="<f4").tobytes()
    return {"sku": world.objects[SKU], "digest": world.marker[:32], "vector": vector}


@builds_from(ForecastOverride)
def _forecast_override(world: World) -> dict:
    return {
        "sku": world.objects[SKU],
        "location": world.objects[Location],
        "start_date": dt.date(2024, 5, 2),
        "end_date": dt.date(2024, 5, 4),
        "kind": ForecastOverride.Kind.PERCENT,
        "amount": Decimal("20"),
        "reason": f"{world.marker} fair",
        "expires_on": dt.date(2024, 5, 4),
        "created_by": world.owner,
    }


@builds_from(ForecastOverrideEvent)
def _forecast_override_event(world: World) -> dict:
    created, override = ForecastOverrideEvent.Action.CREATED, world.objects[ForecastOverride]
    return audited(world, created, {"reason": [None, world.marker]}, override=override)
