"""Alerts: what needs the merchant's attention, with the money at risk, and their
cross-merchant statistics for the console."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantOwned
from inventory.models import MONEY
from planning.alert_basis import money_basis_text
from planning.models.fields import acted_by


class Alert(TenantOwned):
    """Something a merchant should look at: for one SKU at one location (stock-out,
    overstock, demand anomaly, forecast bias) or for the whole merchant (stale data, a failed
    job). At most one alert per SKU, location and kind (per kind for merchant-wide ones) is
    not resolved; it closes by itself when its cause goes. Alerts hold SKU-level aggregates
    only, never anything about a customer."""

    class Kind(models.TextChoices):
        STOCK_OUT = "stock_out", _("Projected stock-out")
        OVERSTOCK = "overstock", _("Overstock")
        ANOMALY = "anomaly", _("Demand anomaly")
        BIAS = "bias", _("Forecast bias")
        STALE_DATA = "stale_data", _("Stale data")
        FAILED_JOB = "failed_job", _("Failed job")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        SNOOZED = "snoozed", _("Snoozed")
        RESOLVED = "resolved", _("Resolved")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    sku = models.ForeignKey(
        "inventory.SKU", on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.CASCADE,
        related_name="alerts",
        null=True,
        blank=True,
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    snoozed_until = models.DateField(null=True, blank=True)
    forecast_run = models.ForeignKey(
        "forecasting.ForecastRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="The run that last found the cause.",
    )
    details = models.JSONField(default=dict, blank=True)
    # What the alert is worth, worked out each time its cause is found (planning.alerts):
    # the margin a stock-out loses, the capital overstock ties up, what a biased forecast
    # puts at risk; 0 with an empty basis for kinds not valued in money.
    money_at_risk = models.DecimalField(**MONEY, default=Decimal("0"))
    money_basis = models.CharField(
        max_length=200, blank=True, help_text="How the money at risk was worked out."
    )
    # The English words above are stored; the figures here are put into the reader's words
    # (`money_basis_text`).
    money_basis_parameters = models.JSONField(
        default=dict,
        blank=True,
        help_text="The figures of the money basis: units, value of each, currency.",
    )
    supplier = models.ForeignKey(
        "inventory.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="The SKU's supplier when the alert was last found: alerts of one supplier "
        "share a cause (its lead time, a late order).",
    )
    handled_by = acted_by(help_text="Who last acknowledged, snoozed or resolved it.")
    handled_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-money_at_risk", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "sku", "location", "kind"],
                condition=~models.Q(state="resolved"),
                name="alert_one_unresolved",
            ),
            # NULLs are distinct in the constraint above: merchant-wide kinds need their own
            models.UniqueConstraint(
                fields=["merchant", "kind"],
                condition=~models.Q(state="resolved") & models.Q(sku__isnull=True),
                name="alert_one_unresolved_merchant_wide",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "state", "kind"], name="alert_state_idx"),
            models.Index(
                fields=["merchant", "state", "-money_at_risk"], name="alert_money_at_risk_idx"
            ),
            # the inbox's largest unresolved alerts of a kind, read in order (no sort of all)
            models.Index(
                fields=["merchant", "kind", "-money_at_risk", "-opened_at", "-id"],
                condition=~models.Q(state="resolved"),
                name="alert_unresolved_risk_idx",
            ),
        ]

    def __str__(self) -> str:
        subject = f"{self.sku_id}@{self.location_id}" if self.sku_id else "merchant"
        return f"{self.get_kind_display()}: {subject} ({self.state})"

    @property
    def money_basis_text(self) -> str:
        """How the money at risk was worked out, in the active language (the stored English
        words for an alert stored without its figures)."""
        return money_basis_text(self.money_basis_parameters, self.money_basis)


class AlertStatistics(Alert):
    """The console's cross-merchant view of alerts: counts per pseudonymised merchant, never
    a merchant's name, SKUs or figures (planning.admin)."""

    class Meta:
        proxy = True
        verbose_name = "alert statistics"
        verbose_name_plural = "alert statistics"
