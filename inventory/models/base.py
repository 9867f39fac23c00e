"""The bases of every inventory model, and the shapes of its quantities and money.

Every model is tenant-owned: its merchant is part of every natural key. Money is Decimal;
quantities are Decimal too (three places), so goods sold by weight or length fit.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
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


def every_location_or_one(related_name: str) -> models.ForeignKey:
    """The location a calendar, an event or a promotion is for; empty = every location."""
    return models.ForeignKey(
        "inventory.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        help_text="Empty = every location.",
    )


def code_unique() -> models.UniqueConstraint:
    """A row known by the store's own code ("%(class)s": the model's name, as Django fills it)."""
    return models.UniqueConstraint(fields=["merchant", "code"], name="%(class)s_unique_code")


def dates_ordered() -> models.CheckConstraint:
    """A span of days (promotions, calendar events) does not end before it starts."""
    return models.CheckConstraint(
        condition=models.Q(end_date__gte=models.F("start_date")),
        name="%(class)s_dates_ordered",
        violation_error_message="The end date is before the start date.",
    )


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
