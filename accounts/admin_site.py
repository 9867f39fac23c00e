"""The admin console for platform staff.

Staff work across merchants, so every admin view runs with row-level security lifted
(`all_merchants_context`) and tenant-owned querysets are explicitly unscoped. Only active
staff accounts get in; merchants' members are never staff.

A store's data is read-only to staff, as the pseudonymised service health implies, unless the
store grants support access for a time (`accounts.models.SupportAccess`, granted by an owner
in the portal): then its objects may be changed and deleted one at a time, never in bulk.
Every page of store data a staff member opens, and every change, is written to the store's
own security log (`StoreDataAdminMixin`).
"""

from collections import Counter
from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts import audit, selectors
from accounts.client_address import client_ip
from accounts.forms import ConsoleSignInForm
from accounts.models import Merchant
from accounts.tenancy import TenantOwned, all_merchants_context


class ShelfcastAdminSite(admin.AdminSite):
    # The console's sign-in is throttled like the portal's (accounts/sign_in_throttle.py).
    login_form = ConsoleSignInForm
    site_header = _("Shelfcast console")
    site_title = _("Shelfcast console")
    index_title = _("Platform administration")

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


def _changed_fields(message) -> list[str]:
    """The field names in an admin change message (Django's list of added/changed/deleted
    entries)."""
    fields: list[str] = []
    for entry in message if isinstance(message, list) else []:
        for change in entry.values():
            fields.extend(change.get("fields", []) if isinstance(change, dict) else [])
            if isinstance(change, dict) and "name" in change:
                fields.append(f"{change['name']}: {change.get('object', '')}")
    return fields


def granted_store_ids(request, store_ids) -> set[int]:
    """Of these stores, those whose support access is in force (asked once per request)."""
    known = request.__dict__.setdefault("_support_access", {})
    missing = [store_id for store_id in store_ids if store_id not in known]
    if missing:
        granted = selectors.merchants_with_support_access(merchant_ids=missing)
        known.update({store_id: store_id in granted for store_id in missing})
    return {store_id for store_id in store_ids if known[store_id]}


class TenantRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id widget's label of a tenant-owned object, read across merchants."""

    def label_and_url_for_value(self, value):
        model = self.rel.model
        if not issubclass(model, TenantOwned):
            return super().label_and_url_for_value(value)
        key = self.rel.get_related_field().name
        try:
            # the console reads every merchant's rows; the object's merchant is checked on save
            obj = model._default_manager.unscoped().get(**{key: value})
        except (ValueError, model.DoesNotExist, ValidationError):
            return "", ""
        try:
            url = reverse(
                f"{self.admin_site.name}:{obj._meta.app_label}_{obj._meta.model_name}_change",
                args=(obj.pk,),
            )
        except NoReverseMatch:
            url = ""
        return Truncator(obj).words(14), url


class TenantForeignKeysMixin:
    """Foreign keys in the console's forms: tenant-owned choices from every merchant (the
    model's clean() rejects a mismatch), and a merchant only among the stores that grant
    support access."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Merchant and "queryset" not in kwargs:
            granted = selectors.merchants_with_support_access()
            kwargs["queryset"] = Merchant.objects.filter(pk__in=granted)
        if issubclass(related, TenantOwned) and "queryset" not in kwargs:
            # Platform staff pick from every merchant; model clean() rejects a mismatch.
            kwargs["queryset"] = related._default_manager.unscoped()
            if db_field.name in self.raw_id_fields and "widget" not in kwargs:
                kwargs["widget"] = TenantRawIdWidget(
                    db_field.remote_field, self.admin_site, using=kwargs.get("using")
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StoreDataAdminMixin:
    """Store data in the console: read-only unless the store grants support access, and
    audited either way. Subclasses that never allow a change keep their own ``False``."""

    def store_id(self, obj) -> int:
        """The id of the store ``obj`` belongs to."""
        return obj.merchant_id

    def has_support_access(self, request, obj) -> bool:
        if obj is None or self.store_id(obj) is None:
            return False
        return bool(granted_store_ids(request, [self.store_id(obj)]))

    def has_change_permission(self, request, obj=None):
        # Without an object (the list, bulk actions) nothing is changed: one store at a time.
        return super().has_change_permission(request, obj) and self.has_support_access(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.has_support_access(request, obj)

    # -- the audit -----------------------------------------------------------------------------
    def _audit(self, request, store_rows: dict[int, int], *, changed: bool, **details) -> None:
        if store_rows:
            audit.staff_access_record(
                merchants=store_rows,
                changed=changed,
                actor=request.user,
                model=self.model._meta.label,
                ip_address=client_ip(request),
                **details,
            )

    def audit_job_action(self, request, jobs, *, action: str, reason: str) -> None:
        """Record a console action on long jobs (`core.admin_jobs`: retry, cancel) in each
        job's store's security log, with the reason the staff member gave."""
        audit.staff_job_action_record(
            jobs=[(self.store_id(job), job.pk) for job in jobs],
            model=self.model._meta.label,
            action=action,
            reason=reason,
            actor=request.user,
            ip_address=client_ip(request),
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) or {}
        if "cl" in changelist:
            # evaluates the page's rows once; the template reads the same cached rows
            rows = Counter(self.store_id(obj) for obj in changelist["cl"].result_list)
            self._audit(request, dict(rows), changed=False)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if original is not None and request.method == "GET":
            self._audit(
                request, {self.store_id(original): 1}, changed=False, object_id=str(original.pk)
            )
        return response

    def log_addition(self, request, obj, message):
        self._audit(request, {self.store_id(obj): 1}, changed=True, object_id=str(obj.pk),
                    fields=["added", *_changed_fields(message)])  # fmt: skip
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, {self.store_id(obj): 1}, changed=True, object_id=str(obj.pk),
                    fields=_changed_fields(message))  # fmt: skip
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, {self.store_id(obj): 1}, changed=True, object_id=str(obj.pk),
                        fields=["deleted"])  # fmt: skip
        return super().log_deletions(request, queryset)


class StoreDataInlineMixin(TenantForeignKeysMixin):
    """An inline's rows follow the support access of the object they are edited under."""

    def _granted(self, request, obj) -> bool:
        if obj is None or getattr(obj, "merchant_id", None) is None:
            return False
        return bool(granted_store_ids(request, [obj.merchant_id]))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._granted(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._granted(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._granted(request, obj)


class TenantOwnedAdmin(TenantForeignKeysMixin, StoreDataAdminMixin, admin.ModelAdmin):
    """Base admin for tenant-owned models: all merchants, filterable by merchant. Added only
    for a store that grants support access (the only stores its merchant field offers)."""

    list_select_related = ["merchant"]

    def get_queryset(self, request):
        # Platform staff see every merchant's rows: that is what the console is for.
        return self.model._default_manager.unscoped()

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
