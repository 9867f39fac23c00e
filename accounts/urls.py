from django.urls import include, path

from accounts.views import members, navigation, signing_in, store_settings
from core.routes import named_routes, object_routes

merchant_patterns = [
    path("members/", members.MembersView.as_view(), name="members"),
    *object_routes(
        "members/", "member", {"role": members.MemberRoleView, "remove": members.MemberRemoveView}
    ),
    *object_routes("invitations/", "invitation", {"revoke": members.InvitationRevokeView}),
    path("tokens/", store_settings.ApiTokensView.as_view(), name="api_tokens"),
    *object_routes("tokens/", "api_token", {"revoke": store_settings.ApiTokenRevokeView}),
    path("settings/", store_settings.MerchantSettingsView.as_view(), name="merchant_settings"),
    path(
        "settings/support-access/",
        store_settings.SupportAccessView.as_view(),
        name="merchant_support_access",
    ),
]

urlpatterns = [
    path("", navigation.home, name="home"),
    path("merchants/", navigation.merchant_switch, name="merchant_switch"),
    path("language/", navigation.language_switch, name="language_switch"),
    path("help/glossary/", navigation.glossary_page, name="glossary"),
    # Four of Django's account pages with throttling or audit events added. They come before
    # the include, whose patterns of the same name and path they shadow; it serves the rest.
    *named_routes(
        "accounts/",
        {
            "login": signing_in.SignInView,
            "password_reset": signing_in.PasswordResetView,
            "password_change": signing_in.PasswordChangeView,
        },
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        signing_in.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path(
        "invitations/<str:secret>/",
        members.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("m/<slug:merchant_slug>/", include(merchant_patterns)),
]
