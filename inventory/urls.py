from django.urls import path

from inventory import purchase_order_views as po
from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("skus/", views.SkuListView.as_view(), name="sku_list"),
    path("skus/<int:pk>/", views.SkuDetailView.as_view(), name="sku_detail"),
    path("locations/", views.LocationListView.as_view(), name="location_list"),
    path("locations/calendars/", views.CalendarSettingsView.as_view(), name="calendars"),
    path(
        "locations/calendars/<int:pk>/delete/",
        views.CalendarPresetDeleteView.as_view(),
        name="calendar_preset_delete",
    ),
    path("purchase-orders/", po.PurchaseOrderListView.as_view(), name="purchase_orders"),
    path(
        "purchase-orders/export/",
        po.PurchaseOrderExportView.as_view(),
        name="purchase_orders_export",
    ),
    path(
        "purchase-orders/<int:pk>/",
        po.PurchaseOrderDetailView.as_view(),
        name="purchase_order_detail",
    ),
    path(
        "purchase-orders/<int:pk>/act/",
        po.PurchaseOrderActView.as_view(),
        name="purchase_order_act",
    ),
    path(
        "purchase-orders/<int:pk>/receive/",
        po.PurchaseOrderReceiveView.as_view(),
        name="purchase_order_receive",
    ),
    path(
        "purchase-orders/<int:pk>/lines/<int:line_pk>/",
        po.PurchaseOrderLineView.as_view(),
        name="purchase_order_line",
    ),
    path(
        "purchase-orders/<int:pk>/pdf/",
        po.PurchaseOrderPdfView.as_view(),
        name="purchase_order_pdf",
    ),
    path("data/", views.DataView.as_view(), name="data"),
    path("data/imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("data/imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import_status"),
    path(
        "data/imports/<int:pk>/errors.csv",
        views.ImportErrorReportView.as_view(),
        name="import_errors",
    ),
]
