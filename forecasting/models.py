"""Forecast runs and the forecasts they produce, stored compactly: one row per series per run
holding all quantiles of all days of the horizon as a float32 array."""

from __future__ import annotations

import numpy as np
from django.db import models
from django.utils import timezone

from accounts.tenancy import TenantOwned
from forecasting.quantiles import LEVELS
from inventory.models import fact_reference


class ForecastRun(TenantOwned):
    """One forecast of every series of a merchant (nightly, or asked for in the portal)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    horizon = models.PositiveSmallIntegerField(default=56)
    history_end = models.DateField(null=True, blank=True, help_text="The last day of history.")
    series_count = models.PositiveIntegerField(default=0)
    model_counts = models.JSONField(default=dict, blank=True, help_text="Model -> series.")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "status", "created_at"], name="run_status_idx")]

    def __str__(self) -> str:
        return f"forecast run {self.pk} ({self.status})"


class SeriesForecast(TenantOwned):
    """The forecast of one SKU at one location: quantiles (rows: LEVELS) of each day from
    ``first_date`` on (columns), as a float32 array, and the model the backtest chose."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="forecasts")
    sku = fact_reference("inventory.SKU", "forecasts")
    location = fact_reference("inventory.Location", "forecasts", db_index=False)
    first_date = models.DateField()
    model = models.CharField(max_length=40)
    quantiles = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "run", "sku", "location"], name="seriesforecast_unique"
            )
        ]
        indexes = [
            models.Index(fields=["merchant", "sku", "location"], name="seriesforecast_sku_idx")
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.location_id} from {self.first_date} ({self.model})"

    @staticmethod
    def pack(quantiles: np.ndarray) -> bytes:
        return np.asarray(quantiles, dtype="<f4").tobytes()

    def array(self) -> np.ndarray:
        values = np.frombuffer(bytes(self.quantiles), dtype="<f4")
        return values.reshape(len(LEVELS), -1)
