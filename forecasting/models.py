"""Forecast runs and the forecasts they produce, stored compactly: one row per series per run
holding all quantiles of all days of the horizon as a float32 array."""

from __future__ import annotations

import numpy as np
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import AuditEvent, TenantOwned
from forecasting.paths import COMMON_SHARE
from forecasting.quantiles import LEVELS
from inventory.models import fact_reference


class RunFields(models.Model):
    """What every long job's run row has (see `core.runs`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

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
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        RETIRED = "retired", _("Retired")

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


RECENT_DAYS = 182  # days of demand kept with each forecast (`SeriesForecast.recent_demand`)


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
    path_common_share = models.FloatField(
        default=COMMON_SHARE,
        help_text="The share of a demand path's draw it keeps for the whole horizon, fitted "
        "on the held-out weeks the model was chosen on, for sums over a lead time.",
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
    median_level = models.FloatField(
        default=0.5,
        help_text="The level of the chosen model's quantiles served as the median: its demand "
        "class's selection weeks may read it lower or higher (forecasting.selection).",
    )
    served_levels = models.BinaryField(
        null=True,
        blank=True,
        help_text="The level each row of the quantiles was read at from the chosen model's "
        "(float64, one per quantile level; its demand class's selection weeks map them, "
        "forecasting.levels): the explanation serves its variants alike. None: kept before "
        "the levels were stored (only the median's is known).",
    )
    recent_demand = models.BinaryField(
        null=True,
        blank=True,
        help_text="The daily demand the forecast was made from, its last RECENT_DAYS days "
        "(float32, NaN where not observed): the plan draws a share of its lead-time sums "
        "from it (planning.policy).",
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

    @staticmethod
    def pack_levels(levels: np.ndarray) -> bytes:
        return np.asarray(levels, dtype="<f8").tobytes()

    def levels(self) -> np.ndarray | None:
        """The levels the quantiles were read at (what `pack_levels` wrote), or None."""
        if self.served_levels is None:
            return None
        return np.frombuffer(bytes(self.served_levels), dtype="<f8").copy()

    @staticmethod
    def pack_recent(values: np.ndarray) -> bytes:
        """The last `RECENT_DAYS` of a series' daily demand, as stored."""
        return np.asarray(values, dtype="<f4")[-RECENT_DAYS:].tobytes()

    @staticmethod
    def unpack_recent(packed: bytes | memoryview | None) -> np.ndarray | None:
        """What `pack_recent` wrote; None for a forecast stored without it."""
        if packed is None:
            return None
        return np.frombuffer(bytes(packed), dtype="<f4").astype(float)


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


class ForecastOverride(TenantOwned):
    """A planner's correction of the forecast of one SKU, at one location or at all of them
    (``location`` empty), on the days from ``start_date`` to ``end_date``: a demand in units
    per day, or a percent change of the model's. It is in force from the day it is set until
    ``expires_on`` (that day included) unless ended before. The stored model forecasts are
    never rewritten: `forecasting.overrides` applies an override as a forecast is read, so
    accuracy can compare the model with the override (`forecasting.value_added`). Every
    change is a `ForecastOverrideEvent`."""

    class Kind(models.TextChoices):
        VALUE = "value", _("Units per day")
        PERCENT = "percent", _("Percent change")

    sku = models.ForeignKey(
        "inventory.SKU", on_delete=models.CASCADE, related_name="forecast_overrides"
    )
    location = models.ForeignKey(
        "inventory.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="forecast_overrides",
        help_text="Empty: every location of the SKU.",
    )
    start_date = models.DateField(help_text="The first day of demand it changes.")
    end_date = models.DateField(help_text="The last day of demand it changes.")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        help_text="Units per day (value), or the change in percent (percent: 20 is 20% more, "
        "-30 is 30% less).",
    )
    reason = models.TextField()
    expires_on = models.DateField(help_text="The last day it is in force.")
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="forecastoverride_period",
                violation_error_message="The end date is before the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="value", amount__gte=0)
                | models.Q(kind="percent", amount__gte=-100),
                name="forecastoverride_amount",
                violation_error_message="Units per day must not be negative, nor a change "
                "below -100%.",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "sku", "end_date"], name="override_sku_idx"),
            models.Index(fields=["merchant", "updated_at"], name="override_updated_idx"),
        ]

    def __str__(self) -> str:
        where = self.location_id or "all"
        return f"override {self.pk} of {self.sku_id}@{where} ({self.kind} {self.amount})"

    def state_on(self, today) -> str:
        """``ended``, ``expired``, ``over`` (its period has passed) or ``in_force`` on the
        store's day ``today``."""
        if self.ended_at is not None:
            return "ended"
        if self.expires_on < today:
            return "expired"
        if self.end_date < today:
            return "over"
        return "in_force"


class ForecastOverrideEvent(AuditEvent):
    """The audit of a forecast override: who did what to it, when, by which way (portal, API,
    a token), and what changed (field: [before, after])."""

    class Action(models.TextChoices):
        CREATED = "created", _("Set")
        CHANGED = "changed", _("Changed")
        ENDED = "ended", _("Ended")

    override = models.ForeignKey(ForecastOverride, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    subject_field = "override"

    def __str__(self) -> str:
        return f"{self.action} forecast override {self.override_id}"
