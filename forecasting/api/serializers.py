"""Read serializers of the forecasting API: stored forecasts and the runs that made them.
Nothing here computes a forecast or an explanation; the quantiles are the stored arrays."""

from __future__ import annotations

import datetime as dt

import numpy as np
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from forecasting.models import ForecastRun, ModelVersion, SeriesForecast
from forecasting.quantiles import LEVELS

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
            "explanation", "lead_time_demand", "updated_at",
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
