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
from django.utils.translation import gettext_lazy as _

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
        WAREHOUSE = "warehouse", _("Warehouse")
        STORE = "store", _("Store")

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
    minimum_order_value = models.DecimalField(
        **MONEY,
        validators=NON_NEGATIVE,
        null=True,
        blank=True,
        help_text="The least the supplier accepts on one order, in its currency; empty = none.",
    )
    free_shipping_threshold = models.DecimalField(
        **MONEY,
        validators=NON_NEGATIVE,
        null=True,
        blank=True,
        help_text="Orders of at least this value ship free; empty = none.",
    )

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
        PRICE_DISCOUNT = "price_discount", _("Price discount")
        MULTIBUY = "multibuy", _("Multi-buy")
        FEATURE = "feature", _("Featured / display")
        OTHER = "other", _("Other")

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


class CalendarPreset(InventoryModel):
    """The built-in calendars a merchant switched on for one location, or for all of them: the
    public holidays of a country (and region) and shopping festivals. `inventory.calendars`
    writes their days as calendar events marked with this preset, from the store's first day
    of sales to a year ahead, and removes the ones of a calendar switched off."""

    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_presets",
        help_text="Empty = every location.",
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    subdivision = models.CharField(
        max_length=16, blank=True, help_text="State, province or region code; empty = national."
    )
    public_holidays = models.BooleanField(default=True)
    festivals = models.JSONField(
        default=list, blank=True, help_text="The shopping festivals switched on, by key."
    )
    prime_day_dates = models.JSONField(
        default=list,
        blank=True,
        help_text="Prime Day spans the merchant gave, as [start, end] ISO dates.",
    )

    class Meta:
        ordering = ["location_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "location"],
                condition=Q(location__isnull=False),
                name="calendarpreset_one_per_location",
            ),
            models.UniqueConstraint(
                fields=["merchant"],
                condition=Q(location__isnull=True),
                name="calendarpreset_one_storewide",
            ),
            models.CheckConstraint(
                condition=Q(public_holidays=False) | ~Q(country=""),
                name="calendarpreset_holidays_need_country",
                violation_error_message="Public holidays need a country.",
            ),
        ]

    def __str__(self) -> str:
        where = self.location.code if self.location_id else "every location"
        return f"Calendars of {where}"

    @property
    def festival_labels(self) -> list[str]:
        labels = dict(CalendarEvent.Source.choices)
        return [labels[key] for key in self.festivals if key in labels]


class CalendarEvent(InventoryModel):
    """A day or span with unusual demand that the merchant knows of ahead: a public holiday,
    a sale day, a payday, a local event. Forecasts take it as a known covariate, in the past
    (to learn what such days did) and in the horizon.

    Entered by hand (`source` manual, no preset) or written by a built-in calendar of a
    `CalendarPreset`, which rewrites and removes only its own."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        PUBLIC_HOLIDAYS = "public_holidays", _("Public holidays")
        CHINESE_NEW_YEAR = "chinese_new_year", _("Chinese New Year period")
        SHOPPING_618 = "618", _("618 mid-year shopping festival")
        SINGLES_DAY = "singles_day", _("Singles' Day (11.11)")
        DOUBLE_TWELVE = "double_twelve", _("12.12")
        BLACK_FRIDAY = "black_friday", _("Black Friday")
        CYBER_MONDAY = "cyber_monday", _("Cyber Monday")
        BOXING_DAY = "boxing_day", _("Boxing Day sales")
        END_OF_SEASON_SALES = "end_of_season_sales", _("End-of-season sales (winter and summer)")
        PRIME_DAY = "prime_day", _("Prime Day")

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
    # a database default too: ingestion's upsert inserts only the columns it was sent
    source = models.CharField(
        max_length=32, choices=Source.choices, default=Source.MANUAL, db_default=Source.MANUAL
    )
    preset = models.ForeignKey(
        CalendarPreset,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        help_text="The built-in calendars that wrote it; empty = entered by hand.",
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="calendarevent_unique_code"),
            models.CheckConstraint(
                condition=(Q(preset__isnull=True) & Q(source="manual"))
                | (Q(preset__isnull=False) & ~Q(source="manual")),
                name="calendarevent_generated_has_preset",
                violation_error_message="A generated event names its preset; a manual one none.",
            ),
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
    """An order to a supplier for one location: imported from the ERP (counted as sent), or
    drafted from approved reorder suggestions and then sent, received and closed here
    (`inventory.services`). Sent and partly received orders are the open ones: what they
    still bring is on order for the projections and the next suggestions."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTLY_RECEIVED = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        SUGGESTED = "suggested", _("From approved suggestions")

    #: what is still to arrive counts as on order only in these
    OPEN_STATUSES = (Status.SENT, Status.PARTLY_RECEIVED)

    number = models.CharField(max_length=64)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    order_date = models.DateField(default=timezone.localdate)
    expected_arrival = models.DateField(null=True, blank=True)
    # Database defaults too: ingestion inserts orders with its own column list.
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.IMPORTED, db_default="imported"
    )
    currency = models.CharField(
        max_length=3, blank=True, default="", db_default="", help_text="ISO 4217; blank = store's"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    email_to = models.EmailField(
        blank=True,
        default="",
        db_default="",
        help_text="Where the order was sent (the supplier's address then); blank = not emailed.",
    )
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the email left; set once, so it is sent once."
    )
    email_error = models.CharField(max_length=300, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-order_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "number"], name="purchaseorder_unique")
        ]
        indexes = [
            models.Index(fields=["merchant", "status"], name="po_status_idx"),
            models.Index(fields=["merchant", "updated_at"], name="po_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PurchaseOrderLine(InventoryModel):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    sku = models.ForeignKey(SKU, on_delete=models.PROTECT, related_name="order_lines")
    quantity_ordered = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE)
    quantity_received = models.DecimalField(**QUANTITY, validators=NON_NEGATIVE, default=0)
    unit_cost = models.DecimalField(**MONEY, validators=NON_NEGATIVE, null=True, blank=True)
    # The supplier's terms when the line was drafted (1 and 0 for imported lines).
    pack_size = models.DecimalField(**QUANTITY, default=Decimal("1"), db_default=Decimal("1"))
    moq = models.DecimalField(
        "minimum order quantity", **QUANTITY, default=Decimal("0"), db_default=Decimal("0")
    )

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

    @property
    def cost(self) -> Decimal | None:
        return None if self.unit_cost is None else self.quantity_ordered * self.unit_cost


class PurchaseOrderEvent(TenantOwned):
    """The audit of a purchase order: who did what to it, when, by which way (portal, API,
    a token), and what changed."""

    class Action(models.TextChoices):
        CREATED = "created", _("Drafted")
        LINES_ADDED = "lines_added", _("Lines added")
        EDITED = "edited", _("Line edited")
        SENT = "sent", _("Sent")
        EMAILED = "emailed", _("Emailed to the supplier")
        EMAIL_FAILED = "email_failed", _("Email failed")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=80, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} purchase order {self.purchase_order_id}"


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
        MAPPING = "mapping", _("Waiting for the column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Loaded")
        FAILED = "failed", _("Failed")

    resource = models.CharField(max_length=32)
    platform = models.CharField(
        max_length=32,
        blank=True,
        help_text="The shop platform whose order export the file is (inventory.ingest.platforms); "
        "blank for a file mapped column by column.",
    )
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
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Lines left out of a loaded file (a platform's lines without a SKU)."
    )
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

    @property
    def is_refused(self) -> bool:
        """Failed on its input (`REFUSED_IMPORTS`), not on the platform."""
        return self.status == self.Status.FAILED and not self.file.name

    @property
    def outcome(self) -> str:
        """The job's state as the console shows it: refused apart from failed."""
        return "refused" if self.is_refused else self.status


# An import failed on its input: its file was read and judged (bad rows, unreadable, too
# large) and the verdict dropped the file with it (`inventory.ingest.imports`). A retry would
# reach the same verdict, or find no file. A failure of the platform (a worker lost, the
# database away, an unexpected error, a cancel) keeps the file for the retry that loads it.
REFUSED_IMPORTS = models.Q(status=ImportJob.Status.FAILED, file="")


class ImportMapping(InventoryModel):
    """The column mapping a merchant last confirmed for a file of one resource with one header:
    offered again when a file with the same header is uploaded."""

    resource = models.CharField(max_length=32)
    header_key = models.CharField(
        max_length=64, help_text="SHA-256 of the header's column names, in order."
    )
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="CSV header -> resource field.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "resource", "header_key"], name="importmapping_unique_header"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} mapping of {len(self.header)} columns"
