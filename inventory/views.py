"""Portal pages of inventory: the merchant dashboard, the catalogue and one SKU."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.forms import add_form_errors
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from core.spreadsheets import spreadsheet_safe
from core.uploads import uploads_too_large
from inventory import calendar_dates, calendars, charts, selectors
from inventory.forms import (
    EVERY_LOCATION,
    CalendarDefaultsForm,
    CalendarPresetForm,
    ImportUploadForm,
)
from inventory.ingest import import_uploads, imports
from inventory.models import SKU, CalendarPreset, ImportJob, Location


class DashboardView(MerchantViewMixin, TemplateView):
    template_name = "inventory/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = selectors.merchant_overview(merchant=self.merchant)
        context["panels"] = [
            render_to_string(template, {**context, **panel}, request=self.request)
            for template, panel in (
                import_string(path)(self.merchant) for path in settings.DASHBOARD_PANELS
            )
        ]
        return context


class SkuListView(MerchantViewMixin, TemplateView):
    template_name = "inventory/sku_list.html"
    model = SKU
    page_size = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        search = params.get("q", "").strip()[:100]
        category = params.get("category", "")
        sort = params.get("sort", "code")
        status = params.get("status", "active")
        active = {"active": True, "inactive": False}.get(status)
        suppliers = selectors.supplier_choices(merchant=self.merchant)
        supplier = params.get("supplier", "")
        supplier_id = int(supplier) if supplier.isdigit() else None
        if supplier_id not in {pk for pk, _name in suppliers}:
            supplier, supplier_id = "", None
        figures = selectors.sku_summary_freshness(merchant=self.merchant)
        skus = selectors.sku_list(
            merchant=self.merchant,
            search=search,
            category=category,
            supplier=supplier_id,
            active=active,
            sort=sort,
        )
        extra = []
        for path in settings.SKU_LIST_FILTERS:
            for extra_filter in import_string(path)(self.merchant):
                value = params.get(extra_filter.name, "")
                if value not in {choice for choice, _label in extra_filter.choices}:
                    value = ""
                if value:
                    skus = extra_filter.apply(skus, value)
                extra.append({"filter": extra_filter, "value": value})
        page = Paginator(skus, self.page_size).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        context.update(
            page=page,
            search=search,
            category=category,
            categories=selectors.sku_categories(merchant=self.merchant),
            supplier=supplier,
            suppliers=suppliers,
            extra_filters=extra,
            filtered=bool(search or category or supplier or any(f["value"] for f in extra)),
            sort=sort,
            status=status,
            querystring=query.urlencode(),
            figures=figures,
        )
        return context


class SkuDetailView(MerchantViewMixin, TemplateView):
    template_name = "inventory/sku_detail.html"
    model = SKU

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sku = selectors.sku_detail(merchant=self.merchant, pk=self.kwargs["pk"])
        if sku is None:
            raise Http404(gettext("No such SKU."))
        weekly = selectors.sku_weekly_sales(merchant=self.merchant, sku=sku)
        context.update(
            sku=sku,
            weekly=weekly,
            chart=charts.weekly_chart(weekly),
            stock=selectors.sku_stock_by_location(merchant=self.merchant, sku=sku),
            supplier_items=list(sku.supplier_items.all()),
        )
        return context


class LocationListView(MerchantViewMixin, TemplateView):
    template_name = "inventory/location_list.html"
    model = Location

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locations"] = self.get_queryset().order_by("code")
        return context


class CalendarSettingsView(MerchantViewMixin, TemplateView):
    """The built-in calendars (public holidays, shopping festivals) each location follows:
    one click for a country's defaults, or a choice per location. Saving writes their days
    as calendar events at once (`inventory.calendars`)."""

    template_name = "inventory/calendars.html"
    model = CalendarPreset

    def locations(self):
        return Location.objects.for_merchant(self.merchant).order_by("code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        locations = list(self.locations())
        if "preset_form" not in kwargs:
            scope = self.request.GET.get("location", EVERY_LOCATION)
            location = next((loc for loc in locations if str(loc.pk) == scope), None)
            preset = calendars.calendar_preset_for(merchant=self.merchant, location=location)
            initial = {"location": str(location.pk) if location else EVERY_LOCATION}
            if preset is not None:
                initial.update(
                    country=preset.country,
                    subdivision=preset.subdivision,
                    public_holidays=preset.public_holidays,
                    festivals=preset.festivals,
                    prime_day_dates=CalendarPresetForm.prime_day_text(preset.prime_day_dates),
                )
            context["preset_form"] = CalendarPresetForm(initial=initial, locations=locations)
        context.setdefault(
            "defaults_form",
            CalendarDefaultsForm(
                initial={"country": calendar_dates.guess_country(self.merchant.timezone)}
            ),
        )
        context["presets"] = calendars.calendar_presets(merchant=self.merchant)
        return context

    def post(self, request, *args, **kwargs):
        if not self.can(Permission.PLAN):
            raise PermissionDenied(gettext("Only planners and owners change the calendars."))
        if request.POST.get("action") == "defaults":
            form = CalendarDefaultsForm(request.POST)
            if form.is_valid():
                return self._saved(
                    lambda: calendars.calendar_preset_use_defaults(
                        merchant=self.merchant,
                        country=form.cleaned_data["country"],
                        actor=request.user,
                    ),
                    form,
                    "defaults_form",
                )
            return self.render_to_response(self.get_context_data(defaults_form=form), status=400)
        locations = list(self.locations())
        form = CalendarPresetForm(request.POST, locations=locations)
        if form.is_valid():
            data = form.cleaned_data
            location = next((loc for loc in locations if str(loc.pk) == data["location"]), None)
            return self._saved(
                lambda: calendars.calendar_preset_save(
                    merchant=self.merchant,
                    location=location,
                    actor=request.user,
                    **calendars.preset_settings(data),
                ),
                form,
                "preset_form",
            )
        return self.render_to_response(self.get_context_data(preset_form=form), status=400)

    def _saved(self, save, form, name: str):
        try:
            preset = save()
        except ValidationError as error:
            add_form_errors(form, error)
            return self.render_to_response(self.get_context_data(**{name: form}), status=400)
        if preset.location:
            message = _("Calendars of %(location)s saved; their days are in.") % {
                "location": preset.location.code
            }
        else:
            message = _("Calendars of every location saved; their days are in.")
        messages.success(self.request, message)
        return redirect("inventory:calendars", merchant_slug=self.merchant.slug)


class CalendarPresetDeleteView(MerchantViewMixin, View):
    """Switch off every built-in calendar of one location: its generated events go too."""

    required_permission = Permission.PLAN
    model = CalendarPreset

    def post(self, request, pk: int):
        preset = self.get_object_or_404(pk)
        calendars.calendar_preset_delete(merchant=self.merchant, preset=preset, actor=request.user)
        messages.success(request, _("Those calendars are switched off and their days removed."))
        return redirect("inventory:calendars", merchant_slug=self.merchant.slug)


# -- data: CSV imports ---------------------------------------------------------------------------
class DataView(MerchantViewMixin, TemplateView):
    """Upload a CSV (or gzip of one) of any resource; recent imports with their state."""

    template_name = "inventory/data.html"
    required_permission = Permission.PLAN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportUploadForm())
        jobs = list(selectors.recent_imports(merchant=self.merchant))
        for job in jobs:
            platform = import_uploads.platform_of(job)
            job.platform_label = platform.label if platform else ""
        context["jobs"] = jobs
        context["sync"] = selectors.sync_status(merchant=self.merchant)
        return context

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(
            request.POST, request.FILES, file_too_large="file" in uploads_too_large(request)
        )
        if form.is_valid():
            try:
                job = import_uploads.import_create(
                    merchant=self.merchant,
                    resource_name=form.cleaned_data["resource"],
                    upload=form.cleaned_data["file"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                return redirect(
                    "inventory:import_detail", merchant_slug=self.merchant.slug, pk=job.pk
                )
        status = 413 if form.refused_for_size else 400
        return self.render_to_response(self.get_context_data(form=form), status=status)


class ImportDetailView(MerchantViewMixin, TemplateView):
    """Map the columns of an uploaded file, then follow its progress and results."""

    template_name = "inventory/import_detail.html"
    required_permission = Permission.PLAN
    model = ImportJob

    def get_job(self) -> ImportJob:
        return self.get_object_or_404(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = kwargs.get("job") or self.get_job()
        done, total = imports.import_progress(job)
        context.update(
            job=job,
            done=done,
            total=total,
            # in the file's order, which the form's map-<index> names follow (a JSON object
            # read back from PostgreSQL has its keys in jsonb's order, not the file's)
            columns=[(column, job.mapping.get(column, "")) for column in job.header],
            fields=import_uploads.target_fields(job.resource),
            required=[
                c.name for c in import_uploads.IMPORTABLE[job.resource].columns if c.required
            ],
            platform=import_uploads.platform_of(job),
        )
        if job.platform and job.status == ImportJob.Status.MAPPING:
            context["locations"] = selectors.location_choices(merchant=self.merchant)
        return context

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        mapping = {
            column: request.POST.get(f"map-{index}", "") for index, column in enumerate(job.header)
        }
        try:
            import_uploads.import_confirm(
                merchant=self.merchant,
                job=job,
                mapping=mapping,
                options={
                    "create_missing_skus": request.POST.get("create_missing_skus") == "on",
                    "location": request.POST.get("location", ""),
                },
            )
        except ValidationError as error:
            if not job.platform:
                job.mapping = mapping
            context = self.get_context_data(job=job, mapping_errors=error.messages)
            return self.render_to_response(context, status=400)
        return redirect("inventory:import_detail", merchant_slug=self.merchant.slug, pk=job.pk)


class ImportStatusView(MerchantViewMixin, View):
    """The progress bar's feed (JSON)."""

    required_permission = Permission.PLAN
    model = ImportJob

    def get(self, request, pk: int):
        job = self.get_object_or_404(pk)
        done, total = imports.import_progress(job)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "rows_done": done,
                "rows_total": total,
                "percent": job.percent(done, total),
                "finished": job.is_finished,
                "message": job.message_text,
                "error_count": job.error_count,
            }
        )


class ImportErrorReportView(MerchantViewMixin, View):
    """Every bad row of a failed import, as CSV (cells safe to open in a spreadsheet)."""

    required_permission = Permission.PLAN
    model = ImportJob

    def get(self, request, pk: int):
        job = self.get_object_or_404(pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = job.original_name.rsplit(".", 1)[0] or "import"
        response["Content-Disposition"] = f'attachment; filename="{name}-errors.csv"'
        writer = csv.writer(response)
        writer.writerow(["line", "field", "value", "message"])
        for error in job.errors_shown:  # in the reader's language
            writer.writerow(
                spreadsheet_safe(error.get(key)) for key in ("line", "field", "value", "message")
            )
        return response
