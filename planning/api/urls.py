"""/api/v1/ routes of planning."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from planning.api import views

router = DefaultRouter()
router.register(
    "reorder-suggestions", views.ReorderSuggestionViewSet, basename="reorder-suggestion"
)

router.register("alerts", views.AlertViewSet, basename="alert")
router.register("promotion-plans", views.PromotionPlanViewSet, basename="promotion-plan")
router.register("webhook-endpoints", views.WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", views.WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("planning-settings/", views.PlanningSettingsView.as_view(), name="planning-settings"),
    *router.urls,
]
