from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("alerts/", views.AlertsView.as_view(), name="alerts"),
    path("alerts/act/", views.AlertActView.as_view(), name="alerts_act"),
    path("promotions/", views.PromotionPlansView.as_view(), name="promotions"),
    path("replay/", views.PolicyReplayView.as_view(), name="replay"),
    path("settings/", views.PlanningSettingsView.as_view(), name="settings"),
    path("settings/webhooks/", views.WebhookEndpointsView.as_view(), name="webhooks"),
    path(
        "settings/webhooks/<int:pk>/",
        views.WebhookEndpointDetailView.as_view(),
        name="webhook_detail",
    ),
    path(
        "settings/webhooks/<int:pk>/test/",
        views.WebhookEndpointTestView.as_view(),
        name="webhook_test",
    ),
    path("replay/start/", views.PolicyReplayStartView.as_view(), name="replay_start"),
    path("replay/<int:pk>/status/", views.PolicyReplayStatusView.as_view(), name="replay_status"),
    path("promotions/decide/", views.PromotionPlanDecideView.as_view(), name="promotions_decide"),
    path("orders/", views.SuggestionsView.as_view(), name="suggestions"),
    path("orders/decide/", views.SuggestionDecideView.as_view(), name="suggestions_decide"),
    path("orders/export/", views.SuggestionExportView.as_view(), name="suggestions_export"),
    path(
        "orders/<int:pk>/outcome/",
        views.SuggestionOutcomeView.as_view(),
        name="suggestion_outcome",
    ),
    path(
        "orders/<int:pk>/quantity/",
        views.SuggestionQuantityView.as_view(),
        name="suggestion_quantity",
    ),
]
