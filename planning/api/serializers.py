from __future__ import annotations

from rest_framework import serializers

from core.workflow_events import EVENT_TYPES
from planning.models import (
    Alert,
    PlanningSettings,
    PromotionPlan,
    ReorderSuggestion,
    WebhookDelivery,
    WebhookEndpoint,
)


class ReorderSuggestionSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")
    supplier = serializers.CharField(source="supplier.code", allow_null=True, default=None)
    cost = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True)

    class Meta:
        model = ReorderSuggestion
        fields = [
            "id", "forecast_run", "sku", "location", "supplier", "status", "service_class",
            "target_fill_rate", "on_hand", "on_order", "committed", "lead_time_days",
            "lead_demand", "cycle_demand", "safety_stock", "reorder_point", "order_up_to",
            "needed", "pack_size", "moq", "suggested_quantity", "quantity", "unit_cost", "cost",
            "expected_fill_rate", "shortfall_scale", "days_of_cover", "value", "cut_by_budget",
            "limit", "reason",
            "deferred_until", "decided_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class QuantitySerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class IdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=5000)


class DecisionSerializer(IdsSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DeferSerializer(IdsSerializer):
    until = serializers.DateField(
        allow_null=True,
        help_text="The day the lines come back (after the store's today); null brings "
        "deferred lines back now.",
    )


class DeferralSerializer(serializers.Serializer):
    deferred = serializers.IntegerField(
        help_text="How many proposed suggestions were deferred (or brought back)."
    )


class ApprovalSerializer(serializers.Serializer):
    approved = serializers.IntegerField(help_text="How many proposed suggestions were approved.")
    purchase_orders = serializers.ListField(
        child=serializers.CharField(),
        help_text="The numbers of the draft purchase orders the approved lines went on.",
    )


class AlertSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", allow_null=True, default=None)
    location = serializers.CharField(source="location.code", allow_null=True, default=None)
    title = serializers.CharField(source="get_kind_display", read_only=True)
    supplier = serializers.CharField(source="supplier.code", allow_null=True, default=None)
    # In the caller's language (Accept-Language).
    money_basis = serializers.CharField(
        source="money_basis_text", read_only=True, help_text="How the money at risk was worked out."
    )

    class Meta:
        model = Alert
        fields = [
            "id", "kind", "title", "sku", "location", "supplier", "state", "snoozed_until",
            "money_at_risk", "money_basis", "details", "forecast_run", "opened_at",
            "updated_at", "handled_at", "resolved_at",
        ]  # fmt: skip
        read_only_fields = fields


class AlertSnoozeSerializer(IdsSerializer):
    until = serializers.DateField()


class WebhookEndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENT_TYPES)),
        required=False,
        help_text="The event types it receives (every type when left out of a create). "
        "Test events (`webhook.test`) reach it whatever it subscribes to.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "description", "is_active", "event_types", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_event_types(self, value: list[str]) -> list[str]:
        return [event_type for event_type in EVENT_TYPES if event_type in set(value)]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The answer to a create: the only time the signing secret is shown."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "endpoint", "event", "event_id", "status", "attempts", "response_code",
            "last_error", "next_attempt_at", "created_at", "updated_at", "delivered_at",
        ]  # fmt: skip
        read_only_fields = fields


class PromotionPlanSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")

    class Meta:
        model = PromotionPlan
        fields = [
            "id", "forecast_run", "sku", "location", "status", "start_date", "end_date",
            "target_date", "discount_percent", "on_hand", "keep", "uplift", "uplift_low",
            "uplift_high", "elasticity", "estimate_source", "evidence_days", "model_uplift",
            "expected_units",
            "expected_revenue", "expected_margin", "expected_stock_left", "baseline_units",
            "baseline_revenue", "baseline_margin", "baseline_stock_left", "clears_excess",
            "promotion", "decided_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PlanningSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanningSettings
        fields = [
            "service_policy", "minimum_fill_rate", "service_levels", "default_lead_time_days",
            "default_lead_time_std_days", "budget",
            "supplier_budgets", "overstock_days", "stale_days", "alert_minimum_value",
            "digest_enabled", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at"]
