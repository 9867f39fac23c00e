"""Root URLs: the portal (accounts, inventory), the API under /api/v1/, the admin console."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The portal scripts' translations (locale/*/LC_MESSAGES/djangojs.po), as gettext() in JS.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("console/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script from its own URL (?script) instead
    # of inline: the Content-Security-Policy needs no inline script there.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("inventory.api.urls")),
    path("api/v1/", include("forecasting.api.urls")),
    path("api/v1/", include("planning.api.urls")),
    path("", include("accounts.urls")),
    path("m/<slug:merchant_slug>/", include("inventory.urls")),
    path("m/<slug:merchant_slug>/forecasts/", include("forecasting.urls")),
    path("m/<slug:merchant_slug>/planning/", include("planning.urls")),
]

# Problem details (application/problem+json) for the API's paths, the portal's page elsewhere.
handler400 = "accounts.api.errors.bad_request"
handler403 = "accounts.api.errors.permission_denied"
handler404 = "accounts.api.errors.not_found"
handler500 = "accounts.api.errors.server_error"
