"""The inventory API: one viewset per resource. Reads filter (each resource's FilterSet,
inventory/api/filters.py) and page with cursors; writes
(one object, or a batch at /bulk/) go through the ingestion service: upsert by natural key,
all or nothing, idempotent with an Idempotency-Key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.api.base import MerchantReadOnlyViewSet, caller
from accounts.api.parsers import JSONParser
from inventory import calendars, services
from inventory.api import filters as f
from inventory.api import serializers as s
from inventory.api.parsers import IngestCSVParser
from inventory.ingest.resources import RESOURCES
from inventory.ingest.service import ingest
from inventory.ingest.validation import validate
from inventory.models import (
    SKU,
    CalendarEvent,
    CalendarPreset,
    Location,
    OrderLine,
    Promotion,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesDay,
    StockLevel,
    Supplier,
    SupplierItem,
)

STORE_BUSY = OpenApiResponse(
    description="An import of the store is running; nothing was written. Send the same "
    "request again (same Idempotency-Key) after the Retry-After header's seconds."
)


INVALID_BATCH = OpenApiResponse(
    description="Nothing was written: every invalid row and field is listed in `errors`, "
    "each with its `row` (0-based) and `value`.",
)


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


class ResourceViewSet(MerchantReadOnlyViewSet):
    resource_name: str = ""
    # What a create answers, documented for each subclass: the object as stored
    # (``serializer_class`` unless this says otherwise), 201 when created, 200 when updated.
    stored_serializer = None
    ordering = "id"
    parser_classes = [JSONParser]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        stored = cls.stored_serializer or cls.serializer_class
        extend_schema_view(create=_create_schema(stored))(cls)

    def _rows(self, data: Any) -> Any:
        if isinstance(data, dict) and set(data) == {"rows"}:
            return data["rows"]
        return data

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


class SKUViewSet(ResourceViewSet):
    resource_name = "skus"
    queryset = SKU.objects.all()
    serializer_class = s.SKUSerializer
    filterset_class = f.SKUFilterSet


class LocationViewSet(ResourceViewSet):
    resource_name = "locations"
    queryset = Location.objects.all()
    serializer_class = s.LocationSerializer
    filterset_class = f.LocationFilterSet


class SupplierViewSet(ResourceViewSet):
    resource_name = "suppliers"
    queryset = Supplier.objects.all()
    serializer_class = s.SupplierSerializer
    filterset_class = f.SupplierFilterSet


class SupplierItemViewSet(ResourceViewSet):
    resource_name = "supplier-items"
    queryset = SupplierItem.objects.select_related("supplier", "sku")
    serializer_class = s.SupplierItemSerializer
    filterset_class = f.SupplierItemFilterSet


class StockLevelViewSet(ResourceViewSet):
    resource_name = "stock-levels"
    queryset = StockLevel.objects.select_related("sku", "location")
    serializer_class = s.StockLevelSerializer
    filterset_class = f.StockLevelFilterSet


class SalesDayViewSet(ResourceViewSet):
    resource_name = "sales"
    queryset = SalesDay.objects.select_related("sku", "location")
    serializer_class = s.SalesDaySerializer
    filterset_class = f.SalesDayFilterSet


# Order lines have an ingestion of their own (customers pseudonymised, daily sales built), not
# a `RESOURCES` entry to find the stored line by: the create answers with the batch's counts.
class OrderLineViewSet(ResourceViewSet):
    resource_name = "order-lines"
    stored_serializer = s.IngestResultSerializer
    queryset = OrderLine.objects.select_related("sku", "location")
    serializer_class = s.OrderLineSerializer
    filterset_class = f.OrderLineFilterSet


class PromotionViewSet(ResourceViewSet):
    resource_name = "promotions"
    queryset = Promotion.objects.select_related("sku", "location")
    serializer_class = s.PromotionSerializer
    filterset_class = f.PromotionFilterSet


class CalendarEventViewSet(ResourceViewSet):
    resource_name = "calendar-events"
    queryset = CalendarEvent.objects.select_related("location")
    serializer_class = s.CalendarEventSerializer
    filterset_class = f.CalendarEventFilterSet


@extend_schema_view(
    create=extend_schema(
        summary="Switch on built-in calendars for one location, or for every location",
        description="Replaces that location's choice (by `location` code; null for every "
        "location) and writes its days as calendar events at once; a calendar left out "
        "loses the events it wrote. Events entered by hand are never touched.",
        responses={
            200: OpenApiResponse(s.CalendarPresetSerializer, description="Updated."),
            201: OpenApiResponse(s.CalendarPresetSerializer, description="Created."),
            400: OpenApiResponse(description="Unknown location, country, region or festival."),
        },
    ),
    destroy=extend_schema(
        summary="Switch off a location's built-in calendars and remove the events they wrote",
        responses={204: None},
    ),
)
class CalendarPresetViewSet(MerchantReadOnlyViewSet):
    """Built-in calendars (public holidays, shopping festivals) per location. Writes go
    through `inventory.calendars`, which also writes and removes the generated events."""

    queryset = CalendarPreset.objects.select_related("location")
    serializer_class = s.CalendarPresetSerializer
    parser_classes = [JSONParser]
    ordering = "id"

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        code = (data.get("location") or {}).get("code")
        location = None
        if code is not None:
            location = Location.objects.for_merchant(self.merchant).filter(code=code).first()
            if location is None:
                raise exceptions.ValidationError(
                    {"location": [gettext("Unknown location “%(code)s”.") % {"code": code}]}
                )
        existed = CalendarPreset.objects.for_merchant(self.merchant).filter(location=location)
        answer_status = status.HTTP_200_OK if existed.exists() else status.HTTP_201_CREATED
        try:
            preset = calendars.calendar_preset_save(
                merchant=self.merchant,
                location=location,
                actor=request.user,
                **calendars.preset_settings(data),
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from error
        return Response(self.get_serializer(preset).data, status=answer_status)

    def destroy(self, request, *args, **kwargs):
        preset = self.get_object()
        calendars.calendar_preset_delete(merchant=self.merchant, preset=preset, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PurchaseOrderViewSet(ResourceViewSet):
    """Purchase orders: the ERP's open ones (written by number, as every resource), and the
    drafts made from approved reorder suggestions. Their steps (send, receive, cancel, a
    draft's quantities) need the plan permission and are audited as the caller."""

    resource_name = "purchase-orders"
    queryset = PurchaseOrder.objects.select_related("supplier", "location").prefetch_related(
        "lines__sku"
    )
    serializer_class = s.PurchaseOrderSerializer
    filterset_class = f.PurchaseOrderFilterSet

    def _step(self, request, step, **arguments) -> Response:
        order = self.get_object()  # another merchant's or a missing order: 404 before anything
        try:
            step(merchant=self.merchant, pk=order.pk, **caller(request), **arguments)
        except PurchaseOrder.DoesNotExist as error:
            raise Http404(gettext("No such purchase order.")) from error
        return Response(self.get_serializer(self.get_object()).data)

    def _line_ids(self, order_pk: int, lines: list[dict]) -> dict[int, Any]:
        """The order's line id of each SKU code given, with its quantity."""
        ids = dict(
            PurchaseOrderLine.objects.for_merchant(self.merchant)
            .filter(purchase_order_id=order_pk, sku__code__in=[line["sku"] for line in lines])
            .values_list("sku__code", "pk")
        )
        unknown = sorted({line["sku"] for line in lines} - set(ids))
        if unknown:
            raise exceptions.ValidationError(
                {"lines": [f"Not on this order: {', '.join(unknown)}."]}
            )
        return {ids[line["sku"]]: line["quantity"] for line in lines}

    @extend_schema(request=s.PurchaseOrderSendSerializer, responses=s.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, *args, **kwargs):
        """Send a draft: emailed to the supplier with its PDF once committed (never twice),
        unless ``email`` is false."""
        body = s.PurchaseOrderSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(request, services.purchase_order_send, email=body.validated_data["email"])

    @extend_schema(request=s.PurchaseOrderReceiveSerializer, responses=s.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, *args, **kwargs):
        """Receive what arrived (per SKU, or everything still open): stock at the order's
        location grows by it, and only what is still to come stays on order. More than a line
        still expects is refused."""
        order = self.get_object()
        body = s.PurchaseOrderReceiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = body.validated_data.get("lines")
        quantities = None if lines is None else self._line_ids(order.pk, lines)
        return self._step(request, services.purchase_order_receive, quantities=quantities)

    @extend_schema(request=s.PurchaseOrderCancelSerializer, responses=s.PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Cancel a draft or a sent order."""
        body = s.PurchaseOrderCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(
            request, services.purchase_order_cancel, reason=body.validated_data["reason"]
        )

    @extend_schema(
        request=s.PurchaseOrderLineQuantitySerializer, responses=s.PurchaseOrderSerializer
    )
    @action(detail=True, methods=["post"], url_path="set-quantity")
    def set_quantity(self, request, *args, **kwargs):
        """Change what a draft orders of one SKU: rounded up to the supplier's packs and at
        least its MOQ; 0 removes the line."""
        order = self.get_object()
        body = s.PurchaseOrderLineQuantitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ((line_pk, quantity),) = self._line_ids(order.pk, [body.validated_data]).items()
        return self._step(
            request,
            services.purchase_order_line_quantity_set,
            line_pk=line_pk,
            quantity=quantity,
        )
