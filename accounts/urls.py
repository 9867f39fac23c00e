from django.contrib.auth import views as auth_views
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
]

urlpatterns = [
    path("", views.home, name="home"),
    path("merchants/", views.merchant_switch, name="merchant_switch"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path(
        "invitations/<str:secret>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("m/<slug:merchant_slug>/", include(merchant_patterns)),
]
