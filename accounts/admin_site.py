"""The admin console for platform staff.

Staff work across merchants, so every admin view runs with row-level security lifted
(`all_merchants_context`) and tenant-owned querysets are explicitly unscoped. Only active
staff accounts get in; merchants' members are never staff.
"""

from functools import update_wrapper

from django.contrib import admin

from accounts.forms import ConsoleSignInForm
from accounts.tenancy import TenantOwned, all_merchants_context


class ShelfcastAdminSite(admin.AdminSite):
    # The console's sign-in is throttled like the portal's (accounts/sign_in_throttle.py).
    login_form = ConsoleSignInForm
    site_header = "Shelfcast console"
    site_title = "Shelfcast console"
    index_title = "Platform administration"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if not self.has_permission(request):
                return inner(request, *args, **kwargs)  # redirects to the console's sign-in
            with all_merchants_context():
                response = inner(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
            return response

        return update_wrapper(wrapper, inner)


class TenantOwnedAdmin(admin.ModelAdmin):
    """Base admin for tenant-owned models: all merchants, filterable by merchant."""

    list_select_related = ["merchant"]

    def get_queryset(self, request):
        # Platform staff see every merchant's rows: that is what the console is for.
        return self.model._default_manager.unscoped()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if issubclass(related, TenantOwned) and "queryset" not in kwargs:
            # Platform staff pick from every merchant; model clean() rejects a mismatch.
            kwargs["queryset"] = related._default_manager.unscoped()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return ["merchant", *super().get_list_filter(request)]


class ReadOnlyAdminMixin:
    """Console pages that are read, never written or edited: audit logs, figures."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
