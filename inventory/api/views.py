"""The inventory API: one viewset per resource. Reads filter and page with cursors; writes
(one object, or a batch at /bulk/) go through the ingestion service: upsert by natural key,
all or nothing, idempotent with an Idempotency-Key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, filters, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

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

UPDATED_SINCE = {"updated_since": ("updated_at__gte", "datetime")}


def _parse_param(name: str, raw: str, kind: str) -> Any:
    invalid = exceptions.ValidationError({name: f"'{raw}' is not a valid {kind}"})
    try:
        value = {"date": parse_date, "datetime": parse_datetime}.get(kind, str)(raw)
        if isinstance(value, dt.datetime):
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            # Compared in UTC, as the database stores it: PostgreSQL refuses an offset past
            # 15:59 that Python reads (up to 23:59), and year 1 at +05:00 has no UTC at all.
            value = value.astimezone(dt.UTC)
    except (ValueError, OverflowError) as error:  # 2024-02-30, an offset past 24 hours
        raise invalid from error
    if value is None:
        raise invalid
    return value


STORE_BUSY = OpenApiResponse(
    description="An import of the store is running; nothing was written. Send the same "
    "request again (same Idempotency-Key) after the Retry-After header's seconds."
)


INVALID_BATCH = OpenApiResponse(
    s.IngestErrorSerializer,
    description="Nothing was written: every invalid row and field is listed in `errors`.",
)


class ResourceViewSet(MerchantReadOnlyViewSet):
    resource_name: str = ""
    #: query parameter -> (lookup, kind) with kind in text|date|datetime
    filter_params: dict[str, tuple[str, str]] = {}
    #: query parameter -> its description in the schema, where the lookup does not say it all
    filter_descriptions: dict[str, str] = {}
    filter_backends = [filters.OrderingFilter]
    ordering_fields = ["id", "updated_at"]
    ordering = "id"
    parser_classes = [JSONParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        params = self.request.query_params
        lookups = {**UPDATED_SINCE, **self.filter_params}
        for name, (lookup, kind) in lookups.items():
            raw = params.get(name)
            if raw:
                queryset = queryset.filter(**{lookup: _parse_param(name, raw, kind)})
        return queryset

    def _rows(self, data: Any) -> Any:
        if isinstance(data, dict) and set(data) == {"rows"}:
            return data["rows"]
        return data

    # Documented per resource (`resource_schema`): the answer is the resource's own object.
    def create(self, request, *args, **kwargs):
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: ["Send one object; use /bulk/ for many."]}
            )
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
            400: INVALID_BATCH,
            503: STORE_BUSY,
        },
    )
    # CSV bodies are read with the ingestion's limits (inventory/api/parsers.py).
    @action(detail=False, methods=["post"], parser_classes=[JSONParser, IngestCSVParser])
    def bulk(self, request, *args, **kwargs):
        result = ingest(
            merchant=self.merchant,
            resource_name=self.resource_name,
            rows=self._rows(request.data),
        )
        return Response(result.as_dict(), status=status.HTTP_200_OK)


PARAMETER_TYPES = {"text": str, "date": OpenApiTypes.DATE, "datetime": OpenApiTypes.DATETIME}
COMPARISONS = {"gte": "at or after", "lte": "at or before"}


def _filter_parameter(viewset, name: str, lookup: str, kind: str) -> OpenApiParameter:
    field, _, comparison = lookup.rpartition("__")
    if comparison not in COMPARISONS:
        field, comparison = lookup, ""
    description = viewset.filter_descriptions.get(name) or (
        f"Only rows whose `{field.replace('__', '.')}` is "
        f"{COMPARISONS.get(comparison, 'exactly')} this."
    )
    return OpenApiParameter(name, PARAMETER_TYPES[kind], description=description)


def resource_schema(stored):
    """Documents a resource's viewset: its list's filters (from `filter_params`, so what is
    documented is what filters), and what its create answers: ``stored`` (the object as
    stored), 201 when it was created, 200 when updated."""

    def document(viewset):
        filters = {**UPDATED_SINCE, **viewset.filter_params}
        parameters = [
            _filter_parameter(viewset, name, lookup, kind)
            for name, (lookup, kind) in filters.items()
        ]
        return extend_schema_view(
            list=extend_schema(parameters=parameters), create=_create_schema(stored)
        )(viewset)

    return document


def _create_schema(stored):
    return extend_schema(
        summary="Create or update one object by its natural key",
        responses={
            200: OpenApiResponse(stored, description="Updated (or unchanged)."),
            201: OpenApiResponse(stored, description="Created."),
            400: INVALID_BATCH,
            503: STORE_BUSY,
        },
    )


CODE = {"code": ("code", "text")}
# `start_date` on or before the day here, `end_date` on or after it in get_queryset.
ACTIVE_ON = "Only those running on this date (started on or before it, ending on or after it)."
BY_SKU = {"sku": ("sku__code", "text"), "location": ("location__code", "text")}


@resource_schema(s.SKUSerializer)
class SKUViewSet(ResourceViewSet):
    resource_name = "skus"
    queryset = SKU.objects.all()
    serializer_class = s.SKUSerializer
    filter_params = {**CODE, "category": ("category", "text")}


@resource_schema(s.LocationSerializer)
class LocationViewSet(ResourceViewSet):
    resource_name = "locations"
    queryset = Location.objects.all()
    serializer_class = s.LocationSerializer
    filter_params = CODE


@resource_schema(s.SupplierSerializer)
class SupplierViewSet(ResourceViewSet):
    resource_name = "suppliers"
    queryset = Supplier.objects.all()
    serializer_class = s.SupplierSerializer
    filter_params = CODE


@resource_schema(s.SupplierItemSerializer)
class SupplierItemViewSet(ResourceViewSet):
    resource_name = "supplier-items"
    queryset = SupplierItem.objects.select_related("supplier", "sku")
    serializer_class = s.SupplierItemSerializer
    filter_params = {"sku": ("sku__code", "text"), "supplier": ("supplier__code", "text")}


@resource_schema(s.StockLevelSerializer)
class StockLevelViewSet(ResourceViewSet):
    resource_name = "stock-levels"
    queryset = StockLevel.objects.select_related("sku", "location")
    serializer_class = s.StockLevelSerializer
    filter_params = {
        **BY_SKU,
        "as_of_from": ("as_of__gte", "datetime"),
        "as_of_to": ("as_of__lte", "datetime"),
    }


@resource_schema(s.SalesDaySerializer)
class SalesDayViewSet(ResourceViewSet):
    resource_name = "sales"
    queryset = SalesDay.objects.select_related("sku", "location")
    serializer_class = s.SalesDaySerializer
    filter_params = {**BY_SKU, "date_from": ("date__gte", "date"), "date_to": ("date__lte", "date")}


# Order lines have an ingestion of their own (customers pseudonymised, daily sales built), not
# a `RESOURCES` entry to find the stored line by: the create answers with the batch's counts.
@resource_schema(s.IngestResultSerializer)
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


@resource_schema(s.PromotionSerializer)
class PromotionViewSet(ResourceViewSet):
    resource_name = "promotions"
    queryset = Promotion.objects.select_related("sku", "location")
    serializer_class = s.PromotionSerializer
    filter_params = {
        **CODE,
        "sku": ("sku__code", "text"),
        "active_on": ("start_date__lte", "date"),
    }
    filter_descriptions = {"active_on": ACTIVE_ON}

    def get_queryset(self):
        queryset = super().get_queryset()
        active_on = self.request.query_params.get("active_on")
        if active_on:
            queryset = queryset.filter(end_date__gte=_parse_param("active_on", active_on, "date"))
        return queryset


@resource_schema(s.CalendarEventSerializer)
class CalendarEventViewSet(ResourceViewSet):
    resource_name = "calendar-events"
    queryset = CalendarEvent.objects.select_related("location")
    serializer_class = s.CalendarEventSerializer
    filter_params = {**CODE, "active_on": ("start_date__lte", "date")}
    filter_descriptions = {"active_on": ACTIVE_ON}

    def get_queryset(self):
        queryset = super().get_queryset()
        active_on = self.request.query_params.get("active_on")
        if active_on:
            queryset = queryset.filter(end_date__gte=_parse_param("active_on", active_on, "date"))
        return queryset


@resource_schema(s.PurchaseOrderSerializer)
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
