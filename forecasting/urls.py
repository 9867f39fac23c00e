from django.urls import path

from forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("", views.ForecastRunsView.as_view(), name="runs"),
    path("runs/<int:pk>/status/", views.ForecastRunStatusView.as_view(), name="run_status"),
    path("skus/<int:pk>/", views.SkuForecastView.as_view(), name="sku_forecast"),
    path(
        "overrides/<int:pk>/end/",
        views.ForecastOverrideEndView.as_view(),
        name="forecast_override_end",
    ),
    path("accuracy/", views.AccuracyView.as_view(), name="accuracy"),
    path("models/", views.ModelsView.as_view(), name="models"),
    path("models/rollback/", views.ModelRollbackView.as_view(), name="model_rollback"),
    path(
        "models/<int:pk>/activate/",
        views.ModelVersionActivateView.as_view(),
        name="model_activate",
    ),
]
