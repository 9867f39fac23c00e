"""Builders of the world's catalogue, stock, sales, purchase orders and imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from inventory import models
from tests import factories
from tests.world.registry import World, audited, builds_from


@builds_from(models.Location, factories.LocationFactory)
def _location(world: World) -> dict:
    return {"code": f"{world.marker}-LOC", "name": f"{world.marker} depot"}


@builds_from(models.Supplier, factories.SupplierFactory)
def _supplier(world: World) -> dict:
    return {"code": f"{world.marker}-SUP", "name": f"{world.marker} supplies"}


@builds_from(models.SKU, factories.SKUFactory)
def _sku(world: World) -> dict:
    description = f"Only {world.marker} sells this"
    return {
        "code": f"{world.marker}-SKU",
        "name": f"{world.marker} teapot",
        "description": description,
    }


@builds_from(models.SupplierItem, factories.SupplierItemFactory)
def _supplier_item(world: World) -> dict:
    supplier, sku = world.objects[models.Supplier], world.objects[models.SKU]
    return {"supplier": supplier, "sku": sku, "supplier_code": f"{world.marker}-SI"}


def _at_the_depot(world: World) -> dict:
    """The world's SKU at its location: what stock, sales and orders are of."""
    return {"sku": world.objects[models.SKU], "location": world.objects[models.Location]}


@builds_from(models.StockLevel, factories.StockLevelFactory)
def _stock_level(world: World) -> dict:
    return {**_at_the_depot(world), "on_hand": Decimal("777")}


@builds_from(models.SalesDay, factories.SalesDayFactory)
def _sales_day(world: World) -> dict:
    return {**_at_the_depot(world), "date": dt.date(2024, 5, 1), "units": Decimal("5")}


@builds_from(models.Promotion, factories.PromotionFactory)
def _promotion(world: World) -> dict:
    name = f"{world.marker} spring sale"
    return {"code": f"{world.marker}-PROMO", "name": name, "sku": world.objects[models.SKU]}


@builds_from(models.CalendarEvent, factories.CalendarEventFactory)
def _calendar_event(world: World) -> dict:
    code, name = f"{world.marker}-EVENT", f"{world.marker} holiday"
    return {"code": code, "name": name, "location": world.objects[models.Location]}


@builds_from(models.CalendarPreset, factories.CalendarPresetFactory)
def _calendar_preset(world: World) -> dict:
    return {"location": world.objects[models.Location], "country": "DE"}


@builds_from(models.PurchaseOrder, factories.PurchaseOrderFactory)
def _purchase_order(world: World) -> dict:
    sent_from = {
        "supplier": world.objects[models.Supplier],
        "location": world.objects[models.Location],
    }
    return {"number": f"{world.marker}-PO", **sent_from}


@builds_from(models.PurchaseOrderLine, factories.PurchaseOrderLineFactory)
def _purchase_order_line(world: World) -> dict:
    return {"purchase_order": world.objects[models.PurchaseOrder], "sku": world.objects[models.SKU]}


@builds_from(models.PurchaseOrderEvent)
def _purchase_order_event(world: World) -> dict:
    sent, order = models.PurchaseOrderEvent.Action.SENT, world.objects[models.PurchaseOrder]
    return audited(world, sent, {"note": world.marker}, purchase_order=order)


@builds_from(models.OrderLine, factories.OrderLineFactory)
def _order_line(world: World) -> dict:
    return {**_at_the_depot(world), "order_id": f"{world.marker}-ORDER"}


@builds_from(models.ImportJob, factories.ImportJobFactory)
def _import_job(world: World) -> dict:
    return {"original_name": f"{world.marker}-sales.csv"}


@builds_from(models.ImportMapping, factories.ImportMappingFactory)
def _import_mapping(world: World) -> dict:
    return {"header": [f"{world.marker}-Item", "Day", "Sold"]}


@builds_from(models.SkuSummary)
def _sku_summary(world: World) -> dict:
    return {"sku": world.objects[models.SKU], "units_28d": Decimal("5")}


@builds_from(models.CatalogueState)
def _catalogue_state(world: World) -> dict:
    return {}
