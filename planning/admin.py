"""Planning in the staff console: cross-merchant alert statistics with merchants
pseudonymised, and webhook deliveries by state (without their payloads) to follow up
failures. Merchants' alerts, SKUs and figures are not shown by name."""

from django.contrib import admin
from django.template.response import TemplateResponse

from accounts.admin_site import TenantOwnedAdmin
from planning import statistics
from planning.models import Alert, AlertStatistics, WebhookDelivery


@admin.register(AlertStatistics)
class AlertStatisticsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        rows = statistics.alert_statistics()
        context = {
            **self.admin_site.each_context(request),
            "title": "Alert statistics",
            "opts": self.model._meta,
            "kinds": Alert.Kind.choices,
            "rows": [
                (row, [row.open_by_kind.get(kind, 0) for kind, _label in Alert.Kind.choices])
                for row in rows
            ],
            "totals": [
                sum(row.open_by_kind.get(kind, 0) for row in rows)
                for kind, _label in Alert.Kind.choices
            ],
            "window_days": statistics.WINDOW_DAYS,
        }
        return TemplateResponse(request, "admin/planning/alert_statistics.html", context)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TenantOwnedAdmin):
    list_display = ["pk", "merchant", "event", "status", "attempts", "response_code", "created_at"]
    list_filter = ["status", "event"]
    fields = [
        "merchant", "endpoint", "event", "event_id", "status", "attempts", "response_code",
        "last_error", "next_attempt_at", "created_at", "delivered_at",
    ]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
