"""Decisions: reorder suggestions made from a forecast run, the merchant's planning settings,
and the audit of every decision taken on them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantOwned
from accounts.workflow_events import EVENT_TYPES
from forecasting.models import RunFields
from inventory.models import MONEY, QUANTITY

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
            ("", "Within limits"),
            ("capped_at_overstock", "Cut back to the overstock limit"),
            ("moq_forces_overstock", "The MOQ forces cover past the overstock limit"),
            ("pack_forces_overstock", "One pack forces cover past the overstock limit"),
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
    daily_demand = models.DecimalField(
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Mean daily demand after the lead time (days of cover divide by it).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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
    supplier = models.ForeignKey(
        "inventory.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="The SKU's supplier when the alert was last found: alerts of one supplier "
        "share a cause (its lead time, a late order).",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who last acknowledged, snoozed or resolved it.",
    )
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
        ]

    def __str__(self) -> str:
        subject = f"{self.sku_id}@{self.location_id}" if self.sku_id else "merchant"
        return f"{self.get_kind_display()}: {subject} ({self.state})"


def every_event_type() -> list[str]:
    """What a new webhook endpoint subscribes to: every event of the workflow."""
    return list(EVENT_TYPES)


class WebhookEndpoint(TenantOwned):
    """A URL of the merchant's that receives the workflow's events as JSON, signed with
    HMAC-SHA256 of the body under the endpoint's secret (header ``Shelfcast-Signature``)."""

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(default=True)
    event_types = models.JSONField(
        default=every_event_type,
        blank=True,
        help_text="The event types it receives (accounts.workflow_events.EVENT_TYPES).",
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["merchant", "url"], name="webhook_url_once")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(TenantOwned):
    """One event for one endpoint, tried until it is delivered or its attempts run out. The
    event id is sent with it, so a receiver can drop a delivery it already has."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Each attempt changes the delivery: an API client follows them with `updated_since`.
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "endpoint", "event_id"], name="webhook_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint_id} ({self.status})"


class AlertStatistics(Alert):
    """The console's cross-merchant view of alerts: counts per pseudonymised merchant, never
    a merchant's name, SKUs or figures (planning.admin)."""

    class Meta:
        proxy = True
        verbose_name = "alert statistics"
        verbose_name_plural = "alert statistics"


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
    uplift = models.DecimalField(
        max_digits=8, decimal_places=3, help_text="Demand multiplier during the promotion."
    )
    elasticity = models.DecimalField(max_digits=6, decimal_places=3)
    estimate_source = models.CharField(
        max_length=16, help_text="Whose history the uplift comes from: sku, category, store."
    )
    evidence_days = models.PositiveIntegerField(default=0)
    model_uplift = models.DecimalField(
        max_digits=8,
        decimal_places=3,
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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
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


class PolicyReplay(RunFields, TenantOwned):
    """A replay of the store's recent history under our ordering policy, the same policy with
    seasonal-naive forecasts and an ERP's min/max (`planning.replay`): the proof, on the
    store's own data, of what the suggestions would have done."""

    days = models.PositiveSmallIntegerField(default=84, help_text="Days replayed.")
    warm_up_days = models.PositiveSmallIntegerField(default=28)
    review_days = models.PositiveSmallIntegerField(default=7)
    series_count = models.PositiveIntegerField(default=0)
    reviews_done = models.PositiveSmallIntegerField(default=0)
    reviews_total = models.PositiveSmallIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True, help_text="Policy -> its outcome.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Policy replay {self.pk} ({self.status})"


class ServiceHealth(PolicyReplay):
    """The console's cross-merchant health page (queues, jobs, merchants pseudonymised); a
    proxy only so that the page has its place in the console (planning.admin)."""

    class Meta:
        proxy = True
        verbose_name = "service health"
        verbose_name_plural = "service health"
