"""The forecasting API: the stored forecasts (quantiles per SKU, location and day, with the
model, version, accuracy and explanation behind them), the runs that made them, and a run's
forecasts as one streamed CSV. Read-only: the view permission (viewer tokens) is enough.
Only succeeded runs are shown; nothing is forecast or explained in a request."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api.base import MerchantReadOnlyViewSet
from accounts.api.problems import QUERY, InvalidParameter
from accounts.errors import DomainError
from forecasting import selectors
from forecasting.api import filters as f
from forecasting.api import serializers as s
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.paths import lead_time_demand
from forecasting.quantiles import LEVELS

EXPORT_COLUMNS = ["run", "sku", "location", "date", "model", *(f"q{level:g}" for level in LEVELS)]
EXPORT_BATCH_SERIES = 500


class CSVRenderer(renderers.BaseRenderer):
    """Lets a request that accepts only text/csv reach the export (content negotiation); the
    export writes its own streamed body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


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
                quantiles[:, :days], forecast.path_correlation, days, seed=forecast.sku_id
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
    @action(detail=True, methods=["get"], renderer_classes=[CSVRenderer])
    def export(self, request, *args, **kwargs):
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
                f"This export holds more than {limit:,} series: export the run one location "
                "at a time (`location`)."
            )
        response = StreamingHttpResponse(
            _csv_lines(self.merchant, run.pk, location), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="forecast-run-{run.pk}.csv"'
        return response


def _csv_lines(merchant, run_id: int, location: str | None):
    """The export's text, a batch of series at a time (read after the request's transaction
    has ended, each batch in its own tenant transaction: `selectors.run_forecast_batches`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    yield buffer.getvalue()
    for batch in selectors.run_forecast_batches(
        merchant=merchant,
        run_id=run_id,
        batch_size=EXPORT_BATCH_SERIES,
        location_code=location,
    ):
        buffer.seek(0)
        buffer.truncate()
        for sku, location_code, first_date, model, quantiles in batch:
            for step, values in enumerate(s.rounded(quantiles.T)):
                day = (first_date + dt.timedelta(days=step)).isoformat()
                writer.writerow([run_id, sku, location_code, day, model, *values])
        yield buffer.getvalue()
