"""Read serializers of the inventory API. Writes go through the ingestion service (by natural
key, codes for references), so these only describe what is returned."""

from decimal import Decimal

from django.utils.translation import gettext
from rest_framework import serializers

from inventory import calendars
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

STAMPS = ["created_at", "updated_at"]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind", "active", *STAMPS]


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "code", "name", "email", "currency", *STAMPS]


class SKUSerializer(serializers.ModelSerializer):
    class Meta:
        model = SKU
        fields = [
            "id",
            "code",
            "name",
            "description",
            "category",
            "brand",
            "unit_price",
            "unit_cost",
            "active",
            *STAMPS,
        ]


class SupplierItemSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code")
    sku = serializers.CharField(source="sku.code")

    class Meta:
        model = SupplierItem
        fields = [
            "id",
            "supplier",
            "sku",
            "supplier_code",
            "lead_time_mean_days",
            "lead_time_std_days",
            "moq",
            "pack_size",
            "unit_cost",
            "is_primary",
            *STAMPS,
        ]


class StockLevelSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")

    class Meta:
        model = StockLevel
        fields = ["id", "sku", "location", "on_hand", "committed", "as_of", *STAMPS]


class SalesDaySerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")
    location = serializers.CharField(source="location.code")

    class Meta:
        model = SalesDay
        fields = [
            "id",
            "sku",
            "location",
            "date",
            "units",
            "units_returned",
            "revenue",
            "average_price",
            "customers",
            "on_promotion",
            "stock_out",
            *STAMPS,
        ]


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
        fields = [
            "id",
            "code",
            "name",
            "sku",
            "category",
            "location",
            "start_date",
            "end_date",
            "discount_percent",
            "kind",
            *STAMPS,
        ]


class CalendarEventSerializer(serializers.ModelSerializer):
    location = serializers.CharField(source="location.code", allow_null=True, default=None)

    class Meta:
        model = CalendarEvent
        fields = ["id", "code", "name", "location", "start_date", "end_date", "source", *STAMPS]
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
        child=serializers.ChoiceField(choices=calendars.FESTIVALS), default=list
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
        fields = ["sku", "quantity_ordered", "quantity_received", "unit_cost"]


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
            "number",
            "supplier",
            "location",
            "status",
            "order_date",
            "expected_arrival",
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
