"""The forecasting API: the stored forecasts (quantiles per SKU, location and day, with the
model, version, accuracy and explanation behind them), the runs that made them, and a run's
forecasts as one streamed CSV or Parquet file; the planners' forecast overrides and the
forecast value added they gave. Reads need the view permission (viewer tokens); writing an
override needs plan, and is audited as the caller. Only succeeded runs are shown; nothing is
forecast or explained in a request."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.base import MerchantAPIView, MerchantModelViewSet, MerchantReadOnlyViewSet, caller
from accounts.api.problems import QUERY, InvalidParameter
from accounts.errors import DomainError
from forecasting import selectors, services
from forecasting.api import exports
from forecasting.api import filters as f
from forecasting.api import serializers as s
from forecasting.models import ForecastOverride, ForecastRun, SeriesForecast
from forecasting.paths import lead_time_demand
from forecasting.value_added import forecast_value_added


class LeadTimeQuerySerializer(serializers.Serializer):
    lead_time_days = serializers.IntegerField(min_value=1, required=False)


class ExportQuerySerializer(serializers.Serializer):
    location = serializers.CharField(required=False)


class ExportTooLarge(DomainError):
    pass


class ForecastViewSet(MerchantReadOnlyViewSet):
    """Forecasts of succeeded runs, in id order: one per SKU and location per run, with its
    quantiles per day (one value per level of `levels`), the model the backtest chose and
    its scores, the run's model version, and the SHAP explanation once a worker has stored
    one (null before)."""

    # The model, for the router and the schema; the rows come from the selector.
    queryset = SeriesForecast.objects.all()
    serializer_class = s.ForecastSerializer
    filterset_class = f.ForecastFilterSet
    ordering = "id"

    def get_queryset(self):
        return selectors.published_forecasts(merchant=self.merchant)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lead_time_days",
                int,
                description="Also give `lead_time_demand`: demand summed over this many days "
                "from the first day, as quantiles of the sum at each of `levels` (1 to the "
                "forecast's horizon).",
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        forecast = self.get_object()
        query = LeadTimeQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise InvalidParameter(query.errors, location=QUERY)
        context = self.get_serializer_context()
        days = query.validated_data.get("lead_time_days")
        if days is not None:
            quantiles = forecast.array()
            if days > quantiles.shape[1]:
                raise InvalidParameter(
                    {"lead_time_days": [f"At most the horizon, {quantiles.shape[1]} days."]}
                )
            # Seeded by the SKU, as the portal's projection is: the same answer every time.
            sums = lead_time_demand(
                quantiles[:, :days],
                forecast.path_correlation,
                days,
                seed=forecast.sku_id,
                common=forecast.path_common_share,
            )
            context["lead_time_demand"] = {
                forecast.pk: {"days": days, "quantiles": s.rounded(sums)}
            }
        return Response(s.ForecastSerializer(forecast, context=context).data)


class ForecastRunViewSet(MerchantReadOnlyViewSet):
    """Succeeded forecast runs, newest first; `export` gives all of a run's forecasts."""

    queryset = ForecastRun.objects.all()
    serializer_class = s.ForecastRunSerializer
    filterset_class = f.ForecastRunFilterSet
    ordering_fields = ["id", "finished_at"]
    ordering = "-id"

    def get_queryset(self):
        return selectors.published_runs(merchant=self.merchant).order_by("-id")

    @extend_schema(
        summary="All of a run's forecasts as CSV",
        description="One row per series and day: `run`, `sku` and `location` (codes), "
        "`date`, `model`, then one column per quantile level (`q0.01` ... `q0.99`). Streamed "
        "a batch of series at a time; a run of more than API_FORECAST_EXPORT_MAX_SERIES "
        "series (200,000 by default) is refused: export it one `location` at a time.",
        parameters=[
            OpenApiParameter(
                "location", str, description="Only the forecasts of the location with this code."
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The forecasts, with a header row."
            ),
            400: OpenApiResponse(
                description="An invalid parameter, or more series than an export holds."
            ),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[exports.CSVRenderer])
    def export(self, request, *args, **kwargs):
        run, location = self._export_scope(request)
        response = StreamingHttpResponse(
            exports.csv_lines(self.merchant, run.pk, location),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="forecast-run-{run.pk}.csv"'
        return response

    @extend_schema(
        summary="All of a run's forecasts as Parquet",
        description="The rows and columns of the CSV export, typed: `run` (int64), `sku`, "
        "`location` and `model` (string), `date` (date32), `q0.01` ... `q0.99` (float64, the "
        "same rounded values as the CSV). Streamed, a row group per batch of series, with the "
        "same limit as the CSV export (API_FORECAST_EXPORT_MAX_SERIES): a larger run is "
        "exported one `location` at a time.",
        parameters=[
            OpenApiParameter(
                "location", str, description="Only the forecasts of the location with this code."
            )
        ],
        responses={
            (200, exports.PARQUET_MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The forecasts, one Parquet file."
            ),
            400: OpenApiResponse(
                description="An invalid parameter, or more series than an export holds."
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export/parquet",
        url_name="export-parquet",
        renderer_classes=[exports.ParquetRenderer],
    )
    def export_parquet(self, request, *args, **kwargs):
        run, location = self._export_scope(request)
        response = StreamingHttpResponse(
            exports.parquet_parts(self.merchant, run.pk, location),
            content_type=exports.PARQUET_MEDIA_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="forecast-run-{run.pk}.parquet"'
        return response

    def _export_scope(self, request) -> tuple[ForecastRun, str | None]:
        """The run to export and the location asked for; refuses a run of more series than
        an export holds (API_FORECAST_EXPORT_MAX_SERIES)."""
        run = self.get_object()
        query = ExportQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise InvalidParameter(query.errors, location=QUERY)
        location = query.validated_data.get("location")
        series = selectors.published_forecasts(merchant=self.merchant).filter(run=run)
        if location is not None:
            series = series.filter(location__code=location)
        limit = settings.API_FORECAST_EXPORT_MAX_SERIES
        if series.count() > limit:
            raise ExportTooLarge(
                gettext(
                    "This export holds more than %(limit)s series: export the run one "
                    "location at a time (`location`)."
                )
                % {"limit": format(limit, ",")}
            )
        return run, location


class ForecastOverrideViewSet(MerchantModelViewSet):
    """Planners' overrides of the forecast, newest first, each with its audit. Setting,
    changing and ending one needs the plan permission; suggestions and alerts take it from
    their next update. DELETE ends an override (from today on the model's forecast stands
    again) and keeps it, with its audit, for forecast value added; an ended one cannot change."""

    queryset = ForecastOverride.objects.all()
    serializer_class = s.ForecastOverrideSerializer
    filterset_class = f.ForecastOverrideFilterSet
    ordering = "-id"

    def get_queryset(self):
        return selectors.forecast_overrides(merchant=self.merchant, with_events=True).order_by(
            "-id"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["merchant"] = self.merchant
        context["today"] = selectors.merchant_today(self.merchant)
        return context

    def _answer(self, override: ForecastOverride, status: int = 200) -> Response:
        stored = self.get_queryset().get(pk=override.pk)
        return Response(self.get_serializer(stored).data, status=status)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        sku, location = values.pop("sku"), values.pop("location", None)
        override = services.forecast_override_create(
            merchant=self.merchant,
            sku_id=sku.pk,
            location_id=location.pk if location else None,
            **values,
            **caller(request),
        )
        return self._answer(override, status=201)

    def update(self, request, *args, **kwargs):
        override = self.get_object()  # another merchant's or a missing one: 404 first
        body = self.get_serializer(override, data=request.data, partial=kwargs.get("partial"))
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        sku = values.pop("sku", override.sku)
        if sku.pk != override.sku_id:
            raise serializers.ValidationError(
                {"sku": ["An override's SKU does not change: end it and set a new one."]}
            )
        try:
            override = services.forecast_override_update(
                merchant=self.merchant, pk=override.pk, **values, **caller(request)
            )
        except ForecastOverride.DoesNotExist as error:
            raise Http404("No such forecast override.") from error
        return self._answer(override)

    def destroy(self, request, *args, **kwargs):
        override = self.get_object()
        services.forecast_override_end(merchant=self.merchant, pk=override.pk, **caller(request))
        return Response(status=204)


class ValueAddedQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text="The first day measured (default: 90 days before the last)."
    )
    date_to = serializers.DateField(
        required=False, help_text="The last day measured (default: the last day with sales)."
    )

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": ["On or after date_from."]})
        return attrs


class ForecastValueAddedView(MerchantAPIView):
    """Forecast value added: on the SKU-days the planners' overrides changed and whose sales
    are in, the median of the model's forecast, of the forecast with the override and of
    seasonal naive against what sold (MAE, WAPE), overall and per planner
    (forecasting/value_added.py)."""

    @extend_schema(parameters=[ValueAddedQuerySerializer], responses=s.ForecastValueAddedSerializer)
    def get(self, request, *args, **kwargs):
        query = ValueAddedQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise InvalidParameter(query.errors, location=QUERY)
        report = forecast_value_added(
            merchant=self.merchant,
            start=query.validated_data.get("date_from"),
            end=query.validated_data.get("date_to"),
        )
        return Response(s.ForecastValueAddedSerializer(report).data)
