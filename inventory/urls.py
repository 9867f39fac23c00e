from django.urls import path

from core.routes import DETAIL, collection_routes, object_routes
from inventory import purchase_order_views as po
from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("skus/", views.SkuListView.as_view(), name="sku_list"),
    path("skus/<int:pk>/", views.SkuDetailView.as_view(), name="sku_detail"),
    path("locations/", views.LocationListView.as_view(), name="location_list"),
    path("locations/calendars/", views.CalendarSettingsView.as_view(), name="calendars"),
    *object_routes(
        "locations/calendars/", "calendar_preset", {"delete": views.CalendarPresetDeleteView}
    ),
    *collection_routes(
        "purchase-orders/",
        "purchase_orders",
        {"": po.PurchaseOrderListView, "export": po.PurchaseOrderExportView},
    ),
    *object_routes(
        "purchase-orders/",
        "purchase_order",
        {
            DETAIL: po.PurchaseOrderDetailView,
            "act": po.PurchaseOrderActView,
            "receive": po.PurchaseOrderReceiveView,
            "pdf": po.PurchaseOrderPdfView,
        },
    ),
    path(
        "purchase-orders/<int:pk>/lines/<int:line_pk>/",
        po.PurchaseOrderLineView.as_view(),
        name="purchase_order_line",
    ),
    path("data/", views.DataView.as_view(), name="data"),
    *object_routes(
        "data/imports/",
        "import",
        {DETAIL: views.ImportDetailView, "status": views.ImportStatusView},
    ),
    path(
        "data/imports/<int:pk>/errors.csv",
        views.ImportErrorReportView.as_view(),
        name="import_errors",
    ),
]
