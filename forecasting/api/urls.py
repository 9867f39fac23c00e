"""/api/v1/ routes of forecasting."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from forecasting.api import views

router = DefaultRouter()
router.register("forecasts", views.ForecastViewSet, basename="forecast")
router.register("forecast-runs", views.ForecastRunViewSet, basename="forecast-run")
router.register("forecast-overrides", views.ForecastOverrideViewSet, basename="forecast-override")

urlpatterns = [
    path(
        "forecast-value-added/",
        views.ForecastValueAddedView.as_view(),
        name="forecast-value-added",
    ),
    *router.urls,
]
