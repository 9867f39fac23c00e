"""Portal pages of inventory: the merchant dashboard, the catalogue and one SKU."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from accounts.portal import MerchantViewMixin
from inventory import charts, selectors
from inventory.models import SKU, Location


class DashboardView(MerchantViewMixin, TemplateView):
    template_name = "inventory/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = selectors.merchant_overview(merchant=self.merchant)
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
        skus = selectors.sku_list(
            merchant=self.merchant, search=search, category=category, active=active, sort=sort
        )
        page = Paginator(skus, self.page_size).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        context.update(
            page=page,
            search=search,
            category=category,
            categories=selectors.sku_categories(merchant=self.merchant),
            sort=sort,
            status=status,
            querystring=query.urlencode(),
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
            chart=charts.weekly_bars(weekly),
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
