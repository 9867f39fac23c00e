from django.urls import path

from core.routes import object_routes
from forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("", views.ForecastRunsView.as_view(), name="runs"),
    *object_routes("runs/", "run", {"status": views.ForecastRunStatusView}),
    path("skus/<int:pk>/", views.SkuForecastView.as_view(), name="sku_forecast"),
    *object_routes("overrides/", "forecast_override", {"end": views.ForecastOverrideEndView}),
    path("accuracy/", views.AccuracyView.as_view(), name="accuracy"),
    path("models/", views.ModelsView.as_view(), name="models"),
    path("models/rollback/", views.ModelRollbackView.as_view(), name="model_rollback"),
    *object_routes("models/", "model", {"activate": views.ModelVersionActivateView}),
]
