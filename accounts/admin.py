from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from guardian.admin import GuardedModelAdmin

from accounts.admin_site import ReadOnlyAdminMixin, TenantOwnedAdmin
from accounts.models import (
    AccountEvent,
    ApiToken,
    Invitation,
    Membership,
    Merchant,
    SecurityEvent,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Platform access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        # The inline is filtered to its merchant by the admin itself.
        return Membership.objects.unscoped().select_related("user")


@admin.register(Merchant)
class MerchantAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "currency", "timezone", "target_service_level", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["currency"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(TenantOwnedAdmin):
    list_display = ["user", "merchant", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "merchant__name"]
    raw_id_fields = ["user"]
    list_select_related = ["merchant", "user"]


@admin.register(ApiToken)
class ApiTokenAdmin(TenantOwnedAdmin):
    list_display = [
        "name",
        "merchant",
        "role",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["name", "prefix", "merchant__name"]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False  # tokens are created by owners in the portal, where the secret is shown


@admin.register(Invitation)
class InvitationAdmin(TenantOwnedAdmin):
    list_display = ["email", "merchant", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "merchant__name"]
    exclude = ["digest"]
    readonly_fields = ["invited_by", "created_at", "accepted_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    list_display = ["created_at", "kind", "merchant", "actor", "ip_address", "details"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["merchant", "actor"]
    search_fields = ["merchant__name", "actor__email"]
    date_hierarchy = "created_at"
    # Details hold names, roles and ids only (services.security_event_record refuses secrets).
    fields = ["created_at", "kind", "merchant", "actor", "ip_address", "details"]


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "email", "user", "ip_address"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = ["created_at", "kind", "email", "user", "ip_address", "details"]
