"""/api/v1/ routes of the inventory API.

Planning results get their read endpoints beside these as they land, under the same
version: forecasts/, reorder-suggestions/, alerts/, promotion-plans/ (see docs/api.md)."""

from rest_framework.routers import DefaultRouter

from inventory.api import views

router = DefaultRouter()
router.register("skus", views.SKUViewSet, basename="sku")
router.register("locations", views.LocationViewSet, basename="location")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("supplier-items", views.SupplierItemViewSet, basename="supplier-item")
router.register("stock-levels", views.StockLevelViewSet, basename="stock-level")
router.register("sales", views.SalesDayViewSet, basename="sales-day")
router.register("order-lines", views.OrderLineViewSet, basename="order-line")
router.register("promotions", views.PromotionViewSet, basename="promotion")
router.register("calendar-events", views.CalendarEventViewSet, basename="calendar-event")
router.register("calendar-presets", views.CalendarPresetViewSet, basename="calendar-preset")
router.register("purchase-orders", views.PurchaseOrderViewSet, basename="purchase-order")

urlpatterns = router.urls
