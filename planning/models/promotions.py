"""Promotion plans proposed for overstocked SKUs."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.formatting import format_percent
from accounts.tenancy import TenantOwned
from inventory.models import MONEY, QUANTITY
from planning.models.fields import acted_by

MULTIPLIER = {"max_digits": 8, "decimal_places": 3}  # a demand multiplier: 1.180


class PromotionPlan(TenantOwned):
    """A proposed promotion for an overstocked SKU at one location: the window and discount
    expected to clear its excess stock by the target day at the best margin, with what doing
    nothing would give beside it. Accepting it creates the Promotion, which the next
    forecast takes into account."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")
        SUPERSEDED = "superseded", _("Superseded")

    forecast_run = models.ForeignKey(
        "forecasting.ForecastRun", on_delete=models.CASCADE, related_name="promotion_plans"
    )
    sku = models.ForeignKey(
        "inventory.SKU", on_delete=models.CASCADE, related_name="promotion_plans"
    )
    location = models.ForeignKey(
        "inventory.Location", on_delete=models.CASCADE, related_name="promotion_plans"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    start_date = models.DateField()
    end_date = models.DateField()
    target_date = models.DateField(help_text="The day by which the excess should be gone.")
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2)
    on_hand = models.DecimalField(**QUANTITY)
    keep = models.DecimalField(**QUANTITY, help_text="The most to hold on the target day.")
    uplift = models.DecimalField(**MULTIPLIER, help_text="Demand multiplier during the promotion.")
    # The central 90% predictive interval of that multiplier for this promotion
    # (`planning.promotion_uplift.Effect.interval_at`); empty where none was worked out.
    uplift_low = models.DecimalField(
        **MULTIPLIER,
        null=True,
        blank=True,
        help_text="Demand multiplier: low end of its 90% interval.",
    )
    uplift_high = models.DecimalField(
        **MULTIPLIER,
        null=True,
        blank=True,
        help_text="Demand multiplier: high end of its 90% interval.",
    )
    elasticity = models.DecimalField(max_digits=6, decimal_places=3)
    estimate_source = models.CharField(
        max_length=16, help_text="Whose history the uplift comes from: sku, category, store."
    )
    evidence_days = models.PositiveIntegerField(default=0)
    model_uplift = models.DecimalField(
        **MULTIPLIER,
        null=True,
        blank=True,
        help_text="What the forecasting model expects the promotion to lift demand by.",
    )
    expected_units = models.DecimalField(**QUANTITY)
    expected_revenue = models.DecimalField(**MONEY)
    expected_margin = models.DecimalField(**MONEY)
    expected_stock_left = models.DecimalField(**QUANTITY)
    baseline_units = models.DecimalField(**QUANTITY)
    baseline_revenue = models.DecimalField(**MONEY)
    baseline_margin = models.DecimalField(**MONEY)
    baseline_stock_left = models.DecimalField(**QUANTITY)
    clears_excess = models.BooleanField(default=True)
    promotion = models.ForeignKey(
        "inventory.Promotion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The promotion created when the plan was accepted.",
    )
    decided_by = acted_by()
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "sku", "location"],
                condition=models.Q(status="proposed"),
                name="promotion_plan_one_proposed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.discount_percent}% off {self.sku_id}@{self.location_id} ({self.status})"

    # The demand multipliers as the change a merchant reads ("+18%"), in the reader's numbers.
    @property
    def uplift_change(self) -> str:
        return _change(self.uplift)

    @property
    def uplift_low_change(self) -> str:
        return _change(self.uplift_low)

    @property
    def uplift_high_change(self) -> str:
        return _change(self.uplift_high)


def _change(multiplier) -> str:
    """A demand multiplier (1.18) as a signed change (+18%, -5%); "" for none."""
    if multiplier is None:
        return ""
    text = format_percent(multiplier - 1)
    # a rise gets its sign; a fall has one, and no change ("0%") needs none
    return f"+{text}" if text[:1].isdigit() and text.strip("0%") else text
