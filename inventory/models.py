"""Catalogue, locations, suppliers, stock, daily sales, promotions and open purchase orders.

Every model is tenant-owned: its merchant is part of every natural key. Money is Decimal;
quantities are Decimal too (three places), so goods sold by weight or length fit.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.tenancy import TenantOwned

QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 4}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class InventoryModel(TenantOwned):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        """Every tenant-owned object this one points at must belong to the same merchant."""
        super().clean()
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "merchant":
                continue
            target_model = field.related_model
            if not issubclass(target_model, TenantOwned):
                continue
            target_id = getattr(self, field.attname)
            if target_id is None:
                continue
            target_merchant = (
                target_model._base_manager.filter(pk=target_id)
                .values_list("merchant_id", flat=True)
                .first()
            )
            if target_merchant != self.merchant_id:
                raise ValidationError({field.name: "Not found."})


def fact_reference(to, related_name: str, **options) -> models.ForeignKey:
    """A reference from a high-volume fact table (daily sales, order lines, stock snapshots).

    No per-row database constraint: PostgreSQL's foreign-key triggers cost twice the insert
    itself at these volumes. Integrity comes from the only write path, ingestion, which
    resolves every code to an id of the same merchant and holds a KEY SHARE lock on the
    referenced rows until it commits (so they cannot be deleted meanwhile); deletes go through
    Django, which cascades. Indexed only where a lookup or a cascade needs it."""
    options.setdefault("on_delete", models.CASCADE)
    return models.ForeignKey(to, related_name=related_name, db_constraint=False, **options)


class FactModel(InventoryModel):
    """Base of the fact tables: the merchant reference carries no constraint either (row-level
    security already checks every row's merchant), and its index is the composite ones."""

    merchant = models.ForeignKey(
        "accounts.Merchant",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Location(InventoryModel):
    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", "Warehouse"
        STORE = "store", "Store"

    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.WAREHOUSE)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="location_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Supplier(InventoryModel):
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217; blank = merchant's")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="supplier_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class SKU(InventoryModel):
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=120, blank=True)
    brand = models.CharField(max_length=120, blank=True)
    unit_price = models.DecimalField(**MONEY, validators=NON_NEGATIVE, null=True, blank=True)
    unit_cost = models.DecimalField(**MONEY, validators=NON_NEGATIVE, null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "SKU"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["merchant", "code"], name="sku_unique_code")]
        indexes = [models.Index(fields=["merchant", "category"], name="sku_category_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SkuSummary(TenantOwned):
    """Per SKU, what the catalogue list shows and sorts by, kept beside it so a page of a
    10,000-SKU catalogue reads 50 rows instead of summing every sale: units and revenue of the
    28 days to the store's latest sales date, and stock on hand (latest snapshot per location,
    summed). Rebuilt when sales or stock changed since (`inventory.summaries`)."""

    sku = models.OneToOneField(SKU, on_delete=models.CASCADE, related_name="summary")
    units_28d = models.DecimalField(**QUANTITY, default=Decimal("0"))
    revenue_28d = models.DecimalField(**MONEY, default=Decimal("0"))
    on_hand = models.DecimalField(**QUANTITY, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="skusummary_unique")
        ]
        indexes = [
            models.Index(fields=["merchant", "units_28d"], name="skusummary_units_idx"),
            models.Index(fields=["merchant", "on_hand"], name="skusummary_on_hand_idx"),
        ]


class CatalogueState(TenantOwned):
    """One per merchant: a counter that every write of sales or stock moves on, and the
    counter the SKU summaries were last built at. Equal: the summaries are current."""

    data_version = models.BigIntegerField(default=0)
    summary_version = models.BigIntegerField(default=-1)
    changed_at = models.DateTimeField(null=True, blank=True)  # the last write's commit
    summarised_at = models.DateTimeField(null=True, blank=True)  # the last rebuild

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant"], name="cataloguestate_one_per_merchant")
        ]


class SupplierItem(InventoryModel):
    """What a supplier sells of a SKU, and on which terms."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey(SKU, on_delete=models.CASCADE, related_name="supplier_items")
    supplier_code = models.CharField(max_length=64, blank=True)
    lead_time_mean_days = models.DecimalField(
        max_digits=6, decimal_places=2, validators=NON_NEGATIVE, default=Decimal("7")
    )
    lead_time_std_days = models.DecimalField(
        max_digits=6, decimal_places=2, validators=NON_NEGATIVE, default=Decimal("0")
    )
    moq = models.DecimalField("minimum order quantity", **QUANTITY, default=Decimal("1"))
    pack_size = models.DecimalField(**QUANTITY, default=Decimal("1"))
    unit_cost = models.DecimalField(**MONEY, validators=NON_NEGATIVE, null=True, blank=True)
    is_primary = models.BooleanField(default=True)

    class Meta:
        ordering = ["supplier_id", "sku_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "supplier", "sku"], name="supplieritem_unique"
            ),
            models.CheckConstraint(condition=Q(pack_size__gt=0), name="supplieritem_pack_positive"),
            models.CheckConstraint(condition=Q(moq__gte=0), name="supplieritem_moq_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.sku.code}"


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


class Promotion(InventoryModel):
    """A promotion of one SKU or of a whole category, at one location or everywhere."""

    class Kind(models.TextChoices):
        PRICE_DISCOUNT = "price_discount", "Price discount"
        MULTIBUY = "multibuy", "Multi-buy"
        FEATURE = "feature", "Featured / display"
        OTHER = "other", "Other"

    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    sku = models.ForeignKey(
        SKU, on_delete=models.CASCADE, null=True, blank=True, related_name="promotions"
    )
    category = models.CharField(max_length=120, blank=True)
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="promotions",
        help_text="Empty = every location.",
    )
    start_date = models.DateField()
    end_date = models.DateField()
    discount_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRICE_DISCOUNT)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="promotion_unique_code"),
            models.CheckConstraint(
                condition=(Q(sku__isnull=False) & Q(category=""))
                | (Q(sku__isnull=True) & ~Q(category="")),
                name="promotion_sku_xor_category",
                violation_error_message="A promotion is for one SKU or for one category.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="promotion_dates_ordered",
                violation_error_message="The end date is before the start date.",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "start_date", "end_date"], name="promo_dates")]

    def __str__(self) -> str:
        return self.name or self.code


class CalendarEvent(InventoryModel):
    """A day or span with unusual demand that the merchant knows of ahead: a public holiday,
    a sale day, a payday, a local event. Forecasts take it as a known covariate, in the past
    (to learn what such days did) and in the horizon."""

    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_events",
        help_text="Empty = every location.",
    )
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="calendarevent_unique_code"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="calendarevent_dates_ordered",
                violation_error_message="The end date is before the start date.",
            ),
        ]
        indexes = [models.Index(fields=["merchant", "start_date", "end_date"], name="event_dates")]

    def __str__(self) -> str:
        return self.name or self.code


class PurchaseOrder(InventoryModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "Cancelled"

    number = models.CharField(max_length=64)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    order_date = models.DateField(default=timezone.localdate)
    expected_arrival = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-order_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "number"], name="purchaseorder_unique")
        ]
        indexes = [models.Index(fields=["merchant", "status"], name="po_status_idx")]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(InventoryModel):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    sku = models.ForeignKey(SKU, on_delete=models.PROTECT, related_name="order_lines")
    quantity_ordered = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE)
    quantity_received = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE, default=0)
    unit_cost = models.DecimalField(**MONEY, validators=NON_NEGATIVE, null=True, blank=True)

    class Meta:
        ordering = ["purchase_order_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "purchase_order", "sku"], name="purchaseorderline_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}: {self.sku_id} x {self.quantity_ordered}"

    @property
    def quantity_open(self) -> Decimal:
        return max(self.quantity_ordered - self.quantity_received, Decimal("0"))


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


class ImportJob(InventoryModel):
    """A CSV file being validated and loaded by a worker, with its progress and error report."""

    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for the column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Loaded"
        FAILED = "failed", "Failed"

    resource = models.CharField(max_length=32)
    header = models.JSONField(default=list, help_text="The file's column names, in order.")
    options = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    mapping = models.JSONField(default=dict, help_text="CSV header -> resource field.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MAPPING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    claimed_by = models.CharField(
        max_length=64, blank=True, help_text="The task that runs it; its redelivery may resume."
    )
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "status"], name="importjob_status_idx")]

    def __str__(self) -> str:
        return f"{self.resource} import {self.original_name} ({self.status})"

    def percent(self, done: int, total: int) -> int:
        """How far the load is, from rows done of rows total (100 only once it succeeded)."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        return min(99, int(100 * done / total)) if total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
