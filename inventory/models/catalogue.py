"""The catalogue: locations, suppliers, SKUs, what each supplier sells, and the summaries the
catalogue list reads."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantOwned
from inventory.models.base import MONEY, NON_NEGATIVE, QUANTITY, InventoryModel


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
    # The language its purchase orders (PDF and email) are written in; blank = the language of
    # the person who drafted the order (`inventory.services.sending.order_language`). A
    # database default too: ingestion's upsert inserts only the columns it was sent.
    language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        choices=settings.LANGUAGES,
        help_text="Language of its purchase orders; blank = the drafter's.",
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
