"""The list filters of the planning API, one FilterSet per resource (accounts/api/filters.py
says what the names mean). Each filters the view's merchant-scoped queryset only."""

from __future__ import annotations

import django_filters

from accounts.api.filters import (
    ActiveOnFilter,
    ListFilterSet,
    code_filter,
    instant_range,
    sku_and_location,
)
from core.workflow_events import EVENT_TYPES, TEST_EVENT
from planning.models import Alert, PromotionPlan, ReorderSuggestion, WebhookDelivery


def _choice(choices, what: str = "status") -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=choices, help_text=f"Only those of this {what}.")


class ReorderSuggestionFilterSet(ListFilterSet):
    status = _choice(ReorderSuggestion.Status.choices)
    sku, location = sku_and_location()
    supplier = code_filter("supplier__code", "supplier")

    class Meta:
        model = ReorderSuggestion
        fields = []


class AlertFilterSet(ListFilterSet):
    state = _choice(Alert.State.choices, "state")
    kind = _choice(Alert.Kind.choices, "kind")
    sku, location = sku_and_location()
    opened_from, opened_to = instant_range("opened_at", "opened")

    class Meta:
        model = Alert
        fields = []


class PromotionPlanFilterSet(ListFilterSet):
    status = _choice(PromotionPlan.Status.choices)
    sku, location = sku_and_location()
    active_on = ActiveOnFilter()

    class Meta:
        model = PromotionPlan
        fields = []


class WebhookDeliveryFilterSet(ListFilterSet):
    status = _choice(WebhookDelivery.Status.choices)
    endpoint = django_filters.NumberFilter(
        field_name="endpoint_id", help_text="Only those to the endpoint with this id."
    )
    event = django_filters.ChoiceFilter(
        choices=[(name, name) for name in (*EVENT_TYPES, TEST_EVENT)],
        help_text="Only those of this event type.",
    )

    class Meta:
        model = WebhookDelivery
        fields = []
