from accounts.api.base import MerchantReadOnlyViewSet
from inventory.api.serializers import LocationSerializer, SKUSerializer
from inventory.models import SKU, Location


class SKUViewSet(MerchantReadOnlyViewSet):
    queryset = SKU.objects.all()
    serializer_class = SKUSerializer


class LocationViewSet(MerchantReadOnlyViewSet):
    queryset = Location.objects.all()
    serializer_class = LocationSerializer
