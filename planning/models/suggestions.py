"""Reorder suggestions made from a forecast run, each SKU's service class, and the audit of
every decision taken on a suggestion."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantOwned
from inventory.models import MONEY, QUANTITY
from planning.models.fields import acted_by


class SkuClass(TenantOwned):
    """Each SKU's service class as the last plan found it (ABC by revenue, XYZ by how steady
    its weekly demand is), for filtering the catalogue by class."""

    sku = models.OneToOneField("inventory.SKU", on_delete=models.CASCADE, related_name="+")
    service_class = models.CharField(max_length=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "sku"], name="skuclass_unique")]
        indexes = [models.Index(fields=["merchant", "service_class"], name="skuclass_class_idx")]


class ReorderSuggestion(TenantOwned):
    """What to order of one SKU for one location, from one forecast run, and the arithmetic
    behind it: order-up-to - (on hand + on order - committed) = needed, then rounded for the
    pack and the MOQ. A new run's suggestions replace the proposed ones of the last run;
    decided ones stay as the record."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    forecast_run = models.ForeignKey(
        "forecasting.ForecastRun", on_delete=models.CASCADE, related_name="suggestions"
    )
    sku = models.ForeignKey("inventory.SKU", on_delete=models.CASCADE, related_name="suggestions")
    location = models.ForeignKey(
        "inventory.Location", on_delete=models.CASCADE, related_name="suggestions"
    )
    supplier = models.ForeignKey(
        "inventory.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    service_class = models.CharField(max_length=2, help_text="ABC x XYZ, e.g. AX")
    target_fill_rate = models.DecimalField(max_digits=5, decimal_places=4)
    on_hand = models.DecimalField(**QUANTITY)
    on_order = models.DecimalField(**QUANTITY)
    committed = models.DecimalField(**QUANTITY, default=Decimal("0"))
    lead_time_days = models.DecimalField(max_digits=6, decimal_places=2)
    lead_demand = models.DecimalField(**QUANTITY, help_text="Expected demand over lead time.")
    cycle_demand = models.DecimalField(
        **QUANTITY, help_text="Expected demand over lead time + review period."
    )
    safety_stock = models.DecimalField(**QUANTITY)
    reorder_point = models.DecimalField(**QUANTITY)
    order_up_to = models.DecimalField(**QUANTITY)
    needed = models.DecimalField(**QUANTITY)
    pack_size = models.DecimalField(**QUANTITY, default=Decimal("1"))
    moq = models.DecimalField(**QUANTITY, default=Decimal("0"))
    suggested_quantity = models.DecimalField(**QUANTITY)
    quantity = models.DecimalField(**QUANTITY, help_text="What will be ordered (editable).")
    unit_cost = models.DecimalField(**MONEY, default=Decimal("0"))
    expected_fill_rate = models.DecimalField(max_digits=5, decimal_places=4)
    days_of_cover = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    value = models.DecimalField(
        **MONEY, help_text="Margin protected from lost sales minus holding cost, per review."
    )
    cut_by_budget = models.BooleanField(default=False)
    limit = models.CharField(
        max_length=24,
        choices=[
            ("", _("Within limits")),
            ("capped_at_overstock", _("Cut back to the overstock limit")),
            ("moq_forces_overstock", _("The MOQ forces cover past the overstock limit")),
            ("pack_forces_overstock", _("One pack forces cover past the overstock limit")),
        ],
        default="",
        blank=True,
        help_text="Why the quantity differs from what the fill-rate target asked for.",
    )
    purchase_order = models.ForeignKey(
        "inventory.PurchaseOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        help_text="The draft order its approval put it on.",
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected.")
    deferred_until = models.DateField(
        null=True,
        blank=True,
        help_text="Left off the orders page until this day; the next plans keep it deferred.",
    )
    # What a changed quantity's cover and fill rate are recomputed from (`planning.outcomes`);
    # empty on lines planned before they were kept.
    review_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The review period the order covers, in days."
    )
    lead_time_std_days = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    shortfall_scale = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default=Decimal("1"),
        help_text="What the expected units short were multiplied by, learnt from the store's "
        "past orders; the expected fill rate is read with it.",
    )
    daily_demand = models.DecimalField(
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Mean daily demand after the lead time (days of cover divide by it).",
    )
    decided_by = acted_by()
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["supplier_id", "sku_id", "location_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "forecast_run", "sku", "location"],
                name="reordersuggestion_unique",
            )
        ]
        indexes = [
            models.Index(fields=["merchant", "status", "supplier"], name="suggestion_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.location_id}: {self.quantity} ({self.status})"

    @property
    def cost(self) -> Decimal:
        return self.quantity * self.unit_cost


class Decision(TenantOwned):
    """The audit of a decision: who did what to which suggestion, when, and what changed."""

    class Action(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EDITED = "edited", _("Quantity edited")
        DEFERRED = "deferred", _("Deferred")

    suggestion = models.ForeignKey(
        ReorderSuggestion, on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} suggestion {self.suggestion_id}"
