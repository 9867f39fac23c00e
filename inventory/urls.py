from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("skus/", views.SkuListView.as_view(), name="sku_list"),
    path("skus/<int:pk>/", views.SkuDetailView.as_view(), name="sku_detail"),
    path("locations/", views.LocationListView.as_view(), name="location_list"),
    path("data/", views.DataView.as_view(), name="data"),
    path("data/imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("data/imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import_status"),
    path(
        "data/imports/<int:pk>/errors.csv",
        views.ImportErrorReportView.as_view(),
        name="import_errors",
    ),
]
