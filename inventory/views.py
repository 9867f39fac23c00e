"""Portal pages of inventory: the merchant dashboard, the catalogue and one SKU."""

from __future__ import annotations

import csv

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.views import View
from django.views.generic import TemplateView

from accounts.forms import add_form_errors
from accounts.portal import MerchantViewMixin
from accounts.roles import Permission
from config.uploads import uploads_too_large
from inventory import charts, selectors
from inventory.exports import spreadsheet_safe
from inventory.forms import ImportUploadForm
from inventory.ingest import imports
from inventory.models import SKU, ImportJob, Location


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
            raise Http404("No such SKU.")
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


# -- data: CSV imports ---------------------------------------------------------------------------
class DataView(MerchantViewMixin, TemplateView):
    """Upload a CSV (or gzip of one) of any resource; recent imports with their state."""

    template_name = "inventory/data.html"
    required_permission = Permission.PLAN

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ImportUploadForm())
        context["jobs"] = selectors.recent_imports(merchant=self.merchant)
        context["sync"] = selectors.sync_status(merchant=self.merchant)
        return context

    def post(self, request, *args, **kwargs):
        form = ImportUploadForm(
            request.POST, request.FILES, file_too_large="file" in uploads_too_large(request)
        )
        if form.is_valid():
            try:
                job = imports.import_create(
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
            fields=imports.target_fields(job.resource),
            required=[c.name for c in imports.IMPORTABLE[job.resource].columns if c.required],
        )
        return context

    def post(self, request, *args, **kwargs):
        job = self.get_job()
        mapping = {
            column: request.POST.get(f"map-{index}", "") for index, column in enumerate(job.header)
        }
        try:
            imports.import_confirm(
                merchant=self.merchant,
                job=job,
                mapping=mapping,
                options={"create_missing_skus": request.POST.get("create_missing_skus") == "on"},
            )
        except ValidationError as error:
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
                "message": job.message,
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
        for error in job.errors:
            writer.writerow(
                spreadsheet_safe(error.get(key)) for key in ("line", "field", "value", "message")
            )
        return response
