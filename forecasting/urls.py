from django.urls import path

from forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("", views.ForecastRunsView.as_view(), name="runs"),
    path("skus/<int:pk>/", views.SkuForecastView.as_view(), name="sku_forecast"),
]
