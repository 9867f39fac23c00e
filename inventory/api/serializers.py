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
    SALES,
    SKUS,
    STOCK_LEVELS,
    SUPPLIER_ITEMS,
    SUPPLIERS,
)
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

# A resource's fields are the columns its import and API writes take, named and ordered as they
# take them (`inventory.ingest.resources`; references by code), between its id and its stamps.
STAMPS = ["created_at", "updated_at"]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", *LOCATIONS.column_names, *STAMPS]


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", *SUPPLIERS.column_names, *STAMPS]


class SKUSerializer(serializers.ModelSerializer):
    class Meta:
        model = SKU
        fields = ["id", *SKUS.column_names, *STAMPS]


class SupplierItemSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code")
    sku = serializers.CharField(source="sku.code")

    class Meta:
        model = SupplierItem
        fields = ["id", *SUPPLIER_ITEMS.column_names, *STAMPS]


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")

    class Meta:
        model = StockLevel
        fields = ["id", *STOCK_LEVELS.column_names, *STAMPS]


class SalesDaySerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")

    class Meta:
        model = SalesDay
        fields = ["id", *SALES.column_names, *STAMPS]


class OrderLineSerializer(serializers.ModelSerializer):
    """No customer field at all: the pseudonym stays inside Shelfcast."""

    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")

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


class PromotionSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", allow_null=True, default=None)
    location = serializers.CharField(source="location.code", allow_null=True, default=None)

    class Meta:
        model = Promotion
        fields = ["id", *PROMOTIONS.column_names, *STAMPS]


class CalendarEventSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.code", allow_null=True, default=None)

    class Meta:
        model = CalendarEvent
        fields = ["id", *CALENDAR_EVENTS.column_names, "source", *STAMPS]
        # manual, or the built-in calendar that wrote it (calendar-presets/)
        read_only_fields = ["source"]


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


class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")

    class Meta:
        model = PurchaseOrderLine
        fields = PURCHASE_ORDER_LINES.column_names


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code")
    location = serializers.CharField(source="location.code")
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
