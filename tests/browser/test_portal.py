"""The portal in a real browser: Debian's Chromium, headless, driven by Playwright (never a
downloaded browser). A merchant signs in, uploads a CSV and watches it load, opens a SKU and
sees its forecast chart, approves a suggestion, and switches stores without seeing the other
store's data. A screenshot of each page goes to ``screenshots/`` for review.

Chromium comes from Debian's package (``.ci/run`` installs it); set ``CHROMIUM_PATH`` to use
another. Without it these tests are skipped, except under CI, where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import unittest
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from inventory.models import SalesDay
from planning.models import ReorderSuggestion
from tests.factories import (
    LocationFactory,
    MerchantFactory,
    PromotionFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SKUFactory,
    StockLevelFactory,
    SupplierFactory,
    UserFactory,
    member,
    reorder_suggestion,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PASSWORD = "correct-horse-battery-staple"
END = dt.date.today() - dt.timedelta(days=1)

# The main pages, each with a heading it shows in Chinese and in English.
MAIN_PAGES = [
    ("dashboard", "/m/alpha/", "今日概况", "This morning"),
    ("skus", "/m/alpha/skus/", "SKU", "SKUs"),
    ("sku", "/m/alpha/skus/{sku}/", "每周销量", "Weekly sales"),
    ("forecast", "/m/alpha/forecasts/skus/{sku}/", "每日销量", "Daily units"),
    ("forecasts", "/m/alpha/forecasts/", "运行记录", "Runs"),
    ("forecasting-model", "/m/alpha/forecasts/models/", "预测模型", "Forecasting model"),
    ("orders", "/m/alpha/planning/orders/", "待下订单", "Orders to place"),
    ("alerts", "/m/alpha/planning/alerts/", "预警", "Alerts"),
    ("promotions", "/m/alpha/planning/promotions/", "促销方案", "Promotion plans"),
    (
        "replay",
        "/m/alpha/planning/replay/",
        "订货策略的历史表现",
        "How the ordering policy would have done",
    ),
    ("planning-settings", "/m/alpha/planning/settings/", "计划设置", "Planning settings"),
    ("locations", "/m/alpha/locations/", "地点", "Locations"),
    ("calendars", "/m/alpha/locations/calendars/", "日历", "Calendars"),
    ("data", "/m/alpha/data/", "上传 CSV 文件", "Upload a CSV file"),
    ("members", "/m/alpha/members/", "成员", "Members"),
    ("stores", "/merchants/", "我的店铺", "Your stores"),
]
# The main navigation's name and its Forecasts link, [language code, Chinese, English].
NAVIGATION = ["", "主导航", "Main"]
FORECASTS = ["", "预测", "Forecasts"]
FORECAST_CHART = [
    "",
    "每日销量：近期销售及预测，含 80% 和 95% 区间",
    "Daily units: recent sales and the forecast with its 80% and 95% ranges",
]

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    sync_playwright = None


def _browser_missing() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed"
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


MISSING = _browser_missing()
if MISSING and os.environ.get("CI") == "true":
    raise RuntimeError(f"browser tests must run in CI: {MISSING}")


@unittest.skipIf(MISSING, MISSING or "")
class BrowserTestCase(StaticLiveServerTestCase):
    """The browser, Alpha's store (a mug with 90 days of sales, a forecast, a suggestion to
    order it from Acme, 60 on hand and an imported order of 120 on its way) and Beta's, and
    the helpers to sign in, open a page and take a screenshot. No tests of its own: the
    browser test modules subclass it."""

    @classmethod
    def setUpClass(cls):
        # Playwright's sync API keeps an event loop in this thread; the test's own database
        # calls between browser steps are synchronous and safe
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        SCREENSHOTS.mkdir(exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def setUp(self):
        self.user = UserFactory(email="owner@shop.test", password=PASSWORD)
        self.alpha = MerchantFactory(name="Alpha Homeware", slug="alpha")
        self.beta = MerchantFactory(name="Beta Garden", slug="beta")
        member(self.alpha, Role.OWNER, user=self.user)
        member(self.beta, Role.OWNER, user=self.user)
        location = LocationFactory(merchant=self.alpha, code="SHOP")
        supplier = SupplierFactory(merchant=self.alpha, code="ACME", name="Acme Wholesale")
        self.mug = SKUFactory(merchant=self.alpha, code="MUG-BLUE", name="Blue mug",
                              unit_price=Decimal("6"))  # fmt: skip
        SKUFactory(merchant=self.beta, code="BETA-ONLY", name="Garden hose")
        rng = np.random.default_rng(1)
        with tenant_context(self.alpha):
            SalesDay.objects.bulk_create(
                SalesDay(merchant=self.alpha, sku=self.mug, location=location,
                         date=END - dt.timedelta(days=i), units=int(rng.poisson(8)),
                         revenue=Decimal("48"))
                for i in range(90)
            )  # fmt: skip
            run = ForecastRun.objects.create(
                merchant=self.alpha, status=ForecastRun.Status.SUCCEEDED, history_end=END
            )
            spread = np.linspace(0.4, 1.8, len(LEVELS))[:, None] * 8
            SeriesForecast.objects.create(
                merchant=self.alpha, run=run, sku=self.mug, location=location,
                first_date=END + dt.timedelta(days=1), model="transformer+tsb@0.85",
                quantiles=SeriesForecast.pack(np.repeat(spread, 56, axis=1)),
            )  # fmt: skip
        self.suggestion = reorder_suggestion(self.alpha, run, self.mug, location, supplier)
        StockLevelFactory(merchant=self.alpha, sku=self.mug, location=location, on_hand=60)
        order = PurchaseOrderFactory(
            merchant=self.alpha, supplier=supplier, location=location,
            expected_arrival=END + dt.timedelta(days=10),
        )  # fmt: skip
        PurchaseOrderLineFactory(
            merchant=self.alpha, purchase_order=order, sku=self.mug, quantity_ordered=120
        )
        PromotionFactory(
            merchant=self.alpha, sku=self.mug, name="Spring sale", location=None,
            start_date=END + dt.timedelta(days=14), end_date=END + dt.timedelta(days=20),
            discount_percent=Decimal("20"),
        )  # fmt: skip
        # a reader west of UTC (where midnight of a day, UTC, is still the day before), whose
        # browser is set to American English: the portal's dates read as the server writes them
        self.page = self.browser.new_page(
            viewport={"width": 1280, "height": 900},
            timezone_id="America/New_York",
            locale="en-US",
        )
        # Whatever the Content-Security-Policy blocks, Chromium reports on the console: any
        # such report fails the test (the policy broke something the page needs).
        self.csp_violations: list[str] = []
        self.page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def tearDown(self):
        self.page.close()
        self.assertEqual(self.csp_violations, [], "the Content-Security-Policy blocked these")

    def go(self, path: str) -> None:
        self.page.goto(f"{self.live_server_url}{path}")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def sign_in(self, screenshot: str = "01-sign-in") -> None:
        self.go("/accounts/login/")
        self.page.fill("#id_username", self.user.email)
        self.page.fill("#id_password", PASSWORD)
        self.shot(screenshot)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()


class PortalInTheBrowserTests(BrowserTestCase):
    def test_a_merchants_morning_in_the_portal(self):
        self.sign_in()
        self.go("/m/alpha/")
        expect(self.page.locator("h1")).to_be_visible()
        self.shot("02-dashboard")

        # upload a CSV, map its columns and watch it load
        self.go("/m/alpha/data/")
        self.page.select_option("#id_resource", "sales")
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:
            handle.write("sku,location,date,units\n")
            handle.write(f"MUG-BLUE,SHOP,{END.isoformat()},11\n")
        self.page.set_input_files("#id_file", handle.name)
        self.page.click("text=Upload and map columns")
        expect(self.page.locator("text=Match the file's columns to fields")).to_be_visible()
        self.shot("03-import-mapping")
        self.page.click("text=Start the import")
        expect(self.page.get_by_role("heading", name="Loaded", exact=True)).to_be_visible(
            timeout=20_000
        )
        self.shot("04-import-loaded")
        Path(handle.name).unlink()
        with tenant_context(self.alpha):
            self.assertEqual(
                SalesDay.objects.for_merchant(self.alpha).get(sku=self.mug, date=END).units, 11
            )

        # the SKU's weekly sales and forecast charts are drawn in the browser from the page's data
        self.go(f"/m/alpha/skus/{self.mug.pk}/")
        bars = self.page.locator("#sales-chart svg.chart rect.bar")
        expect(bars.first).to_be_visible()
        self.assertGreaterEqual(bars.count(), 13)  # 90 days of sales
        self.shot("05a-sku-detail")
        # the value axis reads its values: weeks of at most 22 units are drawn on an axis to
        # 25, whose middle line is 12.5 (not rounded to 13, which it does not stand at)
        self.page.evaluate(
            """() => {
                const data = document.createElement("script");
                data.type = "application/json";
                data.id = "probe-weeks";
                data.textContent = JSON.stringify({ weeks: [
                    { week: "2026-01-05", units: 22, stock_out_days: 0 },
                    { week: "2026-01-12", units: 9, stock_out_days: 1 },
                ] });
                const box = document.createElement("div");
                box.id = "probe-chart";
                box.dataset.chart = "probe-weeks";
                box.dataset.kind = "weeks";
                document.body.append(data, box);
                const again = document.createElement("script");
                again.src = document.querySelector("script[src*='charts']").src + "?again";
                document.body.append(again);
            }"""
        )
        expect(self.page.locator("#probe-chart svg.chart")).to_be_visible()
        axis = self.page.locator("#probe-chart svg.chart text.tick[text-anchor='end']")
        self.assertEqual(axis.all_text_contents()[:3], ["0", "12.5", "25"])
        # its first and last weeks are dated as the server dates a day for an English reader
        # (day, month, year), on the day they start wherever the reader is
        dates = self.page.locator("#probe-chart svg.chart text.tick:not([text-anchor='end'])")
        self.assertEqual(dates.first.text_content(), "5 Jan 2026")
        self.assertIn("12 Jan 2026", self.page.locator("#probe-chart svg.chart").text_content())
        # the page's icon is served
        icon = self.page.locator("link[rel=icon]").get_attribute("href")
        answer = self.page.request.get(f"{self.live_server_url}{icon}")
        self.assertEqual((answer.status, answer.headers["content-type"]), (200, "image/svg+xml"))
        self.go(f"/m/alpha/forecasts/skus/{self.mug.pk}/")
        chart = self.page.locator("#forecast-chart-1 svg.chart")
        expect(chart).to_be_visible()
        self.assertGreater(chart.bounding_box()["height"], 100)
        self.assertGreater(len(chart.locator("path.history").get_attribute("d")), 300)
        self.assertEqual(chart.locator("path.median").get_attribute("d").count("L"), 55)
        expect(chart.locator("rect.promotion title")).to_have_text("Spring sale (20% off)")
        stock = self.page.locator("#stock-chart-1 svg.chart")
        expect(stock).to_be_visible()
        expect(stock.locator("polygon.arrival title")).to_contain_text("120 units arrive")
        # the line still to be placed is drawn apart from the open order
        expect(stock.locator("polygon.suggested-arrival title")).to_have_text(
            "Suggested order (not placed yet): 24 units would arrive"
        )
        # keyboard: focus the chart and step back a day to read it
        chart.focus()
        self.page.keyboard.press("ArrowLeft")
        reading = self.page.locator("[data-chart-reading]").first
        expect(reading).to_contain_text("forecast")
        expect(reading).to_contain_text("80%:")
        self.shot("05-sku-forecast")

        # approve the suggestion
        self.go("/m/alpha/planning/orders/")
        self.page.check(f"#pick-{self.suggestion.pk}")
        self.shot("06-orders")
        self.page.click("button[name=decision][value=approve]")
        expect(self.page.locator(".messages")).to_contain_text("1 approved")
        with tenant_context(self.alpha):
            status = ReorderSuggestion.objects.for_merchant(self.alpha).get(pk=self.suggestion.pk)
        self.assertEqual(status.status, "approved")

        for name, path in (
            ("07-alerts", "alerts"),
            ("08-promotions", "promotions"),
            ("09-replay", "replay"),
            ("10-planning-settings", "settings"),
        ):
            self.go(f"/m/alpha/planning/{path}/")
            expect(self.page.locator("h1")).to_be_visible()
            self.shot(name)  # fmt: skip

        # switch stores: nothing of Alpha's shows in Beta
        self.go("/merchants/")
        self.shot("11-switch-store")
        self.page.click("text=Beta Garden")
        self.go("/m/beta/skus/")
        expect(self.page.locator("text=BETA-ONLY")).to_be_visible()
        self.assertNotIn("MUG-BLUE", self.page.content())
        self.assertNotIn("Alpha Homeware", self.page.locator("main").inner_text())
        self.shot("12-other-store-skus")

    def test_select_all_across_pages_approves_onto_draft_orders(self):
        from unittest import mock

        from inventory.models import PurchaseOrder
        from planning.views import SuggestionsView

        with tenant_context(self.alpha):
            run = ReorderSuggestion.objects.for_merchant(self.alpha).get().forecast_run
            supplier = ReorderSuggestion.objects.for_merchant(self.alpha).get().supplier
            location = ReorderSuggestion.objects.for_merchant(self.alpha).get().location
        cup, *_others = (
            reorder_suggestion(
                self.alpha, run, SKUFactory(merchant=self.alpha, code=code), location, supplier
            )
            for code in ("CUP-RED", "JUG-TALL", "PLATE-WIDE")
        )
        self.sign_in()
        with mock.patch.object(SuggestionsView, "page_size", 2):
            self.go("/m/alpha/planning/orders/")
            expect(self.page.locator(".pager")).to_contain_text("of 4")
            # typing a quantity shows what it gives before it is saved (packs of 12)
            self.page.locator(f"#quantity-{cup.pk}").fill("30")
            row = self.page.locator(f"tr[data-line='{cup.pk}']")
            expect(row.locator("[data-shown=cost]")).to_have_text("£72.00")
            row.locator("details.why summary").click()
            expect(row.locator("table.why-steps")).to_contain_text("Rounded up to packs of 12")
            self.page.check("#select-all")
            self.shot("15-orders-select-all")
            self.page.click("button[name=decision][value=approve]")
        expect(self.page.locator(".messages")).to_contain_text("4 approved")
        self.shot("16-orders-approved-drafts")
        with tenant_context(self.alpha):
            statuses = set(
                ReorderSuggestion.objects.for_merchant(self.alpha).values_list("status", flat=True)
            )
            order = PurchaseOrder.objects.for_merchant(self.alpha).get(status="draft")
            self.assertEqual(order.lines.count(), 4)
        self.assertEqual(statuses, {"approved"})

    def test_the_main_pages_in_english_and_in_chinese(self):
        """The header's switcher turns every page Chinese and back; a screenshot of each page
        in each language goes to screenshots/<language>/."""
        self.sign_in()
        self.go("/m/alpha/")
        for language, button, column in (("zh-hans", "Change language", 1), ("en", "切换语言", 2)):
            self.page.select_option("#language", language)
            self.page.get_by_role("button", name=button).click()
            self.page.wait_for_load_state()
            folder = SCREENSHOTS / language
            folder.mkdir(exist_ok=True)
            for name, path, *headings in MAIN_PAGES:
                self.go(path.format(sku=self.mug.pk))
                if path.startswith("/m/"):  # a store's page: its navigation
                    nav = self.page.get_by_role("navigation", name=NAVIGATION[column])
                    link = nav.get_by_role("link", name=FORECASTS[column], exact=True)
                    expect(link).to_be_visible()
                expect(
                    self.page.get_by_role("heading", name=headings[column - 1], exact=True).first
                ).to_be_visible()
                self.assertEqual(self.page.locator("html").get_attribute("lang"), language)
                if name == "forecast":  # the chart's words come from the scripts' catalogue
                    chart = self.page.locator("#forecast-chart-1 svg.chart")
                    expect(chart).to_have_attribute("aria-label", FORECAST_CHART[column])
                self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        self.user.refresh_from_db()
        self.assertEqual(self.user.language, "en")

    def test_the_api_docs_and_the_console_work_under_the_policy(self):
        self.go("/api/docs/")
        expect(self.page.locator(".swagger-ui .info .title")).to_contain_text("Shelfcast API")
        self.shot("14-api-docs")
        self.go("/console/login/")
        expect(self.page.locator("#login-form")).to_be_visible()

    def test_the_portal_fits_a_phone(self):
        # 375 px: the narrowest phone in common use. No page scrolls sideways (wide tables
        # scroll inside their own box), and chart labels stay readable.
        self.page.set_viewport_size({"width": 375, "height": 812})
        self.sign_in()
        for path, name in [
            ("/m/alpha/planning/orders/", "13-orders-phone"),
            ("/m/alpha/planning/settings/", "13a-planning-settings-phone"),
            ("/help/glossary/", "13b-glossary-phone"),
            (f"/m/alpha/forecasts/skus/{self.mug.pk}/", "13c-forecast-phone"),
        ]:
            with self.subTest(path=path):
                self.go(path)
                self.page.wait_for_load_state("networkidle")
                width = self.page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(width, 375 + 1)  # no sideways scrolling of the page
                self.shot(name)
        smallest = self.page.evaluate(
            "Math.min(...[...document.querySelectorAll('svg.chart .tick')]"
            ".map((tick) => tick.getBoundingClientRect().height))"
        )
        self.assertGreaterEqual(smallest, 9)  # px on screen, not the ~5 of a shrunk drawing
        # the glossary entry a help mark leads to is there, on a phone too
        self.go("/m/alpha/planning/settings/")
        self.page.click("a.help-mark[href$='#service-level']")
        self.page.wait_for_load_state()
        expect(self.page.locator("#service-level h2")).to_be_visible()
