from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts.admin_site import ReadOnlyAdminMixin, StoreDataInlineMixin, TenantOwnedAdmin
from core.admin_jobs import job_actions, task_sender
from inventory.models import (
    REFUSED_IMPORTS,
    SKU,
    CalendarEvent,
    CalendarPreset,
    ImportJob,
    Location,
    OrderLine,
    Promotion,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    SalesDay,
    StockLevel,
    Supplier,
    SupplierItem,
)


@admin.register(Location)
class LocationAdmin(TenantOwnedAdmin):
    list_display = ["code", "name", "kind", "merchant", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


@admin.register(Supplier)
class SupplierAdmin(TenantOwnedAdmin):
    list_display = ["code", "name", "merchant", "email"]
    search_fields = ["code", "name"]


@admin.register(SKU)
class SKUAdmin(TenantOwnedAdmin):
    list_display = ["code", "name", "category", "brand", "unit_price", "unit_cost", "active"]
    list_filter = ["active", "category"]
    search_fields = ["code", "name", "description"]


@admin.register(SupplierItem)
class SupplierItemAdmin(TenantOwnedAdmin):
    list_display = ["sku", "supplier", "lead_time_mean_days", "moq", "pack_size", "unit_cost"]
    raw_id_fields = ["sku", "supplier"]
    search_fields = ["sku__code", "supplier__name"]
    list_select_related = ["merchant", "sku", "supplier"]


@admin.register(StockLevel)
class StockLevelAdmin(TenantOwnedAdmin):
    list_display = ["sku", "location", "on_hand", "as_of"]
    raw_id_fields = ["sku", "location"]
    search_fields = ["sku__code"]
    date_hierarchy = "as_of"
    list_select_related = ["merchant", "sku", "location"]


@admin.register(SalesDay)
class SalesDayAdmin(TenantOwnedAdmin):
    list_display = ["date", "sku", "location", "units", "revenue", "on_promotion", "stock_out"]
    list_filter = ["on_promotion", "stock_out"]
    raw_id_fields = ["sku", "location"]
    search_fields = ["sku__code"]
    date_hierarchy = "date"
    list_select_related = ["merchant", "sku", "location"]
    show_full_result_count = False


@admin.register(Promotion)
class PromotionAdmin(TenantOwnedAdmin):
    list_display = ["code", "name", "sku", "category", "start_date", "end_date", "discount_percent"]
    list_filter = ["kind"]
    raw_id_fields = ["sku", "location"]
    search_fields = ["code", "name", "category"]


@admin.register(CalendarEvent)
class CalendarEventAdmin(TenantOwnedAdmin):
    list_display = ["code", "name", "location", "start_date", "end_date", "source"]
    list_filter = ["source"]
    raw_id_fields = ["location", "preset"]
    search_fields = ["code", "name"]


@admin.register(CalendarPreset)
class CalendarPresetAdmin(TenantOwnedAdmin):
    list_display = ["merchant", "location", "country", "subdivision", "public_holidays"]
    raw_id_fields = ["location"]


class SameMerchantInlineFormSet(BaseInlineFormSet):
    """Inline rows belong to the merchant of the object they are edited under."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.merchant_id = self.instance.merchant_id
        return form


class PurchaseOrderLineInline(StoreDataInlineMixin, admin.TabularInline):
    model = PurchaseOrderLine
    formset = SameMerchantInlineFormSet
    extra = 0
    raw_id_fields = ["sku"]
    exclude = ["merchant"]

    def get_queryset(self, request):
        # Filtered to its order by the admin itself.
        return PurchaseOrderLine.objects.unscoped().select_related("sku")


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(TenantOwnedAdmin):
    list_display = ["number", "merchant", "supplier", "status", "order_date", "expected_arrival"]
    list_filter = ["status"]
    search_fields = ["number", "supplier__name"]
    raw_id_fields = ["supplier", "location"]
    inlines = [PurchaseOrderLineInline]
    list_select_related = ["merchant", "supplier"]


@admin.register(PurchaseOrderEvent)
class PurchaseOrderEventAdmin(ReadOnlyAdminMixin, TenantOwnedAdmin):
    """The purchase orders' audit: read, never written, here."""

    list_display = ["created_at", "purchase_order", "action", "actor", "via", "merchant"]
    list_filter = ["action"]
    list_select_related = ["merchant", "purchase_order", "actor"]
    search_fields = ["purchase_order__number"]
    raw_id_fields = ["purchase_order"]
    fields = ["created_at", "merchant", "purchase_order", "action", "actor", "via", "changes"]


@admin.register(OrderLine)
class OrderLineAdmin(TenantOwnedAdmin):
    list_display = ["order_id", "line", "ordered_at", "sku", "location", "quantity", "unit_price"]
    raw_id_fields = ["sku", "location"]
    search_fields = ["order_id", "sku__code"]
    exclude = ["customer_hash"]  # a pseudonym is still not for display
    list_select_related = ["merchant", "sku", "location"]
    show_full_result_count = False


class ImportOutcomeFilter(admin.SimpleListFilter):
    """The status, with the imports refused for their input apart from those that failed."""

    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            *ImportJob.Status.choices[:-1],
            ("refused", _("Refused (bad input)")),
            (ImportJob.Status.FAILED, _("Failed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "refused":
            return queryset.filter(REFUSED_IMPORTS)
        if self.value() == ImportJob.Status.FAILED:
            return queryset.filter(status=ImportJob.Status.FAILED).exclude(REFUSED_IMPORTS)
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(ImportJob)
class ImportJobAdmin(TenantOwnedAdmin):
    """Imports across stores. One refused for its input (bad rows, an unreadable or too large
    file) shows as refused and is not offered a retry: the store fixes the file. One that
    failed on the platform (a worker lost, the database away) may be retried."""

    list_display = [
        "original_name",
        "merchant",
        "resource",
        "outcome_badge",
        "rows_total",
        "error_count",
        "created_at",
        "finished_at",
    ]
    list_filter = [ImportOutcomeFilter, "resource"]
    search_fields = ["original_name", "merchant__name"]
    actions = job_actions(
        task_sender("inventory.run_import_task", "job_id"), refused=REFUSED_IMPORTS
    )
    readonly_fields = [
        "outcome_badge",
        "header",
        "mapping",
        "options",
        "errors",
        "message",
        "rows_total",
        "rows_done",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
        "started_at",
        "finished_at",
        "created_by",
    ]

    @admin.display(description=_("Outcome"), ordering="status")
    def outcome_badge(self, job: ImportJob) -> str:
        if job.is_refused:
            return _("Refused (bad input)")
        return job.get_status_display()
