from rest_framework import serializers

from inventory.models import SKU, Location


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind", "active", "created_at", "updated_at"]


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
            "created_at",
            "updated_at",
        ]
