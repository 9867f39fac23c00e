"""The store's planning settings: fill-rate targets, budgets, limits and defaults."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantOwned
from inventory.models import MONEY

# Fill-rate targets by class: ABC by revenue (A: the products making the first 80% of
# revenue, B the next 15%, C the rest), XYZ by the variability of weekly demand (X steady,
# Z erratic). Valuable steady products get the most protection; a merchant can change any.
DEFAULT_SERVICE_LEVELS = {
    "AX": 0.98, "AY": 0.97, "AZ": 0.95,
    "BX": 0.96, "BY": 0.95, "BZ": 0.93,
    "CX": 0.93, "CY": 0.92, "CZ": 0.90,
}  # fmt: skip


def default_service_levels() -> dict[str, float]:
    return dict(DEFAULT_SERVICE_LEVELS)


class PlanningSettings(TenantOwned):
    """One per merchant: how fill-rate targets are set, the purchasing budget and alert
    limits."""

    class ServicePolicy(models.TextChoices):
        STORE = "store", _("One fill rate for the whole store, at the least stock value")
        CLASSES = "classes", _("A fill rate per class (ABC by revenue, XYZ by variability)")

    service_policy = models.CharField(
        max_length=8,
        choices=ServicePolicy.choices,
        default=ServicePolicy.STORE,
        help_text="Store: the store's target service level is met across all its SKUs, each "
        "held to the fill rate that buys the most service per unit of stock value, never below "
        "the minimum. Classes: each SKU is held to its class's fill rate.",
    )
    minimum_fill_rate = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.99"))],
        help_text="With one store-wide fill rate: the least any SKU is held to.",
    )
    service_levels = models.JSONField(default=default_service_levels)
    default_lead_time_days = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("7"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("365"))],
        help_text="Lead time assumed for a SKU without supplier terms.",
    )
    default_lead_time_std_days = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("365"))],
        help_text="Its spread (standard deviation), in days.",
    )
    budget = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Most to spend on the suggested orders of one review; empty = no limit.",
    )
    supplier_budgets = models.JSONField(
        default=dict,
        blank=True,
        help_text="Supplier id -> the most to spend with that supplier in one review.",
    )
    overstock_days = models.PositiveIntegerField(
        default=120,
        validators=[MinValueValidator(7), MaxValueValidator(3650)],
        help_text="Days of cover above which stock is overstock.",
    )
    stale_days = models.PositiveIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days without new sales or stock data after which a stale-data alert opens.",
    )
    alert_minimum_value = models.DecimalField(
        **MONEY,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Stock-out, overstock and bias alerts worth less than this (money at risk, "
        "in the store's currency) are not raised; 0 raises them all.",
    )
    digest_enabled = models.BooleanField(
        default=True,
        help_text="Email owners and planners a morning digest of the open alerts.",
    )
    digest_sent_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The local day of the last digest."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "planning settings"
        constraints = [
            models.UniqueConstraint(fields=["merchant"], name="planningsettings_one_per_merchant")
        ]

    def __str__(self) -> str:
        return f"Planning settings of merchant {self.merchant_id}"
