from rest_framework.routers import DefaultRouter

from inventory.api import views

router = DefaultRouter()
router.register("skus", views.SKUViewSet, basename="sku")
router.register("locations", views.LocationViewSet, basename="location")

urlpatterns = router.urls
