"""The inventory API: one viewset per resource. Reads filter and page with cursors; writes
(one object, or a batch at /bulk/) go through the ingestion service: upsert by natural key,
all or nothing, idempotent with an Idempotency-Key."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, filters, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.base import MerchantReadOnlyViewSet
from accounts.api.parsers import JSONParser
from inventory.api import serializers as s
from inventory.api.parsers import IngestCSVParser
from inventory.ingest.resources import RESOURCES
from inventory.ingest.service import ingest
from inventory.ingest.validation import validate
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

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="Only rows changed at or after this time."
)


# C0 controls and DEL: never part of a code, a date or a cursor. PostgreSQL refuses a NUL
# in a query outright (a server error), and CR/LF have no business in a filter.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _check_query_params(params) -> None:
    """Every query parameter of a read, whatever uses it (filters, ordering, cursor): a 400
    naming the parameter if it carries a control character."""
    for name, values in params.lists():
        if CONTROL_CHARACTERS.search(name):
            raise exceptions.ValidationError(
                {"query": "A parameter name contains a control character."}
            )
        if any(CONTROL_CHARACTERS.search(value) for value in values):
            raise exceptions.ValidationError({name: "must not contain control characters"})


def _parse_param(name: str, raw: str, kind: str) -> Any:
    invalid = exceptions.ValidationError({name: f"'{raw}' is not a valid {kind}"})
    try:
        value = {"date": parse_date, "datetime": parse_datetime}.get(kind, str)(raw)
        if isinstance(value, dt.datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            value.astimezone(dt.UTC)  # what the database compares with: year 1 at +05:00 has none
    except (ValueError, OverflowError) as error:  # 2024-02-30, an offset past 24 hours
        raise invalid from error
    if value is None:
        raise invalid
    return value


STORE_BUSY = OpenApiResponse(
    description="An import of the store is running; nothing was written. Send the same "
    "request again (same Idempotency-Key) after the Retry-After header's seconds."
)


class ResourceViewSet(MerchantReadOnlyViewSet):
    resource_name: str = ""
    #: query parameter -> (lookup, kind) with kind in text|date|datetime
    filter_params: dict[str, tuple[str, str]] = {}
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["id", "updated_at"]
    ordering = "id"
    # CSV bodies are read with the ingestion's limits (inventory/api/parsers.py).
    parser_classes = [JSONParser, IngestCSVParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        _check_query_params(params)
        lookups = {"updated_since": ("updated_at__gte", "datetime"), **self.filter_params}
        for name, (lookup, kind) in lookups.items():
            raw = params.get(name)
            if raw:
                queryset = queryset.filter(**{lookup: _parse_param(name, raw, kind)})
        return queryset

    def _rows(self, data: Any) -> Any:
        if isinstance(data, dict) and set(data) == {"rows"}:
            return data["rows"]
        return data

    @extend_schema(
        summary="Create or update one object by its natural key",
        responses={
            200: OpenApiResponse(description="updated"),
            400: s.IngestErrorSerializer,
            503: STORE_BUSY,
        },
    )
    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError("Send one object; use /bulk/ for many.")
        result = ingest(
            merchant=self.merchant, resource_name=self.resource_name, rows=[request.data]
        )
        answer_status = status.HTTP_201_CREATED if result.counts.created else status.HTTP_200_OK
        stored = self._find(request.data)
        if stored is None:
            return Response(result.as_dict(), status=answer_status)
        return Response(self.get_serializer(stored).data, status=answer_status)

    def _find(self, data: dict):
        resource = RESOURCES.get(self.resource_name)
        if resource is None:
            return None
        validated = validate(resource, self.merchant, [data])
        if validated.error_count or not validated.rows:
            return None
        row = validated.rows[0]
        return self.get_queryset().filter(**{key: row[key] for key in resource.key}).first()

    @extend_schema(
        summary="Create or update many objects by natural key (all or nothing)",
        request={
            "application/json": {"type": "array", "items": {"type": "object"}},
            "text/csv": {"type": "string"},
        },
        responses={
            200: s.IngestResultSerializer,
            400: s.IngestErrorSerializer,
            413: None,
            503: STORE_BUSY,
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request, *args, **kwargs):
        result = ingest(
            merchant=self.merchant,
            resource_name=self.resource_name,
            rows=self._rows(request.data),
        )
        return Response(result.as_dict(), status=status.HTTP_200_OK)


CODE = {"code": ("code", "text")}
BY_SKU = {"sku": ("sku__code", "text"), "location": ("location__code", "text")}


@extend_schema(parameters=[UPDATED_SINCE])
class SKUViewSet(ResourceViewSet):
    resource_name = "skus"
    queryset = SKU.objects.all()
    serializer_class = s.SKUSerializer
    filter_params = {**CODE, "category": ("category", "text")}


@extend_schema(parameters=[UPDATED_SINCE])
class LocationViewSet(ResourceViewSet):
    resource_name = "locations"
    queryset = Location.objects.all()
    serializer_class = s.LocationSerializer
    filter_params = CODE


@extend_schema(parameters=[UPDATED_SINCE])
class SupplierViewSet(ResourceViewSet):
    resource_name = "suppliers"
    queryset = Supplier.objects.all()
    serializer_class = s.SupplierSerializer
    filter_params = CODE


@extend_schema(parameters=[UPDATED_SINCE])
class SupplierItemViewSet(ResourceViewSet):
    resource_name = "supplier-items"
    queryset = SupplierItem.objects.select_related("supplier", "sku")
    serializer_class = s.SupplierItemSerializer
    filter_params = {"sku": ("sku__code", "text"), "supplier": ("supplier__code", "text")}


@extend_schema(parameters=[UPDATED_SINCE])
class StockLevelViewSet(ResourceViewSet):
    resource_name = "stock-levels"
    queryset = StockLevel.objects.select_related("sku", "location")
    serializer_class = s.StockLevelSerializer
    filter_params = {
        **BY_SKU,
        "as_of_from": ("as_of__gte", "datetime"),
        "as_of_to": ("as_of__lte", "datetime"),
    }


@extend_schema(parameters=[UPDATED_SINCE])
class SalesDayViewSet(ResourceViewSet):
    resource_name = "sales"
    queryset = SalesDay.objects.select_related("sku", "location")
    serializer_class = s.SalesDaySerializer
    filter_params = {**BY_SKU, "date_from": ("date__gte", "date"), "date_to": ("date__lte", "date")}


@extend_schema(parameters=[UPDATED_SINCE])
class OrderLineViewSet(ResourceViewSet):
    resource_name = "order-lines"
    queryset = OrderLine.objects.select_related("sku", "location")
    serializer_class = s.OrderLineSerializer
    filter_params = {
        **BY_SKU,
        "order_id": ("order_id", "text"),
        "date_from": ("date__gte", "date"),
        "date_to": ("date__lte", "date"),
    }


@extend_schema(parameters=[UPDATED_SINCE])
class PromotionViewSet(ResourceViewSet):
    resource_name = "promotions"
    queryset = Promotion.objects.select_related("sku", "location")
    serializer_class = s.PromotionSerializer
    filter_params = {
        **CODE,
        "sku": ("sku__code", "text"),
        "active_on": ("start_date__lte", "date"),
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        active_on = self.request.query_params.get("active_on")
        if active_on:
            queryset = queryset.filter(end_date__gte=_parse_param("active_on", active_on, "date"))
        return queryset


@extend_schema(parameters=[UPDATED_SINCE])
class CalendarEventViewSet(ResourceViewSet):
    resource_name = "calendar-events"
    queryset = CalendarEvent.objects.select_related("location")
    serializer_class = s.CalendarEventSerializer
    filter_params = {**CODE, "active_on": ("start_date__lte", "date")}

    def get_queryset(self):
        queryset = super().get_queryset()
        active_on = self.request.query_params.get("active_on")
        if active_on:
            queryset = queryset.filter(end_date__gte=_parse_param("active_on", active_on, "date"))
        return queryset


@extend_schema(parameters=[UPDATED_SINCE])
class PurchaseOrderViewSet(ResourceViewSet):
    resource_name = "purchase-orders"
    queryset = PurchaseOrder.objects.select_related("supplier", "location").prefetch_related(
        "lines__sku"
    )
    serializer_class = s.PurchaseOrderSerializer
    filter_params = {
        "number": ("number", "text"),
        "status": ("status", "text"),
        "supplier": ("supplier__code", "text"),
    }
