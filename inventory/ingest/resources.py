"""What each ingestible resource is made of: columns, natural key, references by code.

A reference column (``sku``, ``location``, ``supplier``) carries the other object's code; the
whole batch's codes are resolved in one query per kind, and a code the merchant does not have
is an error on that row, whether it exists elsewhere or not.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
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
SKU_CODE = c.column(
    "sku",
    c.code,
    required=True,
    aliases=("stock_code", "stockcode", "product_code", "item_code", "sku_code"),
)
LOCATION_CODE = c.column(
    "location", c.code, required=True, aliases=("location_code", "warehouse", "store", "site")
)
SUPPLIER_CODE = c.column(
    "supplier", c.code, required=True, aliases=("supplier_code", "vendor", "vendor_code")
)


# Readers and columns of the same meaning in several resources.
_units = c.decimal(**QUANTITY, minimum=ZERO)
_days = c.decimal(max_digits=6, decimal_places=2, minimum=ZERO)
_money = c.decimal(**MONEY, minimum=ZERO)
CODE = c.column("code", c.text(64, blank=False), required=True)
NAME = c.column("name", c.text(200, blank=False), required=True)
OPTIONAL_NAME = c.column("name", c.text(200), default="")
CATEGORY = c.column("category", c.text(120), default="")
ACTIVE = c.column("active", c.boolean, default=True)
UNIT_COST = c.column("unit_cost", _money)
START_DATE = c.column("start_date", c.date, required=True)
END_DATE = c.column("end_date", c.date, required=True)


def optional(column: c.Column) -> c.Column:
    return dataclasses.replace(column, required=False)


_LANGUAGES = {
    **{code.lower(): code for code, _name in settings.LANGUAGES},
    **{code.lower().replace("-", "_"): code for code, _name in settings.LANGUAGES},
    **{str(name).lower(): code for code, name in settings.LANGUAGES},
    **dict.fromkeys(("zh", "zh-cn", "chinese"), "zh-hans"),
}


def _choices(choices: type[models.TextChoices], aliases: dict | None = None) -> c.Reader:
    accepted = {value.lower(): value for value in choices.values}
    accepted.update({label.lower(): value for value, label in choices.choices})
    accepted.update(aliases or {})
    return c.choice(accepted)


def _by_code(name: str, label: str, model: type[models.Model], *columns: c.Column) -> Resource:
    """A resource whose rows are known by the store's own code: the first column, the key."""
    return Resource(name=name, label=label, model=model, key=("code",), columns=(CODE, *columns))


def _at_location(
    name: str, label: str, model: type[models.Model], when: str, *columns: c.Column
) -> Resource:
    """A resource of facts about one SKU at one location at a time: known by the two codes,
    the first columns, and ``when`` (the column of the time)."""
    return Resource(
        name=name,
        label=label,
        model=model,
        key=("sku_id", "location_id", when),
        columns=(SKU_CODE, LOCATION_CODE, *columns),
    )


SKUS = _by_code(
    "skus",
    gettext_noop("SKUs"),
    SKU,
    c.column("name", c.text(300, blank=False), required=True, aliases=("title", "product_name")),
    c.column("description", c.text(10_000), default=""),
    CATEGORY,
    c.column("brand", c.text(120), default=""),
    c.column("unit_price", _money),
    UNIT_COST,
    ACTIVE,
)

LOCATIONS = _by_code(
    "locations",
    gettext_noop("locations"),
    Location,
    NAME,
    c.column("kind", _choices(Location.Kind), default=Location.Kind.WAREHOUSE),
    ACTIVE,
)

SUPPLIERS = _by_code(
    "suppliers",
    gettext_noop("suppliers"),
    Supplier,
    NAME,
    c.column("email", c.email, default=""),
    c.column("currency", c.text(3), default=""),
    # Terms in the supplier's currency; empty = none. The orders page sets each supplier's
    # subtotal against them.
    c.column("minimum_order_value", _money, aliases=("min_order_value",)),
    c.column("free_shipping_threshold", _money, aliases=("free_shipping_from",)),
    # the language of its purchase orders: a code or the language's name; empty = none
    c.column("language", c.choice(_LANGUAGES), default=""),
)

SUPPLIER_ITEMS = Resource(
    name="supplier-items",
    label=gettext_noop("supplier items"),
    model=SupplierItem,
    key=("supplier_id", "sku_id"),
    columns=(
        SUPPLIER_CODE,
        SKU_CODE,
        c.column("supplier_code", c.text(64), default=""),
        c.column("lead_time_mean_days", _days, default=Decimal("7")),
        c.column("lead_time_std_days", _days, default=ZERO),
        c.column("moq", _units, default=Decimal("1")),
        c.column(
            "pack_size",
            c.decimal(**QUANTITY, minimum=ZERO, minimum_exclusive=True),
            default=Decimal("1"),
        ),
        UNIT_COST,
        c.column("is_primary", c.boolean, default=True),
    ),
)

STOCK_LEVELS = _at_location(
    "stock-levels",
    gettext_noop("stock levels"),
    StockLevel,
    "as_of",
    c.column(
        "on_hand", _units, required=True, aliases=("stock", "quantity_on_hand", "qty_on_hand")
    ),
    c.column(
        "committed",
        _units,
        default=Decimal("0"),
        aliases=("allocated", "reserved", "qty_committed"),
    ),
    # a snapshot with no stock flags a stock-out day of sales: in the sales window
    c.column("as_of", c.sales_datetime, required=True),
)

SALES = _at_location(
    "sales",
    gettext_noop("daily sales"),
    SalesDay,
    "date",
    c.column("date", c.sales_date, required=True, aliases=("day", "sales_date")),
    c.column("units", _units, required=True, aliases=("units_sold", "quantity", "qty")),
    c.column("units_returned", _units, default=ZERO),
    c.column("revenue", c.decimal(**MONEY), default=ZERO),
    c.column("average_price", _money),
    c.column("customers", c.integer(minimum=0)),
    c.column("on_promotion", c.boolean, default=False),
    c.column("stock_out", c.boolean, default=False),
)

PROMOTIONS = _by_code(
    "promotions",
    gettext_noop("promotions"),
    Promotion,
    OPTIONAL_NAME,
    optional(SKU_CODE),
    CATEGORY,
    optional(LOCATION_CODE),
    START_DATE,
    END_DATE,
    c.column(
        "discount_percent",
        c.decimal(max_digits=5, decimal_places=2, minimum=ZERO, maximum=Decimal("100")),
        default=ZERO,
    ),
    c.column("kind", _choices(Promotion.Kind), default=Promotion.Kind.PRICE_DISCOUNT),
)

CALENDAR_EVENTS = _by_code(
    "calendar-events",
    gettext_noop("calendar events"),
    CalendarEvent,
    OPTIONAL_NAME,
    optional(LOCATION_CODE),
    START_DATE,
    END_DATE,
)

PURCHASE_ORDERS = Resource(
    name="purchase-orders",
    label=gettext_noop("purchase orders"),
    model=PurchaseOrder,
    key=("number",),
    columns=(
        c.column("number", c.text(64, blank=False), required=True),
        SUPPLIER_CODE,
        LOCATION_CODE,
        # An ERP's open order is one sent to its supplier ("open" was this status's name).
        c.column(
            "status", _choices(PurchaseOrder.Status, aliases={"open": "sent"}), default="sent"
        ),
        c.column("order_date", c.date, required=True),
        c.column("expected_arrival", c.date),
    ),
)

PURCHASE_ORDER_LINES = Resource(
    name="purchase-order-lines",
    label=gettext_noop("purchase order lines"),
    model=None,  # loaded with their order
    key=("purchase_order_id", "sku_id"),
    columns=(
        SKU_CODE,
        c.column("quantity_ordered", _units, required=True),
        c.column("quantity_received", _units, default=ZERO),
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
