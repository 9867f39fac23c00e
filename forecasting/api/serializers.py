"""Serializers of the forecasting API: stored forecasts and the runs that made them (read),
planners' forecast overrides (read and write) and forecast value added. Nothing here computes
a forecast or an explanation; the quantiles are the stored arrays."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.control_characters import CONTROL_CHARACTERS
from forecasting.models import (
    ForecastOverride,
    ForecastOverrideEvent,
    ForecastRun,
    ModelVersion,
    SeriesForecast,
)
from forecasting.quantiles import LEVELS
from inventory.models import SKU, Location

# float32 values, rounded as the portal shows them: a unit count needs no more.
DECIMALS = 4


def rounded(values: np.ndarray) -> list:
    return np.round(np.asarray(values, dtype=np.float64), DECIMALS).tolist()


class ModelVersionSerializer(serializers.ModelSerializer):
    """The fine-tuned transformer a run used, with its backtest against the base model and
    the baselines (``metrics``)."""

    class Meta:
        model = ModelVersion
        fields = [
            "id", "status", "mode", "trained_through", "metrics", "created_at", "activated_at",
        ]  # fmt: skip
        read_only_fields = fields


class RunAccuracySerializer(serializers.Serializer):
    """How the run made four weeks before this one did over the four weeks of sales up to
    it, beside seasonal naive on the same weeks (lower is better)."""

    # `from` is a keyword of Python: declared in get_fields.
    to = serializers.DateField(help_text="The last day of sales measured.")
    run = serializers.IntegerField(help_text="The run whose forecasts were measured.")
    series = serializers.IntegerField(help_text="How many series were measured.")
    mase = serializers.FloatField(allow_null=True)
    wql = serializers.FloatField(allow_null=True, help_text="Weighted quantile loss.")
    naive_mase = serializers.FloatField(allow_null=True)
    naive_wql = serializers.FloatField(allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        return {
            "from": serializers.DateField(help_text="The first day of sales measured."),
            **fields,
        }


class ForecastRunSerializer(serializers.ModelSerializer):
    model_version = ModelVersionSerializer(
        allow_null=True, help_text="The fine-tuned transformer used; null: the shipped base model."
    )
    model_counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="How many series each model forecast."
    )
    accuracy = RunAccuracySerializer(
        allow_null=True,
        help_text="Null until measured (minutes after the run), or with too little history.",
    )

    class Meta:
        model = ForecastRun
        fields = [
            "id", "status", "created_at", "started_at", "finished_at", "history_end", "horizon",
            "series_count", "model_counts", "model_version", "accuracy",
        ]  # fmt: skip
        read_only_fields = fields


class ForecastDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    quantiles = serializers.ListField(
        child=serializers.FloatField(),
        help_text="Demand on the day at each of the forecast's `levels`, lowest first.",
    )


class ExplanationGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(help_text="Units over `days` this group adds (or takes).")


class ExplanationSerializer(serializers.Serializer):
    """SHAP values of the forecast's median summed over its first ``days`` days: from
    ``base_value`` to ``forecast``, what each group of features adds."""

    days = serializers.IntegerField()
    model = serializers.CharField()
    base_value = serializers.FloatField()
    forecast = serializers.FloatField()
    groups = ExplanationGroupSerializer(many=True)


class LeadTimeDemandSerializer(serializers.Serializer):
    """Demand summed over a lead time from the forecast's first day, at each of the
    forecast's `levels`: quantiles of the sum (days move together as the series' history
    says), not sums of daily quantiles."""

    days = serializers.IntegerField()
    quantiles = serializers.ListField(child=serializers.FloatField())


class ForecastSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="sku.code", help_text="The SKU's code.")
    location = serializers.CharField(source="location.code", help_text="The location's code.")
    model = serializers.CharField(
        help_text="The model the backtest chose for this series (a baseline, `transformer`, "
        "or an ensemble of them joined by `+`)."
    )
    model_version = serializers.SerializerMethodField()
    levels = serializers.SerializerMethodField()
    days = serializers.SerializerMethodField()
    improvement = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()
    lead_time_demand = serializers.SerializerMethodField()

    class Meta:
        model = SeriesForecast
        fields = [
            "id", "run", "sku", "location", "first_date", "model", "model_version", "levels",
            "days", "backtest_wql", "naive_wql", "improvement", "path_correlation",
            "path_common_share", "explanation", "lead_time_demand", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        ModelVersionSerializer(
            allow_null=True,
            help_text="The fine-tuned transformer of the run; null: the shipped base model.",
        )
    )
    def get_model_version(self, forecast: SeriesForecast) -> dict | None:
        version = forecast.run.model_version
        return ModelVersionSerializer(version).data if version is not None else None

    @extend_schema_field(
        serializers.ListField(
            child=serializers.FloatField(),
            help_text="The quantile levels, lowest first: each day's `quantiles` follow them.",
        )
    )
    def get_levels(self, forecast: SeriesForecast) -> list[float]:
        return LEVELS.tolist()

    @extend_schema_field(
        ForecastDaySerializer(many=True, help_text="Each day of the horizon from `first_date`.")
    )
    def get_days(self, forecast: SeriesForecast) -> list[dict]:
        by_day = rounded(forecast.array().T)
        return [
            {"date": forecast.first_date + dt.timedelta(days=step), "quantiles": values}
            for step, values in enumerate(by_day)
        ]

    @extend_schema_field(
        serializers.FloatField(
            allow_null=True,
            help_text="1 - backtest_wql / naive_wql: how much better than seasonal naive the "
            "chosen model backtested; null without both scores.",
        )
    )
    def get_improvement(self, forecast: SeriesForecast) -> float | None:
        if forecast.backtest_wql is None or not forecast.naive_wql:
            return None
        return round(1 - forecast.backtest_wql / forecast.naive_wql, DECIMALS)

    @extend_schema_field(
        ExplanationSerializer(
            allow_null=True,
            help_text="Null until a worker has explained the forecast (the portal asks for "
            "it when the SKU's page is opened; the nightly run for SKUs with an alert or a "
            "suggestion).",
        )
    )
    def get_explanation(self, forecast: SeriesForecast) -> dict | None:
        return forecast.explanation or None

    @extend_schema_field(
        LeadTimeDemandSerializer(
            allow_null=True, help_text="Given when asked for, with `lead_time_days`; else null."
        )
    )
    def get_lead_time_demand(self, forecast: SeriesForecast) -> dict | None:
        sums = self.context.get("lead_time_demand", {})
        return sums.get(forecast.pk)


class ForecastOverrideEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="email", read_only=True, help_text="Who did it (null: a removed member)."
    )
    changes = serializers.DictField(
        read_only=True,
        help_text="Each changed field: [before, after] (codes, ISO dates, decimal strings).",
    )

    class Meta:
        model = ForecastOverrideEvent
        fields = ["action", "actor", "via", "changes", "created_at"]
        read_only_fields = fields


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object by its code; a control character (never part of a code, and a NUL
    PostgreSQL refuses in a query) is a validation error naming the field."""

    def to_internal_value(self, data):
        if isinstance(data, str) and CONTROL_CHARACTERS.search(data):
            raise serializers.ValidationError(gettext("must not contain control characters"))
        return super().to_internal_value(data)


class ForecastOverrideSerializer(serializers.ModelSerializer):
    """A planner's override of a SKU's forecast (forecasting/overrides.py says how it changes
    the forecast). Written by SKU and location codes; ``location`` null is every location."""

    sku = CodeRelatedField(
        slug_field="code", queryset=SKU.objects.none(), help_text="The SKU's code."
    )
    location = CodeRelatedField(
        slug_field="code",
        queryset=Location.objects.none(),
        allow_null=True,
        required=False,
        help_text="The location's code; null (or left out): every location of the SKU.",
    )
    kind = serializers.ChoiceField(
        choices=ForecastOverride.Kind.choices,
        help_text="`value`: `amount` is the demand in units per day (the median; the other "
        "quantiles scale with it). `percent`: `amount` is the change of every quantile in "
        "percent (-100 to 1000).",
    )
    state = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    ended_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    events = ForecastOverrideEventSerializer(
        many=True, read_only=True, help_text="The audit: every change, newest first."
    )

    class Meta:
        model = ForecastOverride
        fields = [
            "id", "sku", "location", "start_date", "end_date", "kind", "amount", "reason",
            "expires_on", "state", "created_by", "created_at", "ended_by", "ended_at",
            "updated_at", "events",
        ]  # fmt: skip
        read_only_fields = ["created_at", "ended_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        merchant = self.context.get("merchant")
        if merchant is not None:  # codes of the caller's merchant only
            self.fields["sku"].queryset = SKU.objects.for_merchant(merchant)
            self.fields["location"].queryset = Location.objects.for_merchant(merchant)

    @extend_schema_field(
        serializers.CharField(
            help_text="On the store's today: `in_force` (changes forecasts from today), "
            "`ended`, `expired`, or `over` (its days have passed)."
        )
    )
    def get_state(self, override: ForecastOverride) -> str:
        return override.state_on(self.context["today"])


class ValueAddedScoreSerializer(serializers.Serializer):
    mae = serializers.FloatField(allow_null=True, help_text="Mean absolute error, units.")
    wape = serializers.FloatField(
        allow_null=True, help_text="Absolute errors over units sold (null with none sold)."
    )


class ValueAddedSerializer(serializers.Serializer):
    """Scores of the median of the model, the override and seasonal naive on the SKU-days
    the overrides changed (forecasting/value_added.py)."""

    sku_days = serializers.IntegerField()
    actual_units = serializers.FloatField()
    model = ValueAddedScoreSerializer()
    override = ValueAddedScoreSerializer()
    seasonal_naive = ValueAddedScoreSerializer()
    value_added = serializers.FloatField(
        allow_null=True,
        help_text="The model's WAPE less the override's: above 0, the overrides helped.",
    )
    value_added_over_naive = serializers.FloatField(
        allow_null=True, help_text="Seasonal naive's WAPE less the override's."
    )


class PlannerValueAddedSerializer(ValueAddedSerializer):
    planner = serializers.IntegerField(
        allow_null=True, help_text="The user id of the planner who set the overrides."
    )
    name = serializers.CharField()


class ForecastValueAddedSerializer(serializers.Serializer):
    """Forecast value added over a window of days with sales."""

    # `from` is a keyword of Python: declared in get_fields.
    to = serializers.DateField(allow_null=True, help_text="The last day measured.")
    overall = ValueAddedSerializer()
    planners = PlannerValueAddedSerializer(many=True, help_text="Most SKU-days first.")

    def get_fields(self):
        fields = super().get_fields()
        return {
            "from": serializers.DateField(allow_null=True, help_text="The first day measured."),
            **fields,
        }
