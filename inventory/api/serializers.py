"""Read serializers of the inventory API. Writes go through the ingestion service (by natural
key, codes for references), so these only describe what is returned."""

from rest_framework import serializers

from inventory.models import (
    SKU,
    CalendarEvent,
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
        fields = ["id", "code", "name", "location", "start_date", "end_date", *STAMPS]


class PurchaseOrderLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code")

    class Meta:
        model = PurchaseOrderLine
        fields = ["sku", "quantity_ordered", "quantity_received", "unit_cost"]


class PurchaseOrderSerializer(serializers.ModelSerializer):
    supplier = serializers.CharField(source="supplier.code")
    location = serializers.CharField(source="location.code")
    lines = PurchaseOrderLineSerializer(many=True)

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
            *STAMPS,
        ]


class IngestResultSerializer(serializers.Serializer):
    resource = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="0-based index of the row in the batch")
    field = serializers.CharField()
    value = serializers.JSONField(allow_null=True)
    message = serializers.CharField()


class IngestErrorSerializer(serializers.Serializer):
    """A refused batch has all three fields. Other invalid input (malformed JSON or CSV, a bad
    query parameter) is answered as everywhere in the API: ``detail``, or the field named."""

    detail = serializers.CharField(required=False)
    error_count = serializers.IntegerField(required=False)
    errors = RowErrorSerializer(many=True, required=False)
