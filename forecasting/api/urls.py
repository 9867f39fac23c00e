"""/api/v1/ routes of forecasting."""

from rest_framework.routers import DefaultRouter

from forecasting.api import views

router = DefaultRouter()
router.register("forecasts", views.ForecastViewSet, basename="forecast")
router.register("forecast-runs", views.ForecastRunViewSet, basename="forecast-run")

urlpatterns = router.urls
