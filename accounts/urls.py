from django.urls import include, path

from accounts import views

merchant_patterns = [
    path("members/", views.MembersView.as_view(), name="members"),
    path("members/<int:pk>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path("tokens/", views.ApiTokensView.as_view(), name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("settings/", views.MerchantSettingsView.as_view(), name="merchant_settings"),
    path(
        "settings/support-access/",
        views.SupportAccessView.as_view(),
        name="merchant_support_access",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("merchants/", views.merchant_switch, name="merchant_switch"),
    path("language/", views.language_switch, name="language_switch"),
    path("help/glossary/", views.glossary_page, name="glossary"),
    # Four of Django's account pages with throttling or audit events added. They come before
    # the include, whose patterns of the same name and path they shadow; it serves the rest.
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path(
        "invitations/<str:secret>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("m/<slug:merchant_slug>/", include(merchant_patterns)),
]
