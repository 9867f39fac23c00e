"""The list filters of the forecasting API (accounts/api/filters.py says what the names mean).
Each filters the view's merchant-scoped queryset only."""

from __future__ import annotations

import django_filters
from django import forms

from accounts.api.filters import (
    ActiveOnFilter,
    InstantFilter,
    ListFilterSet,
    sku_and_location,
)
from forecasting.models import ForecastOverride, ForecastRun, SeriesForecast


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number (the schema says integer, read from the model field)."""

    field_class = forms.IntegerField


class ForecastFilterSet(ListFilterSet):
    sku, location = sku_and_location()
    run = IdFilter(field_name="run__id", help_text="Only those of this forecast run (its id).")

    class Meta:
        model = SeriesForecast
        fields = []


class ForecastRunFilterSet(ListFilterSet):
    # A run is written once, when it finishes; its `accuracy` follows within minutes.
    updated_since = InstantFilter(
        field_name="finished_at",
        lookup_expr="gte",
        help_text=(
            "Only those finished at or after this moment (ISO 8601; without an offset, UTC): "
            "pass the time of your last sync to fetch the runs made since."
        ),
    )

    class Meta:
        model = ForecastRun
        fields = []


class ForecastOverrideFilterSet(ListFilterSet):
    sku, location = sku_and_location()
    kind = django_filters.ChoiceFilter(
        choices=ForecastOverride.Kind.choices, help_text="Only those of this kind."
    )
    active_on = ActiveOnFilter(
        help_text="Only those whose days include this date (starting on or before it, ending "
        "on or after it)."
    )

    class Meta:
        model = ForecastOverride
        fields = []
