"""Promotions of a SKU or a category."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inventory.models.base import InventoryModel, code_unique, dates_ordered, every_location_or_one
from inventory.models.catalogue import SKU


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
    location = every_location_or_one("promotions")
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
            code_unique(),
            models.CheckConstraint(
                condition=(Q(sku__isnull=False) & Q(category=""))
                | (Q(sku__isnull=True) & ~Q(category="")),
                name="promotion_sku_xor_category",
                violation_error_message="A promotion is for one SKU or for one category.",
            ),
            dates_ordered(),
        ]
        indexes = [models.Index(fields=["merchant", "start_date", "end_date"], name="promo_dates")]

    def __str__(self) -> str:
        return self.name or self.code
