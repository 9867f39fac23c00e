"""Planning in the staff console: cross-merchant alert statistics and service health with
merchants pseudonymised, webhook deliveries by state (without their payloads) to follow up
failures, and policy replays (retry, cancel). Merchants' alerts, SKUs and figures are not
shown by name."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from accounts.admin_site import ReadOnlyAdminMixin, TenantOwnedAdmin
from core.admin_jobs import job_actions, task_sender
from planning import health, statistics
from planning.models import (
    Alert,
    AlertStatistics,
    PolicyReplay,
    ServiceHealth,
    SuggestionBulkAction,
    WebhookDelivery,
)


class ReadOnlyPage(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A console page of figures, not rows to edit."""


@admin.register(AlertStatistics)
class AlertStatisticsAdmin(ReadOnlyPage):
    def changelist_view(self, request, extra_context=None):
        rows = statistics.alert_statistics()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Alert statistics"),
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


@admin.register(ServiceHealth)
class ServiceHealthAdmin(ReadOnlyPage):
    def changelist_view(self, request, extra_context=None):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Service health"),
            "opts": self.model._meta,
            **health.service_health(),
        }
        return TemplateResponse(request, "admin/planning/service_health.html", context)


@admin.register(PolicyReplay)
class PolicyReplayAdmin(TenantOwnedAdmin):
    list_display = ["pk", "merchant", "status", "days", "reviews_done", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["figures", "claimed_by", "message"]
    actions = job_actions(task_sender("planning.policy_replay_task", "replay_id"))


@admin.register(SuggestionBulkAction)
class SuggestionBulkActionAdmin(TenantOwnedAdmin):
    """Decisions on many order lines at once: a retried job resumes after its last chunk."""

    list_display = ["pk", "merchant", "status", "decision", "lines_done", "lines_total"]
    list_filter = ["status", "decision"]
    readonly_fields = ["line_ids", "claimed_by", "message"]
    actions = job_actions(task_sender("planning.suggestion_bulk_task", "job_id"))
