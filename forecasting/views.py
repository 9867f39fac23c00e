"""Portal pages of forecasting: the runs, one SKU's forecast as a fan chart with the planners'
overrides, and how the forecasts and the overrides did (accuracy)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.errors import DomainError
from accounts.portal import MerchantViewMixin, RunStatusView
from accounts.roles import Permission
from core import dispatch
from forecasting import selectors, services
from forecasting.charts import sku_forecast_chart
from forecasting.forms import ForecastOverrideForm
from forecasting.models import ForecastOverride, ForecastRun, ModelVersion, TrainingRun
from forecasting.value_added import forecast_value_added
from inventory import selectors as inventory_selectors


class ForecastRunsView(MerchantViewMixin, TemplateView):
    template_name = "forecasting/runs.html"
    model = ForecastRun

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["runs"] = runs = list(self.get_queryset().order_by("-created_at")[:20])
        context["active_run"] = next(
            (run for run in runs if run.status in (run.Status.QUEUED, run.Status.RUNNING)), None
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can(Permission.PLAN):
            raise PermissionDenied(gettext("Only planners and owners start forecast runs."))
        services.forecast_run_create(merchant=self.merchant)
        messages.success(request, _("A forecast run is queued; it appears below when it is done."))
        return redirect("forecasting:runs", merchant_slug=self.merchant.slug)


class ForecastRunStatusView(RunStatusView):
    """A forecast run's progress bar: the chunks of a large store's run done of all; a run
    forecast in one piece has no count (the bar runs without one)."""

    model = ForecastRun

    def progress(self, run: ForecastRun) -> tuple[int, int, str]:
        chunks = run.chunks.all()
        total = chunks.count()
        done = chunks.filter(status=ForecastRun.Status.SUCCEEDED).count()
        if total:
            label = _("Forecasting: part %(done)s of %(total)s done.") % {
                "done": done,
                "total": total,
            }
        else:
            label = _("Forecasting: %(state)s.") % {"state": run.get_status_display().lower()}
        return done, total, label


class SkuForecastView(MerchantViewMixin, TemplateView):
    """A SKU's forecast per location, with the planners' overrides beside the model's
    forecast, and (plan permission) the form to set one."""

    template_name = "forecasting/sku_forecast.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sku = inventory_selectors.sku_detail(merchant=self.merchant, pk=self.kwargs["pk"])
        if sku is None:
            raise Http404(gettext("No such SKU."))
        levels = inventory_selectors.sku_stock_by_location(merchant=self.merchant, sku=sku)
        stock = {level.location_id: level for level in levels}
        forecasts = selectors.latest_forecasts_for_sku(merchant=self.merchant, sku_id=sku.pk)
        adjustments = selectors.overrides_in_force(merchant=self.merchant, sku_ids=[sku.pk])
        # the orders still to be placed (planning's suggestions), found without importing it
        suggested = {
            order.location_id: order
            for path in settings.SKU_SUGGESTED_ORDERS
            for order in import_string(path)(self.merchant, sku.pk)
        }
        charts = []
        for forecast in forecasts:
            chart = sku_forecast_chart(
                merchant=self.merchant,
                sku=sku,
                forecast=forecast,
                stock_level=stock.get(forecast.location_id),
                adjustments=adjustments,
                suggested=suggested.get(forecast.location_id),
            )
            chart["explanation"] = self.explanation(forecast)
            charts.append(chart)
        run = selectors.latest_run(merchant=self.merchant)
        locations = {forecast.location.pk: forecast.location for forecast in forecasts}
        locations.update((level.location.pk, level.location) for level in levels)
        today = selectors.merchant_today(self.merchant)
        if "override_form" not in context and self.can(Permission.PLAN):
            context["override_form"] = self.override_form(None, locations, today)
        overrides = selectors.sku_forecast_overrides(merchant=self.merchant, sku_id=sku.pk)
        for override in overrides:
            override.state = override.state_on(today)
        context.update(sku=sku, charts=charts, run=run, overrides=overrides, today=today)
        context.setdefault("override_locations", locations)
        return context

    def override_form(self, data, locations: dict, today) -> ForecastOverrideForm:
        ordered = sorted(locations.values(), key=lambda location: location.code)
        return ForecastOverrideForm(data, locations=ordered, today=today)

    def post(self, request, *args, **kwargs):
        """Set an override (plan permission); the page again with the errors if refused."""
        sku = inventory_selectors.sku_detail(merchant=self.merchant, pk=self.kwargs["pk"])
        if sku is None:
            raise Http404(gettext("No such SKU."))
        if not self.can(Permission.PLAN):
            raise PermissionDenied(gettext("Only planners and owners override forecasts."))
        locations = {
            forecast.location.pk: forecast.location
            for forecast in selectors.latest_forecasts_for_sku(
                merchant=self.merchant, sku_id=sku.pk
            )
        }
        locations.update(
            (level.location.pk, level.location)
            for level in inventory_selectors.sku_stock_by_location(merchant=self.merchant, sku=sku)
        )
        form = self.override_form(request.POST, locations, selectors.merchant_today(self.merchant))
        if form.is_valid():
            try:
                services.forecast_override_create(
                    merchant=self.merchant,
                    sku_id=sku.pk,
                    actor=request.user,
                    via="portal",
                    **form.values(),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Override set: suggestions and alerts take it from their next update."),
                )
                return redirect(
                    "forecasting:sku_forecast", merchant_slug=self.merchant.slug, pk=sku.pk
                )
        context = self.get_context_data(override_form=form)
        return self.render_to_response(context, status=400)

    def explanation(self, forecast) -> dict | None:
        """SHAP values, computed once by a worker and kept with the forecast; None if it
        cannot be explained. The first view queues the computation (seconds of CPU) and the
        page says so, rather than holding a web worker for it; where tasks run in this
        process (no broker: EXPLAIN_IN_REQUEST) it has run by the time the page is drawn."""
        explanation = forecast.explanation
        if not explanation:
            if not settings.EXPLAIN_IN_REQUEST:
                # with the broker away the page still answers; its next view queues it again
                dispatch.send_on_commit(
                    "forecasting.explain_forecast_task",
                    merchant_id=self.merchant.pk,
                    forecast_id=forecast.pk,
                )
                return {"pending": True}
            dispatch.send(
                "forecasting.explain_forecast_task",
                in_this_request=True,
                merchant_id=self.merchant.pk,
                forecast_id=forecast.pk,
            )
            explanation = selectors.forecast_explanation(
                merchant=self.merchant, forecast_id=forecast.pk
            )
            if not explanation:
                return None
        largest = max((abs(group["value"]) for group in explanation["groups"]), default=0) or 1
        for group in explanation["groups"]:
            group["width"] = round(100 * abs(group["value"]) / largest)
        return explanation


class ForecastOverrideEndView(MerchantViewMixin, View):
    """End an override now (plan permission): the model's forecast stands again."""

    required_permission = Permission.PLAN
    model = ForecastOverride

    def post(self, request, *args, **kwargs):
        override = self.get_object_or_404(self.kwargs["pk"])
        services.forecast_override_end(
            merchant=self.merchant, pk=override.pk, actor=request.user, via="portal"
        )
        messages.success(request, _("Override ended: the model's forecast stands again."))
        return redirect(
            "forecasting:sku_forecast", merchant_slug=self.merchant.slug, pk=override.sku_id
        )


class AccuracyView(MerchantViewMixin, TemplateView):
    """How the forecasts did: the model against seasonal naive over the last four weeks of
    sales, and the planners' overrides against both (forecast value added), overall and per
    planner; with the latest overrides."""

    template_name = "forecasting/accuracy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = selectors.latest_accuracy(merchant=self.merchant)
        accuracy = found[0] if found else None
        today = selectors.merchant_today(self.merchant)
        overrides = list(selectors.forecast_overrides(merchant=self.merchant)[:20])
        for override in overrides:
            override.state = override.state_on(today)
        gain = None
        if accuracy and accuracy.get("wql") is not None and accuracy.get("naive_wql"):
            gain = 1 - accuracy["wql"] / accuracy["naive_wql"]
        context.update(
            accuracy=accuracy,
            accuracy_gain=gain,
            value_added=forecast_value_added(merchant=self.merchant),
            overrides=overrides,
        )
        return context


class ModelsView(MerchantViewMixin, TemplateView):
    """The merchant's forecasting model: training runs with their progress, the versions with
    their backtests, fine-tune now, activate a version, roll back."""

    template_name = "forecasting/models.html"
    model = ModelVersion

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        training_runs = list(
            TrainingRun.objects.for_merchant(self.merchant)
            .select_related("version")
            .order_by("-created_at")[:20]
        )
        context.update(
            training_runs=training_runs,
            versions=self.get_queryset().select_related("parent").order_by("-created_at")[:20],
            active=selectors.active_version(self.merchant),
            training_now=any(run.status in ("queued", "running") for run in training_runs),
            base_card=base_model_card(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not self.can(Permission.PLAN):
            raise PermissionDenied(gettext("Only planners and owners train models."))
        run = services.training_run_create(merchant=self.merchant)
        if run is None:
            messages.info(request, _("A training run is already queued or running."))
        else:
            messages.success(request, _("Fine-tuning is queued; its progress shows below."))
        return redirect("forecasting:models", merchant_slug=self.merchant.slug)


class ModelVersionActivateView(MerchantViewMixin, View):
    required_permission = Permission.PLAN
    model = ModelVersion

    def post(self, request, *args, **kwargs):
        version = self.get_object_or_404(self.kwargs["pk"])
        services.model_version_activate(merchant=self.merchant, version_id=version.pk)
        messages.success(
            request, _("Version %(version)s now serves your forecasts.") % {"version": version.pk}
        )
        return redirect("forecasting:models", merchant_slug=self.merchant.slug)


class ModelRollbackView(MerchantViewMixin, View):
    required_permission = Permission.PLAN
    model = ModelVersion

    def post(self, request, *args, **kwargs):
        try:
            version = services.model_version_rollback(merchant=self.merchant)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Rolled back to version %(version)s.") % {"version": version.pk}
                if version
                else _("Rolled back to the shipped base model."),
            )
        return redirect("forecasting:models", merchant_slug=self.merchant.slug)


def base_model_card() -> dict:
    """The shipped base model's training record (steps, seed, time, scores)."""
    path = settings.FORECAST_BASE_MODEL_DIR / "training.json"
    if not path.exists():
        return {}
    record = json.loads(path.read_text())
    record.pop("losses", None)
    return record
