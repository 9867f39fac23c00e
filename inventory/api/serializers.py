"""Read serializers of the inventory API. Writes go through the ingestion service (by natural
key, codes for references), so these only describe what is returned."""

from decimal import Decimal

from django.utils.translation import gettext
from rest_framework import serializers

from inventory import calendar_dates
from inventory.ingest.resources import (
    CALENDAR_EVENTS,
    LOCATIONS,
    PROMOTIONS,
    PURCHASE_ORDER_LINES,
    PURCHASE_ORDERS,
    REFERENCES,
    SALES,
    SKUS,
    STOCK_LEVELS,
    SUPPLIER_ITEMS,
    SUPPLIERS,
    Resource,
)
from inventory.models import CalendarPreset, OrderLine, PurchaseOrder, PurchaseOrderLine

# A resource's fields are the columns its import and API writes take, named and ordered as they
# take them (`inventory.ingest.resources`; references by code), between its id and its stamps.
STAMPS = ["created_at", "updated_at"]


# A resource as it is read: each reference (``sku``, ``location``, ``supplier``) by its code, as
# writes take it, and null where the reference may be empty. (A comment, not a docstring: the
# API schema would give it to every serializer below as its description.)
class ResourceSerializer(serializers.ModelSerializer):
    def build_relational_field(self, field_name, relation_info):
        if field_name not in REFERENCES:
            return super().build_relational_field(field_name, relation_info)
        options = {"allow_null": True, "default": None} if relation_info.model_field.null else {}
        return serializers.CharField, {"source": f"{field_name}.code", **options}


def _resource_serializer(resource: Resource, *read_only: str) -> type[ResourceSerializer]:
    """The serializer of a resource that is read as it is written: its id, its columns, the
    ``read_only`` fields the store does not write, and its stamps. Named after the model, as
    the API schema names its objects."""
    fields = ["id", *resource.column_names, *read_only, *STAMPS]
    meta = type("Meta", (), {"model": resource.model, "fields": fields})
    if read_only:
        meta.read_only_fields = list(read_only)
    name = f"{resource.model.__name__}Serializer"
    return type(name, (ResourceSerializer,), {"Meta": meta, "__module__": __name__})


LocationSerializer = _resource_serializer(LOCATIONS)
SupplierSerializer = _resource_serializer(SUPPLIERS)
SKUSerializer = _resource_serializer(SKUS)
SupplierItemSerializer = _resource_serializer(SUPPLIER_ITEMS)
StockLevelSerializer = _resource_serializer(STOCK_LEVELS)
SalesDaySerializer = _resource_serializer(SALES)
PromotionSerializer = _resource_serializer(PROMOTIONS)
# source: manual, or the built-in calendar that wrote it (calendar-presets/)
CalendarEventSerializer = _resource_serializer(CALENDAR_EVENTS, "source")


class OrderLineSerializer(ResourceSerializer):
    """No customer field at all: the pseudonym stays inside Shelfcast."""

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "order_id",
            "line",
            "ordered_at",
            "date",
            "sku",
            "location",
            "quantity",
            "unit_price",
            "country",
            *STAMPS,
        ]


class CalendarPresetSerializer(serializers.ModelSerializer):
    """The built-in calendars of one location (``location`` null: every location). Read, and
    the body of a create, which replaces the location's choice (`inventory.calendars`)."""

    location = serializers.CharField(
        source="location.code", allow_null=True, default=None, max_length=64
    )
    country = serializers.CharField(max_length=2, allow_blank=True, default="")
    subdivision = serializers.CharField(max_length=16, allow_blank=True, default="")
    public_holidays = serializers.BooleanField(default=True)
    festivals = serializers.ListField(
        child=serializers.ChoiceField(choices=calendar_dates.FESTIVALS), default=list
    )
    prime_day_dates = serializers.ListField(
        child=serializers.ListField(child=serializers.DateField(), min_length=2, max_length=2),
        default=list,
        help_text="Prime Day spans as [first day, last day]; events only on these dates.",
    )

    class Meta:
        model = CalendarPreset
        fields = [
            "id",
            "location",
            "country",
            "subdivision",
            "public_holidays",
            "festivals",
            "prime_day_dates",
            *STAMPS,
        ]
        read_only_fields = ["id", *STAMPS]


class PurchaseOrderLineSerializer(ResourceSerializer):
    class Meta:
        model = PurchaseOrderLine
        fields = PURCHASE_ORDER_LINES.column_names


class PurchaseOrderSerializer(ResourceSerializer):
    lines = PurchaseOrderLineSerializer(many=True)
    total = serializers.SerializerMethodField(
        help_text="Quantity ordered times unit cost, over the lines that have a unit cost."
    )

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            *PURCHASE_ORDERS.column_names,
            "lines",
            "source",
            "currency",
            "total",
            "sent_at",
            "emailed_at",
            "email_error",
            "received_at",
            "cancelled_at",
            *STAMPS,
        ]
        read_only_fields = [
            "source", "currency", "sent_at", "emailed_at", "email_error", "received_at",
            "cancelled_at",
        ]  # fmt: skip

    def get_total(self, order: PurchaseOrder) -> str:
        # from the prefetched lines: no query per order; a decimal string as every amount
        total = sum((line.cost or Decimal("0") for line in order.lines.all()), Decimal("0"))
        return f"{total:.4f}"


class PurchaseOrderSendSerializer(serializers.Serializer):
    email = serializers.BooleanField(
        default=True,
        help_text="Email the order's PDF to the supplier (false: it was ordered another way).",
    )


class PurchaseOrderLineQuantitySerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="The code of the line's SKU.")
    quantity = serializers.DecimalField(
        max_digits=14, decimal_places=3, min_value=Decimal("0"), help_text="Units."
    )


class PurchaseOrderReceiveSerializer(serializers.Serializer):
    lines = PurchaseOrderLineQuantitySerializer(
        many=True,
        required=False,
        help_text="What arrived of each SKU; leave out to receive everything still open.",
    )

    def validate_lines(self, lines):
        codes = [line["sku"] for line in lines]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError(gettext("A SKU appears on two lines."))
        return lines


class PurchaseOrderCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IngestResultSerializer(serializers.Serializer):
    resource = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
