"""Builders of the world's suggestions, decisions, alerts, plans, replays and webhooks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from forecasting.models import ForecastRun
from inventory.models import SKU, Location, Supplier
from planning.models import (
    Alert,
    Decision,
    PlanningSettings,
    PolicyReplay,
    PromotionPlan,
    ReorderSuggestion,
    ShortfallRecord,
    SkuClass,
    SuggestionBulkAction,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests import factories
from tests.world.registry import World, audited, builds, builds_from


@builds_from(SkuClass)
def _sku_class(world: World) -> dict:
    return {"sku": world.objects[SKU], "service_class": "AX"}


@builds_from(PlanningSettings)
def _planning_settings(world: World) -> dict:
    return {"budget": Decimal("999")}


@builds(ReorderSuggestion)
def _reorder_suggestion(world: World, ids: dict) -> ReorderSuggestion:
    objects = world.objects
    return factories.reorder_suggestion(
        world.merchant, objects[ForecastRun], objects[SKU], objects[Location], objects[Supplier],
        reason=world.marker, **ids,
    )  # fmt: skip


@builds_from(Decision)
def _decision(world: World) -> dict:
    edited, suggestion = Decision.Action.EDITED, world.objects[ReorderSuggestion]
    return audited(world, edited, {"note": world.marker}, suggestion=suggestion)


@builds_from(SuggestionBulkAction)
def _suggestion_bulk_action(world: World) -> dict:
    line = world.objects[ReorderSuggestion]
    return {
        "status": SuggestionBulkAction.Status.SUCCEEDED,
        "decision": "defer",
        "parameters": {"until": "2030-01-01"},
        "line_filter": {"q": world.marker},
        "line_ids": [line.pk],
        "lines_total": 1,
        "lines_done": 1,
        "result": {"count": 1},
        "message": world.marker,
        "request_key": world.marker,
    }


@builds_from(Alert)
def _alert(world: World) -> dict:
    return {
        "kind": Alert.Kind.STOCK_OUT,
        "sku": world.objects[SKU],
        "location": world.objects[Location],
        "forecast_run": world.objects[ForecastRun],
        "details": {"note": world.marker},
    }


@builds_from(PromotionPlan)
def _promotion_plan(world: World) -> dict:
    day = dt.date(2024, 7, 1)
    figures = {
        name: Decimal("1")
        for name in (
            "on_hand", "keep", "uplift", "elasticity", "expected_units", "expected_revenue",
            "expected_margin", "expected_stock_left", "baseline_units", "baseline_revenue",
            "baseline_margin", "baseline_stock_left", "discount_percent",
        )
    }  # fmt: skip
    return {
        "forecast_run": world.objects[ForecastRun],
        "sku": world.objects[SKU],
        "location": world.objects[Location],
        "start_date": day,
        "end_date": day + dt.timedelta(days=13),
        "target_date": day + dt.timedelta(days=55),
        "estimate_source": world.marker,
        **figures,
    }


@builds_from(ShortfallRecord)
def _shortfall_record(world: World) -> dict:
    made_on = dt.date(2024, 6, 1)
    return {
        "made_on": made_on,
        "settles_on": made_on + dt.timedelta(days=14),
        "review_days": 7,
        "series": {"sku": [world.objects[SKU].pk], "quantity": [12.0]},
    }


@builds_from(PolicyReplay)
def _policy_replay(world: World) -> dict:
    figures = {"min_max": {"fill_rate": 0.5, "note": world.marker}}
    return {"status": PolicyReplay.Status.SUCCEEDED, "message": world.marker, "figures": figures}


@builds_from(WebhookEndpoint)
def _webhook_endpoint(world: World) -> dict:
    url = f"https://hooks.example.com/{world.marker.lower()}"
    return {"url": url, "secret": "0" * 64, "description": world.marker}


@builds_from(WebhookDelivery)
def _webhook_delivery(world: World) -> dict:
    return {
        "endpoint": world.objects[WebhookEndpoint],
        "event": "alert.opened",
        "event_id": uuid.uuid4(),
        "payload": {"note": world.marker},
    }
