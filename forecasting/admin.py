"""Forecasting in the staff console: runs and model versions of every merchant, read-mostly
(a version's weights are an artifact; activating one is the merchant's decision); failed runs
can be retried and queued ones cancelled."""

from django.contrib import admin

from accounts.admin_site import TenantOwnedAdmin
from core.admin_jobs import job_actions, task_sender
from forecasting import services
from forecasting.models import ForecastRun, ModelVersion, TrainingRun


@admin.register(ForecastRun)
class ForecastRunAdmin(TenantOwnedAdmin):
    list_display = ["pk", "merchant", "status", "series_count", "local_date", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["model_counts", "timings", "model_version", "claimed_by"]
    actions = job_actions(task_sender(services.FORECAST_TASK, "run_id"))


@admin.register(TrainingRun)
class TrainingRunAdmin(TenantOwnedAdmin):
    list_display = ["pk", "merchant", "status", "mode", "steps_done", "steps", "device"]
    list_filter = ["status", "mode", "device"]
    readonly_fields = ["losses", "version", "corpus_loss_before", "corpus_loss_after"]
    actions = job_actions(task_sender(services.FINE_TUNE_TASK, "run_id"))


@admin.register(ModelVersion)
class ModelVersionAdmin(TenantOwnedAdmin):
    list_display = ["pk", "merchant", "status", "mode", "parent", "created_at"]
    list_filter = ["status", "mode"]
    readonly_fields = ["metrics", "artifact", "parent", "reason"]
