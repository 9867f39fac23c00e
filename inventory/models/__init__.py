"""Catalogue, locations, suppliers, stock, daily sales, promotions and open purchase orders.

Every model is tenant-owned: its merchant is part of every natural key. Money is Decimal;
quantities are Decimal too (three places), so goods sold by weight or length fit.

A package by topic; every model is imported here, where Django and callers look for it.
"""

from inventory.models.base import (
    MONEY,
    NON_NEGATIVE,
    QUANTITY,
    FactModel,
    InventoryModel,
    fact_reference,
)
from inventory.models.calendars import CalendarEvent, CalendarPreset
from inventory.models.catalogue import (
    SKU,
    CatalogueState,
    Location,
    SkuSummary,
    Supplier,
    SupplierItem,
)
from inventory.models.facts import OrderLine, SalesDay, StockLevel
from inventory.models.imports import REFUSED_IMPORTS, ImportJob, ImportMapping
from inventory.models.promotions import Promotion
from inventory.models.purchase_orders import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine

__all__ = [
    "MONEY",
    "NON_NEGATIVE",
    "QUANTITY",
    "REFUSED_IMPORTS",
    "SKU",
    "CalendarEvent",
    "CalendarPreset",
    "CatalogueState",
    "FactModel",
    "ImportJob",
    "ImportMapping",
    "InventoryModel",
    "Location",
    "OrderLine",
    "Promotion",
    "PurchaseOrder",
    "PurchaseOrderEvent",
    "PurchaseOrderLine",
    "SalesDay",
    "SkuSummary",
    "StockLevel",
    "Supplier",
    "SupplierItem",
    "fact_reference",
]
