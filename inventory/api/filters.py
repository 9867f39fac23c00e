"""The list filters of the inventory API, one FilterSet per resource (accounts/api/filters.py
says what the names mean). Each filters the view's merchant-scoped queryset only."""

from __future__ import annotations

import django_filters

from accounts.api.filters import (
    ActiveOnFilter,
    ListFilterSet,
    code_filter,
    date_range,
    instant_range,
    sku_and_location,
)
from inventory.models import (
    SKU,
    CalendarEvent,
    Location,
    OrderLine,
    Promotion,
    PurchaseOrder,
    SalesDay,
    StockLevel,
    Supplier,
    SupplierItem,
)

CODE_HELP = "Only the one with this code."


def _code() -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name="code", help_text=CODE_HELP)


class _SKUAtLocationFilterSet(ListFilterSet):
    """The lists of what one SKU does at one location: filtered by either code."""

    sku, location = sku_and_location()


class SKUFilterSet(ListFilterSet):
    code = _code()
    category = django_filters.CharFilter(help_text="Only those of this category.")

    class Meta:
        model = SKU
        fields = []


class LocationFilterSet(ListFilterSet):
    code = _code()

    class Meta:
        model = Location
        fields = []


class SupplierFilterSet(ListFilterSet):
    code = _code()

    class Meta:
        model = Supplier
        fields = []


class SupplierItemFilterSet(ListFilterSet):
    sku = code_filter("sku__code", "SKU")
    supplier = code_filter("supplier__code", "supplier")

    class Meta:
        model = SupplierItem
        fields = []


class StockLevelFilterSet(_SKUAtLocationFilterSet):
    as_of_from, as_of_to = instant_range("as_of", "counted")

    class Meta:
        model = StockLevel
        fields = []


class SalesDayFilterSet(_SKUAtLocationFilterSet):
    date_from, date_to = date_range("date", "sold")

    class Meta:
        model = SalesDay
        fields = []


class OrderLineFilterSet(_SKUAtLocationFilterSet):
    order_id = django_filters.CharFilter(help_text="Only the lines of this order.")
    date_from, date_to = date_range("date", "ordered")

    class Meta:
        model = OrderLine
        fields = []


class PromotionFilterSet(_SKUAtLocationFilterSet):
    code = _code()
    active_on = ActiveOnFilter()

    class Meta:
        model = Promotion
        fields = []


class CalendarEventFilterSet(ListFilterSet):
    code = _code()
    location = code_filter("location__code", "location")
    active_on = ActiveOnFilter()

    class Meta:
        model = CalendarEvent
        fields = []


class PurchaseOrderFilterSet(ListFilterSet):
    number = django_filters.CharFilter(help_text="Only the order with this number.")
    status = django_filters.ChoiceFilter(
        choices=PurchaseOrder.Status.choices, help_text="Only those in this status."
    )
    supplier = code_filter("supplier__code", "supplier")
    location = code_filter("location__code", "location")
    order_date_from, order_date_to = date_range("order_date", "ordered")

    class Meta:
        model = PurchaseOrder
        fields = []
