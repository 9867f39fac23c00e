"""Forecast runs and the forecasts they produce, stored compactly: one row per series per run
holding all quantiles of all days of the horizon as a float32 array."""

from __future__ import annotations

import numpy as np
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from accounts.tenancy import TenantOwned
from forecasting.quantiles import LEVELS
from inventory.models import fact_reference


class RunFields(models.Model):
    """What every long job's run row has (see `accounts.runs`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    claimed_by = models.CharField(
        max_length=64, blank=True, help_text="The task that runs it; its redelivery may resume."
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ModelVersion(TenantOwned):
    """One merchant's fine-tuned transformer: its weights (an artifact in the configured
    storage), where it came from, and its backtest against the base model and the baselines.
    At most one version of a merchant is active; the nightly run uses it (the shipped base
    model when none is). ``held_out_artifact`` is its twin trained only up to the selection
    windows (`forecasting.fine_tuning`), which stands for it when forecasts are judged;
    versions from before it existed have none and are judged by themselves."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REJECTED = "rejected", "Rejected"
        RETIRED = "retired", "Retired"

    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    mode = models.CharField(max_length=8, help_text="lora or full fine-tuning")
    artifact = models.FileField(upload_to="models/")
    held_out_artifact = models.FileField(upload_to="models/", blank=True)
    trained_through = models.DateField(
        null=True, blank=True, help_text="The last day of history the served weights saw."
    )
    metrics = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was activated or rejected.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(status="active"),
                name="modelversion_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"model version {self.pk} ({self.status})"


class TrainingRun(RunFields, TenantOwned):
    """Fine-tuning the merchant's model on its history (Celery, gpu queue)."""

    mode = models.CharField(max_length=8, default="full")
    steps = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    device = models.CharField(max_length=32, blank=True)
    losses = models.JSONField(default=list, blank=True, help_text="Mean loss per interval.")
    corpus_loss_before = models.FloatField(null=True, blank=True)
    corpus_loss_after = models.FloatField(null=True, blank=True)
    version = models.OneToOneField(
        ModelVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_run",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "status", "created_at"], name="training_status_idx")
        ]

    def __str__(self) -> str:
        return f"training run {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.steps_done / self.steps) if self.steps else 0


class ForecastRun(RunFields, TenantOwned):
    """One forecast of every series of a merchant (nightly, or asked for in the portal)."""

    horizon = models.PositiveSmallIntegerField(default=56)
    history_end = models.DateField(null=True, blank=True, help_text="The last day of history.")
    series_count = models.PositiveIntegerField(default=0)
    model_counts = models.JSONField(default=dict, blank=True, help_text="Model -> series.")
    local_date = models.DateField(
        null=True, blank=True, help_text="The merchant's date of a scheduled nightly run."
    )
    model_version = models.ForeignKey(
        ModelVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forecast_runs",
        help_text="The transformer used; empty = the shipped base model.",
    )
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    accuracy = models.JSONField(
        null=True,
        blank=True,
        help_text="How the run made four weeks earlier did over the four weeks of sales to this "
        "one, beside seasonal naive (forecasting.accuracy).",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "status", "created_at"], name="run_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "local_date"],
                condition=models.Q(local_date__isnull=False),
                name="forecastrun_one_nightly",
            )
        ]

    def __str__(self) -> str:
        return f"forecast run {self.pk} ({self.status})"


class ForecastChunk(RunFields, TenantOwned):
    """One task's share of a large store's forecast run: these SKUs' series, forecast and
    written on their own, so that workers on several machines share the night. The run
    succeeds when its last chunk does (`forecasting.chunks`)."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    sku_ids = models.JSONField(default=list)
    calendar = models.JSONField(
        default=dict, blank=True, help_text="The store's days and whether it sold on each."
    )
    series_count = models.PositiveIntegerField(default=0)
    model_counts = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "run", "number"], name="chunk_unique")
        ]
        indexes = [models.Index(fields=["merchant", "status"], name="chunk_status_idx")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.number} ({self.status})"


class SeriesForecast(TenantOwned):
    """The forecast of one SKU at one location: quantiles (rows: LEVELS) of each day from
    ``first_date`` on (columns), as a float32 array, and the model the backtest chose."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="forecasts")
    sku = fact_reference("inventory.SKU", "forecasts")
    location = fact_reference("inventory.Location", "forecasts", db_index=False)
    first_date = models.DateField()
    model = models.CharField(max_length=40)
    quantiles = models.BinaryField()
    path_correlation = models.FloatField(
        default=0.0,
        help_text="Day-to-day correlation of demand shocks, for sums over a lead time.",
    )
    explanation = models.JSONField(
        null=True, blank=True, help_text="SHAP values of the forecast over feature groups."
    )
    backtest_wql = models.FloatField(
        null=True,
        blank=True,
        help_text="The chosen model's weighted quantile loss on the held-out weeks it was "
        "chosen on (lower is better).",
    )
    naive_wql = models.FloatField(
        null=True, blank=True, help_text="Seasonal naive's loss on the same weeks."
    )
    # Written with the forecast and again when its explanation is stored, so that an API
    # client's `updated_since` finds both. The database default covers the COPY of a run's
    # forecasts on PostgreSQL, which names its columns (forecasting.engine).
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "run", "sku", "location"], name="seriesforecast_unique"
            )
        ]
        indexes = [
            models.Index(fields=["merchant", "sku", "location"], name="seriesforecast_sku_idx"),
            models.Index(fields=["merchant", "updated_at"], name="seriesforecast_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.location_id} from {self.first_date} ({self.model})"

    @staticmethod
    def pack(quantiles: np.ndarray) -> bytes:
        return np.asarray(quantiles, dtype="<f4").tobytes()

    @staticmethod
    def unpack(packed: bytes | memoryview) -> np.ndarray:
        """Quantiles (levels, days) from the stored bytes (what `pack` wrote)."""
        return np.frombuffer(bytes(packed), dtype="<f4").reshape(len(LEVELS), -1)

    def array(self) -> np.ndarray:
        return self.unpack(self.quantiles)


class SkuEmbedding(TenantOwned):
    """A SKU's name and description as a unit vector (float32), with a digest of the text it
    was computed from, so a renamed SKU is embedded again."""

    sku = models.OneToOneField("inventory.SKU", on_delete=models.CASCADE, related_name="embedding")
    digest = models.CharField(max_length=32)
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "sku"], name="skuembedding_unique")
        ]

    def __str__(self) -> str:
        return f"embedding of SKU {self.sku_id}"
