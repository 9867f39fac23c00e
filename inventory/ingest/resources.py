"""What each ingestible resource is made of: columns, natural key, references by code.

A reference column (``sku``, ``location``, ``supplier``) carries the other object's code; the
whole batch's codes are resolved in one query per kind, and a code the merchant does not have
is an error on that row, whether it exists elsewhere or not.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_noop

from inventory.ingest import columns as c
from inventory.models import (
    MONEY,
    QUANTITY,
    SKU,
    CalendarEvent,
    Location,
    Promotion,
    PurchaseOrder,
    SalesDay,
    StockLevel,
    Supplier,
    SupplierItem,
)

ZERO = Decimal("0")


@dataclass(frozen=True)
class Reference:
    model: type[models.Model]
    label: str
    unknown: str  # the error on a code the store does not have (marked for translation)


REFERENCES = {
    "sku": Reference(SKU, "SKU", gettext_noop("unknown SKU code")),
    "location": Reference(Location, "location", gettext_noop("unknown location code")),
    "supplier": Reference(Supplier, "supplier", gettext_noop("unknown supplier code")),
}


@dataclass(frozen=True)
class Resource:
    name: str  # in URLs and import forms
    label: str
    model: type[models.Model] | None
    columns: tuple[c.Column, ...]
    key: tuple[str, ...]  # model attributes (references as <name>_id), merchant implied
    read_only: frozenset[str] = field(default=frozenset({"id", "created_at", "updated_at"}))

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> c.Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def reference_columns(self) -> list[c.Column]:
        return [column for column in self.columns if column.attribute in REFERENCES]

    @property
    def attributes(self) -> list[str]:
        """The model attributes the columns write, in order (references as <name>_id): the
        one list of a table's columns that every write of its rows uses."""
        return [
            f"{column.attribute}_id" if column.attribute in REFERENCES else column.attribute
            for column in self.columns
        ]


# References by code, shared by every resource that has them.
SKU_CODE = c.Column(
    "sku",
    "sku",
    c.code,
    required=True,
    aliases=("stock_code", "stockcode", "product_code", "item_code", "sku_code"),
)
LOCATION_CODE = c.Column(
    "location",
    "location",
    c.code,
    required=True,
    aliases=("location_code", "warehouse", "store", "site"),
)
SUPPLIER_CODE = c.Column(
    "supplier",
    "supplier",
    c.code,
    required=True,
    aliases=("supplier_code", "vendor", "vendor_code"),
)


# Readers and columns of the same meaning in several resources.
_units = c.decimal(**QUANTITY, minimum=ZERO)
_days = c.decimal(max_digits=6, decimal_places=2, minimum=ZERO)
_money = c.decimal(**MONEY, minimum=ZERO)
CODE = c.Column("code", "code", c.text(64, blank=False), required=True)
ACTIVE = c.Column("active", "active", c.boolean, default=True)
UNIT_COST = c.Column("unit_cost", "unit_cost", _money)
START_DATE = c.Column("start_date", "start_date", c.date, required=True)
END_DATE = c.Column("end_date", "end_date", c.date, required=True)


def optional(column: c.Column) -> c.Column:
    return dataclasses.replace(column, required=False)


def _choices(choices: type[models.TextChoices], aliases: dict | None = None) -> c.Reader:
    accepted = {value.lower(): value for value in choices.values}
    accepted.update({label.lower(): value for value, label in choices.choices})
    accepted.update(aliases or {})
    return c.choice(accepted)


SKUS = Resource(
    name="skus",
    label=gettext_noop("SKUs"),
    model=SKU,
    key=("code",),
    columns=(
        CODE,
        c.Column(
            "name",
            "name",
            c.text(300, blank=False),
            required=True,
            aliases=("title", "product_name"),
        ),
        c.Column("description", "description", c.text(10_000), default=""),
        c.Column("category", "category", c.text(120), default=""),
        c.Column("brand", "brand", c.text(120), default=""),
        c.Column("unit_price", "unit_price", c.decimal(**MONEY, minimum=ZERO)),
        UNIT_COST,
        ACTIVE,
    ),
)

LOCATIONS = Resource(
    name="locations",
    label=gettext_noop("locations"),
    model=Location,
    key=("code",),
    columns=(
        CODE,
        c.Column("name", "name", c.text(200, blank=False), required=True),
        c.Column("kind", "kind", _choices(Location.Kind), default=Location.Kind.WAREHOUSE),
        ACTIVE,
    ),
)

SUPPLIERS = Resource(
    name="suppliers",
    label=gettext_noop("suppliers"),
    model=Supplier,
    key=("code",),
    columns=(
        CODE,
        c.Column("name", "name", c.text(200, blank=False), required=True),
        c.Column("email", "email", c.email, default=""),
        c.Column("currency", "currency", c.text(3), default=""),
        # Terms in the supplier's currency; empty = none. The orders page sets each
        # supplier's subtotal against them.
        c.Column(
            "minimum_order_value",
            "minimum_order_value",
            _money,
            aliases=("min_order_value",),
        ),
        c.Column(
            "free_shipping_threshold",
            "free_shipping_threshold",
            _money,
            aliases=("free_shipping_from",),
        ),
    ),
)

SUPPLIER_ITEMS = Resource(
    name="supplier-items",
    label=gettext_noop("supplier items"),
    model=SupplierItem,
    key=("supplier_id", "sku_id"),
    columns=(
        SUPPLIER_CODE,
        SKU_CODE,
        c.Column("supplier_code", "supplier_code", c.text(64), default=""),
        c.Column("lead_time_mean_days", "lead_time_mean_days", _days, default=Decimal("7")),
        c.Column("lead_time_std_days", "lead_time_std_days", _days, default=ZERO),
        c.Column("moq", "moq", _units, default=Decimal("1")),
        c.Column(
            "pack_size",
            "pack_size",
            c.decimal(**QUANTITY, minimum=ZERO, minimum_exclusive=True),
            default=Decimal("1"),
        ),
        UNIT_COST,
        c.Column("is_primary", "is_primary", c.boolean, default=True),
    ),
)

STOCK_LEVELS = Resource(
    name="stock-levels",
    label=gettext_noop("stock levels"),
    model=StockLevel,
    key=("sku_id", "location_id", "as_of"),
    columns=(
        SKU_CODE,
        LOCATION_CODE,
        c.Column(
            "on_hand",
            "on_hand",
            _units,
            required=True,
            aliases=("stock", "quantity_on_hand", "qty_on_hand"),
        ),
        c.Column(
            "committed",
            "committed",
            _units,
            default=Decimal("0"),
            aliases=("allocated", "reserved", "qty_committed"),
        ),
        # a snapshot with no stock flags a stock-out day of sales: in the sales window
        c.Column("as_of", "as_of", c.sales_datetime, required=True),
    ),
)

SALES = Resource(
    name="sales",
    label=gettext_noop("daily sales"),
    model=SalesDay,
    key=("sku_id", "location_id", "date"),
    columns=(
        SKU_CODE,
        LOCATION_CODE,
        c.Column("date", "date", c.sales_date, required=True, aliases=("day", "sales_date")),
        c.Column(
            "units",
            "units",
            _units,
            required=True,
            aliases=("units_sold", "quantity", "qty"),
        ),
        c.Column("units_returned", "units_returned", _units, default=ZERO),
        c.Column("revenue", "revenue", c.decimal(**MONEY), default=ZERO),
        c.Column("average_price", "average_price", c.decimal(**MONEY, minimum=ZERO)),
        c.Column("customers", "customers", c.integer(minimum=0)),
        c.Column("on_promotion", "on_promotion", c.boolean, default=False),
        c.Column("stock_out", "stock_out", c.boolean, default=False),
    ),
)

PROMOTIONS = Resource(
    name="promotions",
    label=gettext_noop("promotions"),
    model=Promotion,
    key=("code",),
    columns=(
        CODE,
        c.Column("name", "name", c.text(200), default=""),
        optional(SKU_CODE),
        c.Column("category", "category", c.text(120), default=""),
        optional(LOCATION_CODE),
        START_DATE,
        END_DATE,
        c.Column(
            "discount_percent",
            "discount_percent",
            c.decimal(max_digits=5, decimal_places=2, minimum=ZERO, maximum=Decimal("100")),
            default=ZERO,
        ),
        c.Column("kind", "kind", _choices(Promotion.Kind), default=Promotion.Kind.PRICE_DISCOUNT),
    ),
)

CALENDAR_EVENTS = Resource(
    name="calendar-events",
    label=gettext_noop("calendar events"),
    model=CalendarEvent,
    key=("code",),
    columns=(
        CODE,
        c.Column("name", "name", c.text(200), default=""),
        optional(LOCATION_CODE),
        START_DATE,
        END_DATE,
    ),
)

PURCHASE_ORDERS = Resource(
    name="purchase-orders",
    label=gettext_noop("purchase orders"),
    model=PurchaseOrder,
    key=("number",),
    columns=(
        c.Column("number", "number", c.text(64, blank=False), required=True),
        SUPPLIER_CODE,
        LOCATION_CODE,
        # An ERP's open order is one sent to its supplier ("open" was this status's name).
        c.Column(
            "status",
            "status",
            _choices(PurchaseOrder.Status, aliases={"open": "sent"}),
            default="sent",
        ),
        c.Column("order_date", "order_date", c.date, required=True),
        c.Column("expected_arrival", "expected_arrival", c.date),
    ),
)

PURCHASE_ORDER_LINES = Resource(
    name="purchase-order-lines",
    label=gettext_noop("purchase order lines"),
    model=None,  # loaded with their order
    key=("purchase_order_id", "sku_id"),
    columns=(
        SKU_CODE,
        c.Column("quantity_ordered", "quantity_ordered", _units, required=True),
        c.Column("quantity_received", "quantity_received", _units, default=ZERO),
        UNIT_COST,
    ),
)

RESOURCES: dict[str, Resource] = {
    resource.name: resource
    for resource in (
        SKUS,
        LOCATIONS,
        SUPPLIERS,
        SUPPLIER_ITEMS,
        STOCK_LEVELS,
        SALES,
        PROMOTIONS,
        CALENDAR_EVENTS,
        PURCHASE_ORDERS,
    )
}
