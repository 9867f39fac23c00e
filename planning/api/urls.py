"""/api/v1/ routes of planning."""

from rest_framework.routers import DefaultRouter

from planning.api import views

router = DefaultRouter()
router.register(
    "reorder-suggestions", views.ReorderSuggestionViewSet, basename="reorder-suggestion"
)

urlpatterns = router.urls
