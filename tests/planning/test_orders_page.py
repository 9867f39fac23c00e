"""The orders page for a morning's work: every line matching a filter approved, deferred or
edited at once (not just the page shown), per-supplier subtotals against the supplier's
minimum order, free shipping and budget, a quantity's cost, cover and fill rate recomputed as
it is typed, and the arithmetic behind each line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import numpy as np
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory.models import PurchaseOrder
from inventory.services import merchant_today
from planning import outcomes, selectors
from planning.models import Decision, ReorderSuggestion
from planning.services import planning_settings_update
from planning.views import SuggestionsView
from tests import factories


def listed(code: str) -> str:
    """A SKU's line on the page: its code as the link's text (a bare code such as "A2" can
    also turn up inside a random CSRF token)."""
    return f">{code}</a>"


class OrdersPageWorkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(
            Role.PLANNER, slug="shop", timezone="UTC"
        )
        cls.location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        cls.acme = factories.SupplierFactory(
            merchant=cls.merchant,
            code="ACME",
            name="Acme",
            minimum_order_value=Decimal("100"),
            free_shipping_threshold=Decimal("150"),
        )
        cls.bolt = factories.SupplierFactory(merchant=cls.merchant, code="BOLT", name="Bolt")
        cls.forecast = factories.succeeded_run(cls.merchant)
        # five lines of Acme (24 at 2 each: 48 a line), one of Bolt
        cls.acme_lines = [cls.line(f"A{i}", cls.acme) for i in range(5)]
        cls.bolt_line = cls.line("B0", cls.bolt)

    @classmethod
    def line(cls, code, supplier, **extra) -> ReorderSuggestion:
        sku = factories.SKUFactory(merchant=cls.merchant, code=code)
        return factories.reorder_suggestion(
            cls.merchant, cls.forecast, sku, cls.location, supplier, **extra
        )

    def setUp(self):
        self.client.force_login(self.planner)

    def url(self, name, *args):
        return reverse(f"planning:{name}", args=[self.merchant.slug, *args])

    def stored(self, line) -> ReorderSuggestion:
        with tenant_context(self.merchant):
            return ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=line.pk)

    def decide(self, follow=False, **data):
        return self.client.post(
            self.url("suggestions_decide"), {"status": "proposed", **data}, follow=follow
        )

    # -- select all --------------------------------------------------------------------------
    def test_select_all_approves_the_lines_of_every_page(self):
        with mock.patch.object(SuggestionsView, "page_size", 2):
            first = self.client.get(self.url("suggestions"), {"supplier": self.acme.pk})
            self.assertContains(first, "All 5 lines matching this filter, on every page")
            self.assertNotContains(first, listed("A3"))  # on page 2, not shown here
        self.decide(select="all", supplier=self.acme.pk, decision="approve", page="1")
        self.assertEqual([self.stored(line).status for line in self.acme_lines], ["approved"] * 5)
        self.assertEqual(self.stored(self.bolt_line).status, "proposed")  # not in the filter
        with tenant_context(self.merchant):
            order = PurchaseOrder.objects.for_merchant(self.merchant).get(supplier=self.acme)
            self.assertEqual(order.status, "draft")
            self.assertEqual(order.lines.count(), 5)
            self.assertEqual(
                Decision.objects.for_merchant(self.merchant).filter(action="approved").count(), 5
            )
        self.assertEqual(self.stored(self.acme_lines[4]).purchase_order_id, order.pk)

    def test_without_select_all_only_the_ticked_lines_are_approved(self):
        ticked = self.acme_lines[0]
        self.decide(select="ticked", ids=[ticked.pk], decision="approve")
        self.assertEqual(self.stored(ticked).status, "approved")
        self.assertEqual(
            [self.stored(line).status for line in self.acme_lines[1:]], ["proposed"] * 4
        )

    # -- defer -------------------------------------------------------------------------------
    def test_deferred_lines_are_hidden_until_their_day(self):
        today = merchant_today(self.merchant)
        until = today + dt.timedelta(days=3)
        deferred = self.acme_lines[:2]
        self.decide(ids=[line.pk for line in deferred], decision="defer", until=until.isoformat())
        self.assertEqual(self.stored(deferred[0]).deferred_until, until)
        page = self.client.get(self.url("suggestions")).content.decode()
        self.assertNotIn(listed("A0"), page)
        self.assertNotIn(listed("A1"), page)
        self.assertIn(listed("A2"), page)
        self.assertIn("deferred lines, hidden until their day", page)
        only = self.client.get(self.url("suggestions"), {"deferred": "1"}).content.decode()
        self.assertIn(listed("A0"), only)
        self.assertNotIn(listed("A2"), only)
        # select-all does not reach the hidden lines
        self.decide(select="all", decision="approve")
        self.assertEqual(self.stored(deferred[0]).status, "proposed")
        self.assertEqual(self.stored(self.acme_lines[2]).status, "approved")
        # on the day, they are back
        with mock.patch("planning.views.orders.merchant_today", return_value=until):
            back = self.client.get(self.url("suggestions")).content.decode()
        self.assertIn(listed("A0"), back)

    def test_a_deferral_must_lie_after_today(self):
        today = merchant_today(self.merchant)
        response = self.decide(
            ids=[self.bolt_line.pk], decision="defer", until=today.isoformat(), follow=True
        )
        self.assertContains(response, "Defer to a day after today.")
        self.assertIsNone(self.stored(self.bolt_line).deferred_until)

    # -- edit --------------------------------------------------------------------------------
    def test_bulk_edit_sets_or_scales_quantities_rounded_to_packs_and_moq(self):
        with tenant_context(self.merchant):
            ReorderSuggestion.objects.for_merchant(self.merchant).filter(
                pk=self.acme_lines[0].pk
            ).update(
                daily_demand=Decimal("2"), on_hand=Decimal("10"), on_order=Decimal("0"),
                lead_demand=Decimal("4"),
            )  # fmt: skip
        picked = [line.pk for line in self.acme_lines[:2]]
        self.decide(ids=picked, decision="edit", quantity="30")  # packs of 12, MOQ 24
        self.assertEqual(self.stored(self.acme_lines[0]).quantity, Decimal("36"))
        # (10 on hand - 4 sold before it arrives + 36) / 2 a day
        self.assertEqual(self.stored(self.acme_lines[0]).days_of_cover, Decimal("21.0"))
        self.assertEqual(self.stored(self.acme_lines[2]).quantity, Decimal("24"))  # not ticked
        self.decide(ids=picked, decision="edit", percent="-50")  # 18, below the MOQ: 24
        self.assertEqual(self.stored(self.acme_lines[1]).quantity, Decimal("24"))
        self.decide(select="all", supplier=self.acme.pk, decision="edit", percent="10")
        # 24 x 1.1 = 26.4: three packs of 12
        self.assertEqual(
            [self.stored(line).quantity for line in self.acme_lines], [Decimal("36")] * 5
        )
        self.assertEqual(self.stored(self.bolt_line).quantity, Decimal("24"))
        with tenant_context(self.merchant):
            edits = Decision.objects.for_merchant(self.merchant).filter(
                action="edited", suggestion_id=self.acme_lines[1].pk
            )
            self.assertEqual(
                sorted(edit.changes["quantity"][1] for edit in edits),
                ["24.000", "36.000", "36.000"],
            )

    def test_a_bulk_edit_without_a_number_is_refused(self):
        response = self.decide(ids=[self.bolt_line.pk], decision="edit", follow=True)
        self.assertContains(response, "Give a quantity or a percentage.")
        response = self.decide(
            ids=[self.bolt_line.pk], decision="edit", percent="-100", follow=True
        )
        self.assertContains(response, "leaves nothing")
        self.assertEqual(self.stored(self.bolt_line).quantity, Decimal("24"))

    # -- subtotals ---------------------------------------------------------------------------
    def test_subtotals_against_the_minimum_order_free_shipping_and_budget(self):
        with tenant_context(self.merchant):
            planning_settings_update(
                merchant=self.merchant, actor=None, supplier_budgets={self.acme.pk: "200"}
            )
        self.decide(ids=[line.pk for line in self.acme_lines[2:]], decision="reject",
                    reason="Range ends")  # fmt: skip
        # two Acme lines left: 96, below its minimum of 100 and its free shipping from 150
        with mock.patch.object(SuggestionsView, "page_size", 1):
            page = self.client.get(self.url("suggestions")).content.decode()
        self.assertIn("£4.00 below the minimum of £100.00", page)
        self.assertIn("£54.00 more ships free (from £150.00)", page)
        self.assertIn("48% of its £200.00", page)
        self.assertIn('<h2>Acme <span class="sub">ACME</span> · £96.00</h2>', page)
        # a third line of 48 lifts it over the minimum; free shipping still 6 away
        self.line("A9", self.acme)
        page = self.client.get(self.url("suggestions")).content.decode()
        self.assertIn("meets the minimum of £100.00", page)
        self.assertIn("£6.00 more ships free", page)
        # over the budget it says by how much
        with tenant_context(self.merchant):
            planning_settings_update(
                merchant=self.merchant, actor=None, supplier_budgets={self.acme.pk: "100"}
            )
            found = selectors.subtotals(
                merchant=self.merchant,
                line_filter=selectors.LineFilter(),
                today=merchant_today(self.merchant),
                settings=selectors.planning_settings(merchant=self.merchant),
            )
        acme = found.of(self.acme.pk)
        self.assertEqual((acme.lines, acme.cost), (3, Decimal("144.00")))
        self.assertEqual(acme.over_budget, Decimal("44.00"))
        self.assertEqual(acme.short_of_free_shipping, Decimal("6.00"))
        self.assertEqual(found.of(self.bolt.pk).short_of_free_shipping, None)  # no threshold


class InlineRecomputeTests(TestCase):
    """Demand of exactly 3 a day (every quantile 3), so each figure can be worked by hand."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(
            Role.PLANNER, slug="shop", timezone="UTC"
        )
        location = factories.LocationFactory(merchant=cls.merchant, code="WH")
        supplier = factories.SupplierFactory(merchant=cls.merchant, code="ACME")
        sku = factories.SKUFactory(merchant=cls.merchant, code="MUG")
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant, status=ForecastRun.Status.SUCCEEDED
            )
            SeriesForecast.objects.create(
                merchant=cls.merchant, run=run, sku=sku, location=location,
                first_date=dt.date(2024, 7, 1), model="test",
                quantiles=SeriesForecast.pack(np.full((len(LEVELS), 56), 3.0)),
            )  # fmt: skip
        # lead time 5 days (15 units), review 7 days (21 more): order up to 40.5 with 4.5
        # safety stock; position 20 on hand + 4 on order - 2 promised = 22; needed 18.5,
        # rounded to packs of 6 (MOQ 12): 24
        line = factories.reorder_suggestion(
            cls.merchant, run, sku, location, supplier, quantity="24"
        )
        with tenant_context(cls.merchant):
            ReorderSuggestion.objects.for_merchant(cls.merchant).filter(pk=line.pk).update(
            lead_time_days=Decimal("5"), lead_time_std_days=Decimal("0"), review_days=7,
            on_hand=Decimal("20"), on_order=Decimal("4"), committed=Decimal("2"),
            lead_demand=Decimal("15"), cycle_demand=Decimal("36"),
            safety_stock=Decimal("4.5"), order_up_to=Decimal("40.5"), needed=Decimal("18.5"),
            pack_size=Decimal("6"), moq=Decimal("12"), unit_cost=Decimal("2.5"),
            daily_demand=Decimal("3"), days_of_cover=Decimal("10.3"),
            expected_fill_rate=Decimal("1"), suggested_quantity=Decimal("24"),
            )  # fmt: skip
        cls.line = line

    def setUp(self):
        self.client.force_login(self.planner)

    def url(self, name):
        return reverse(f"planning:{name}", args=[self.merchant.slug, self.line.pk])

    def test_a_typed_quantity_gives_its_cost_cover_and_fill_rate(self):
        figures = self.client.get(self.url("suggestion_outcome"), {"quantity": "10"}).json()
        # 10 -> 12 (the MOQ, two packs); 22 - 15 = 7 left when it arrives; (7 + 12) / 3 a day;
        # the review's 21 units find 7 + 12 = 19: 2 short, 1 - 2/21 served
        self.assertEqual(figures["quantity"], "12.000")
        self.assertEqual(figures["cost"], "30.00")
        self.assertEqual(figures["days_of_cover"], "6.3")
        self.assertEqual(figures["expected_fill_rate"], "0.9048")
        self.assertEqual(figures["shown"]["cost"], "£30.00")
        self.assertEqual(figures["shown"]["expected_fill_rate"], "90.5%")
        self.assertEqual(figures["shown"]["days_of_cover"], "6 days")
        with tenant_context(self.merchant):  # nothing saved
            stored = ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=self.line.pk)
        self.assertEqual(stored.quantity, Decimal("24"))

    def test_setting_a_quantity_stores_its_figures(self):
        response = self.client.post(
            self.url("suggestion_quantity"), {"quantity": "13"}, HTTP_ACCEPT="application/json"
        )
        figures = response.json()
        # 13 -> 18 (three packs): (7 + 18) / 3 = 8.33 days; 21 - 7 - 18 < 0: nothing short
        self.assertEqual(
            (figures["quantity"], figures["cost"], figures["days_of_cover"]),
            ("18.000", "45.00", "8.3"),
        )
        self.assertEqual(figures["expected_fill_rate"], "1.0000")
        with tenant_context(self.merchant):
            stored = ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=self.line.pk)
        self.assertEqual(
            (stored.quantity, stored.days_of_cover, stored.expected_fill_rate),
            (Decimal("18"), Decimal("8.3"), Decimal("1")),
        )
        self.client.post(self.url("suggestion_quantity"), {"quantity": "6"})
        with tenant_context(self.merchant):
            stored = ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=self.line.pk)
        # 6 -> 12: (7 + 12) / 3; 2 of 21 short
        self.assertEqual(
            (stored.quantity, stored.days_of_cover, stored.expected_fill_rate),
            (Decimal("12"), Decimal("6.3"), Decimal("0.9048")),
        )

    def test_the_order_up_to_level_reads_as_a_count_where_it_is_whole(self):
        page = reverse("planning:suggestions", args=[self.merchant.slug])
        self.assertContains(self.client.get(page), '<td class="num">40.5</td>')
        with tenant_context(self.merchant):
            ReorderSuggestion.objects.for_merchant(self.merchant).filter(pk=self.line.pk).update(
                order_up_to=Decimal("40")
            )
        response = self.client.get(page)
        self.assertContains(response, '<td class="num">40</td>')
        self.assertNotContains(response, '<td class="num">40.0</td>')

    def test_a_quantity_that_is_not_a_number_is_refused(self):
        response = self.client.get(self.url("suggestion_outcome"), {"quantity": "lots"})
        self.assertEqual(response.status_code, 400)

    def test_the_why_adds_up_to_the_suggested_quantity(self):
        with tenant_context(self.merchant):
            line = ReorderSuggestion.objects.for_merchant(self.merchant).get(pk=self.line.pk)
        why = outcomes.why(line)
        self.assertEqual(
            [step.quantity for step in why.steps],
            [Decimal("15"), Decimal("21"), Decimal("4.5"), Decimal("-20"), Decimal("-4"),
             Decimal("2"), Decimal("5.5")],
        )  # fmt: skip
        running = Decimal("0")
        for step in why.steps:
            running += step.quantity
            self.assertEqual(step.total, running)
        self.assertEqual(why.order_up_to, line.order_up_to)
        self.assertEqual(why.needed, line.needed)
        self.assertEqual(why.suggested, line.suggested_quantity)
        self.assertIn("packs of 6, at least the MOQ of 12", why.rounding_label)
        page = self.client.get(
            reverse("planning:suggestions", args=[self.merchant.slug])
        ).content.decode()
        self.assertIn("Forecast demand over the lead time (5 days)", page)
        self.assertIn("Safety stock for the 95.0% fill-rate target", page)
        self.assertIn("<summary>Why 24</summary>", page)
