"""Portal pages of forecasting: the runs, and one SKU's forecast as a fan chart."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import TemplateView

from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from forecasting import selectors, services
from forecasting.charts import fan_chart
from forecasting.models import ForecastRun
from forecasting.quantiles import LEVELS, MEDIAN_INDEX
from inventory import selectors as inventory_selectors

HISTORY_DAYS = 84


class ForecastRunsView(MerchantViewMixin, TemplateView):
    template_name = "forecasting/runs.html"
    model = ForecastRun

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = self.get_queryset().order_by("-created_at")[:20]
        return context

    def post(self, request, *args, **kwargs):
        if not self.can(Permission.PLAN):
            raise PermissionDenied("Only planners and owners start forecast runs.")
        services.forecast_run_create(merchant=self.merchant)
        messages.success(request, "A forecast run is queued; it appears below when it is done.")
        return redirect("forecasting:runs", merchant_slug=self.merchant.slug)


class SkuForecastView(MerchantViewMixin, TemplateView):
    template_name = "forecasting/sku_forecast.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sku = inventory_selectors.sku_detail(merchant=self.merchant, pk=self.kwargs["pk"])
        if sku is None:
            raise Http404("No such SKU.")
        charts = []
        for forecast in selectors.latest_forecasts_for_sku(merchant=self.merchant, sku_id=sku.pk):
            quantiles = forecast.array()
            start = forecast.first_date - dt.timedelta(days=HISTORY_DAYS)
            days, history = inventory_selectors.sku_daily_units(
                merchant=self.merchant,
                sku=sku,
                location_id=forecast.location_id,
                start=start,
                end=forecast.first_date - dt.timedelta(days=1),
            )
            charts.append(
                {
                    "forecast": forecast,
                    "chart": fan_chart(
                        days, np.array(history, dtype=float), forecast.first_date, quantiles
                    ),
                    "next_week": float(quantiles[MEDIAN_INDEX][:7].sum()),
                    "next_four_weeks": float(quantiles[MEDIAN_INDEX][:28].sum()),
                    "levels": LEVELS,
                }
            )
        context.update(sku=sku, charts=charts, run=selectors.latest_run(merchant=self.merchant))
        return context
