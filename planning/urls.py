from django.urls import path

from core.routes import DETAIL, collection_routes, object_routes
from planning import views

app_name = "planning"

urlpatterns = [
    *collection_routes("alerts/", "alerts", {"": views.AlertsView, "act": views.AlertActView}),
    *collection_routes(
        "promotions/",
        "promotions",
        {"": views.PromotionPlansView, "decide": views.PromotionPlanDecideView},
    ),
    *collection_routes(
        "replay/", "replay", {"": views.PolicyReplayView, "start": views.PolicyReplayStartView}
    ),
    *object_routes("replay/", "replay", {"status": views.PolicyReplayStatusView}),
    path("settings/", views.PlanningSettingsView.as_view(), name="settings"),
    path("settings/webhooks/", views.WebhookEndpointsView.as_view(), name="webhooks"),
    *object_routes(
        "settings/webhooks/",
        "webhook",
        {DETAIL: views.WebhookEndpointDetailView, "test": views.WebhookEndpointTestView},
    ),
    *collection_routes(
        "orders/",
        "suggestions",
        {
            "": views.SuggestionsView,
            "decide": views.SuggestionDecideView,
            "export": views.SuggestionExportView,
        },
    ),
    path("orders/jobs/<int:pk>/", views.SuggestionBulkStatusView.as_view(), name="suggestions_job"),
    *object_routes(
        "orders/",
        "suggestion",
        {"outcome": views.SuggestionOutcomeView, "quantity": views.SuggestionQuantityView},
    ),
]
