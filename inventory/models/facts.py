"""The high-volume fact tables: stock snapshots, daily sales and customer order lines."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from inventory.models.base import MONEY, NON_NEGATIVE, QUANTITY, FactModel, fact_reference
from inventory.models.catalogue import SKU, Location


class StockLevel(FactModel):
    """A snapshot of stock on hand of one SKU at one location, and how much of it is already
    promised to customers' open orders."""

    sku = fact_reference(SKU, "stock_levels")
    location = fact_reference(Location, "stock_levels", db_index=False)
    on_hand = models.DecimalField(**QUANTITY)
    committed = models.DecimalField(
        **QUANTITY,
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        help_text="Units on hand allocated to open customer orders, not yet shipped.",
    )
    as_of = models.DateTimeField()

    class Meta:
        ordering = ["sku_id", "location_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "sku", "location", "as_of"], name="stocklevel_unique"
            )
        ]
        indexes = [
            models.Index(fields=["merchant", "updated_at"], name="stocklevel_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.location_id}: {self.on_hand} ({self.as_of:%Y-%m-%d})"


class SalesDay(FactModel):
    """Units sold of one SKU at one location on one day (in the merchant's time zone)."""

    sku = fact_reference(SKU, "sales_days")
    location = fact_reference(Location, "sales_days", db_index=False)
    date = models.DateField()
    units = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE)
    units_returned = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE, default=Decimal("0"))
    revenue = models.DecimalField(**MONEY, default=Decimal("0"))
    average_price = models.DecimalField(**MONEY, null=True, blank=True)
    customers = models.PositiveIntegerField(
        null=True, blank=True, help_text="Distinct (pseudonymous) customers; a count only."
    )
    on_promotion = models.BooleanField(default=False)
    stock_out = models.BooleanField(
        default=False, help_text="No stock that day: low sales are not low demand."
    )

    class Meta:
        verbose_name = "daily sales"
        verbose_name_plural = "daily sales"
        # No default ordering: on millions of rows it would sort every read, and it adds its
        # columns to every .distinct(). A read that needs an order says so.
        constraints = [
            # Also the index for one SKU's history (merchant, sku, location, date range).
            models.UniqueConstraint(
                fields=["merchant", "sku", "location", "date"], name="salesday_unique"
            ),
        ]
        indexes = [
            # All sales of one merchant over a date range.
            models.Index(fields=["merchant", "date"], name="salesday_merchant_date_idx"),
            # What changed since an ERP last looked.
            models.Index(fields=["merchant", "updated_at"], name="salesday_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.location_id} {self.date}: {self.units}"


class OrderLine(FactModel):
    """One line of a customer order or invoice as the ERP sent it; cancellations and returns
    are negative quantities. Daily sales are aggregated from these.

    The customer is kept only as a keyed hash (HMAC-SHA256 with the merchant's own key),
    good for counting distinct customers and nothing else; the raw identifier is never stored.
    """

    order_id = models.CharField(max_length=64)
    line = models.PositiveIntegerField(
        default=1, help_text="Which line of this SKU within the order (1 for the first)."
    )
    ordered_at = models.DateTimeField()
    date = models.DateField(help_text="The merchant-local date of ordered_at.")
    sku = fact_reference(SKU, "order_lines_sold")
    location = fact_reference(Location, "order_lines", db_index=False)
    quantity = models.DecimalField(**QUANTITY)
    unit_price = models.DecimalField(**MONEY)
    customer_hash = models.CharField(max_length=64, blank=True)
    country = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["ordered_at", "order_id", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "order_id", "sku", "line"], name="orderline_unique"
            )
        ]
        indexes = [
            models.Index(fields=["merchant", "sku", "location", "date"], name="orderline_day_idx"),
            models.Index(fields=["merchant", "order_id"], name="orderline_order_idx"),
            models.Index(fields=["merchant", "updated_at"], name="orderline_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line}: {self.sku_id} x {self.quantity}"
