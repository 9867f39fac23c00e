from django.urls import include, path

from accounts.views import members, navigation, signing_in, store_settings

merchant_patterns = [
    path("members/", members.MembersView.as_view(), name="members"),
    path("members/<int:pk>/role/", members.MemberRoleView.as_view(), name="member_role"),
    path("members/<int:pk>/remove/", members.MemberRemoveView.as_view(), name="member_remove"),
    path(
        "invitations/<int:pk>/revoke/",
        members.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("tokens/", store_settings.ApiTokensView.as_view(), name="api_tokens"),
    path(
        "tokens/<int:pk>/revoke/",
        store_settings.ApiTokenRevokeView.as_view(),
        name="api_token_revoke",
    ),
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
    path("accounts/login/", signing_in.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", signing_in.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_change/",
        signing_in.PasswordChangeView.as_view(),
        name="password_change",
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
