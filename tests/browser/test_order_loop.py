"""The planner's loop in a real browser, at desktop and at phone size (issue 19): the SKU's
forecast, the suggestion to order it on the Orders page, select all and approve onto a draft
purchase order, send the draft (its PDF emailed to the supplier through the test mail
backend), receive part of it, and see stock and the projections move. A screenshot of each
page goes to ``screenshots/order-loop-<size>-*.png``.

Runs on the store `BrowserTestCase` sets up: 60 mugs on hand, an imported order of 120 on
its way, and a suggestion to order 24 more from Acme.
"""

from __future__ import annotations

from decimal import Decimal

from django.core import mail

from accounts.tenancy import tenant_context
from inventory.models import PurchaseOrder, PurchaseOrderLine, StockLevel, Supplier
from planning.models import ReorderSuggestion
from planning.positions.selectors import latest_stock, open_orders
from tests.browser.test_portal import BrowserTestCase

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the dev extras install it; BrowserTestCase skips
    expect = None

SUPPLIER_EMAIL = "orders@acme.test"
RECEIVED = 10  # of the 24 ordered: a partial receipt


class OrderLoopInTheBrowserTests(BrowserTestCase):
    def test_the_order_loop_at_desktop_size(self):
        self.walk("desktop", width=1280, height=900)

    def test_the_order_loop_at_phone_size(self):
        self.walk("phone", width=375, height=812)

    # -- the walk ---------------------------------------------------------------------------

    def walk(self, size: str, *, width: int, height: int) -> None:
        self.size, self.width = size, width
        self.page.set_viewport_size({"width": width, "height": height})
        with tenant_context(self.alpha):
            Supplier.objects.for_merchant(self.alpha).filter(pk=self.suggestion.supplier_id).update(
                email=SUPPLIER_EMAIL
            )
        self.key = (self.mug.pk, self.suggestion.location_id)
        self.go("/accounts/login/")
        self.fits()
        self.sign_in(screenshot=f"order-loop-{size}-01-sign-in")
        self.fits()  # the page signing in lands on

        self.the_forecast()
        order = self.approve_everything()
        line = self.send(order)
        self.receive_part(order, line)
        self.see_the_arrival(order)

    def the_forecast(self) -> None:
        self.go(f"/m/alpha/forecasts/skus/{self.mug.pk}/")
        chart = self.page.locator("#forecast-chart-1 svg.chart")
        expect(chart).to_be_visible()
        self.assertGreater(chart.bounding_box()["height"], 100)
        self.assertEqual(chart.locator("path.median").get_attribute("d").count("L"), 55)
        self.arrive("02-forecast")

    def approve_everything(self) -> PurchaseOrder:
        self.go("/m/alpha/planning/orders/")
        row = self.page.locator(f"tr[data-line='{self.suggestion.pk}']")
        expect(row).to_contain_text("MUG-BLUE")
        # what the subtotals are over reads whole, without scrolling their table sideways
        note = self.page.locator("#subtotals-note")
        expect(note).to_contain_text("Every line matching this filter")
        box = note.bounding_box()
        self.assertLessEqual(box["x"] + box["width"], self.width, "the note is off to the side")
        self.page.check("#select-all")
        self.arrive("03-orders-select-all")
        self.page.click("button[name=decision][value=approve]")
        # approving leads to the drafts, where the order goes next
        messages = self.page.locator(".messages")
        expect(messages).to_contain_text("1 approved, on draft purchase order")
        self.assertIn("status=draft", self.page.url)
        with tenant_context(self.alpha):
            suggestion = ReorderSuggestion.objects.for_merchant(self.alpha).get()
            order = PurchaseOrder.objects.for_merchant(self.alpha).get(
                status=PurchaseOrder.Status.DRAFT
            )
            lines = list(order.lines.values_list("sku_id", "quantity_ordered"))
            # a draft is not on order yet: the projections still see only the imported 120
            arriving = open_orders(self.alpha).get(self.key)
        self.assertEqual(suggestion.status, ReorderSuggestion.Status.APPROVED)
        self.assertEqual(order.supplier_id, self.suggestion.supplier_id)
        self.assertEqual(lines, [(self.mug.pk, Decimal("24"))])
        self.assertEqual(arriving, 120)
        expect(messages).to_contain_text(order.number)
        self.arrive("04-draft-orders")
        self.page.get_by_role("link", name=order.number, exact=True).click()
        self.page.wait_for_url(f"**/purchase-orders/{order.pk}/")
        return order

    def send(self, order: PurchaseOrder) -> PurchaseOrderLine:
        expect(self.page.locator("h1")).to_contain_text("Draft")
        self.arrive("05-draft-order")
        self.assertEqual(mail.outbox, [])
        self.page.get_by_role("button", name=f"Send to {SUPPLIER_EMAIL}").click()
        expect(self.page.locator(".messages")).to_contain_text(f"sent to {SUPPLIER_EMAIL}")
        expect(self.page.locator("h1")).to_contain_text("Sent")

        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, [SUPPLIER_EMAIL])
        self.assertIn(order.number, email.subject)
        self.assertEqual(len(email.attachments), 1)
        filename, content, mimetype = email.attachments[0]
        self.assertEqual((filename, mimetype), (f"{order.number}.pdf", "application/pdf"))
        self.assertTrue(content.startswith(b"%PDF"), content[:20])
        with tenant_context(self.alpha):
            order.refresh_from_db()
            line = order.lines.get()
            self.before = {
                "on_hand": latest_stock(self.alpha)[self.key].on_hand,
                "on_order": open_orders(self.alpha)[self.key],
            }
        self.assertEqual(order.status, PurchaseOrder.Status.SENT)
        self.assertIsNotNone(order.emailed_at)
        # sent, the order counts as on order: 120 imported and the 24 just sent
        self.assertEqual(self.before["on_order"], 120 + 24)
        self.arrive("06-sent-order")
        return line

    def receive_part(self, order: PurchaseOrder, line: PurchaseOrderLine) -> None:
        arrived = self.page.locator(f"#received-{line.pk}")
        # where the delivery is counted (often a phone): the input shows without scrolling the
        # table sideways
        box = arrived.bounding_box()
        self.assertLessEqual(box["x"] + box["width"], self.width, "the input is off to the side")
        arrived.fill(str(RECEIVED))
        self.page.get_by_role("button", name="Receive the quantities entered").click()
        expect(self.page.locator(".messages")).to_contain_text(
            f"Received into stock; {order.number} is partly received."
        )
        expect(self.page.locator("h1")).to_contain_text("Partly received")
        self.arrive("07-partly-received")
        with tenant_context(self.alpha):
            order.refresh_from_db()
            line.refresh_from_db()
            on_hand = latest_stock(self.alpha)[self.key].on_hand
            on_order = open_orders(self.alpha)[self.key]
            snapshots = StockLevel.objects.for_merchant(self.alpha).filter(sku=self.mug).count()
        self.assertEqual(order.status, PurchaseOrder.Status.PARTLY_RECEIVED)
        self.assertEqual(line.quantity_received, RECEIVED)
        self.assertEqual(on_hand, self.before["on_hand"] + RECEIVED)
        self.assertEqual(on_order, self.before["on_order"] - RECEIVED)
        self.assertEqual(snapshots, 2)  # the receipt is a new snapshot; the old one stays

    def see_the_arrival(self, order: PurchaseOrder) -> None:
        on_hand = int(self.before["on_hand"]) + RECEIVED
        still_open = 24 - RECEIVED
        # the SKU's page: what arrived is on hand
        self.go(f"/m/alpha/skus/{self.mug.pk}/")
        card = self.page.locator(".card", has_text="on hand at SHOP")
        expect(card.locator(".value")).to_have_text(str(on_hand))
        self.arrive("08-sku")
        # its forecast page: the projection starts from it, and the rest is still to come
        self.go(f"/m/alpha/forecasts/skus/{self.mug.pk}/")
        legend = self.page.locator("p.legend", has_text="available units")
        expect(legend).to_contain_text(f"Drawn from {on_hand} available units")
        incoming = self.page.locator("tr", has_text=order.number)
        expect(incoming.locator("td.num")).to_have_text(str(still_open))
        stock = self.page.locator("#stock-chart-1 svg.chart")
        expect(stock.locator("polygon.arrival title").filter(has_text=order.number)).to_have_text(
            f"{order.number}: {still_open} units arrive"
        )
        self.arrive("09-forecast-after-receipt")

    # -- helpers ----------------------------------------------------------------------------

    def arrive(self, name: str) -> None:
        """Check the page fits (at phone size), then screenshot it."""
        self.fits()
        self.shot(f"order-loop-{self.size}-{name}")

    def fits(self) -> None:
        """At phone size, the page itself does not scroll sideways (wide tables scroll inside
        their own box, not the page)."""
        if self.size == "phone":
            # measured once the page's stylesheet has applied: a page just arrived after a
            # form's redirect shows its text before, unstyled and wide (on a busy machine)
            self.page.wait_for_load_state("load")
            width = self.page.evaluate("document.documentElement.scrollWidth")
            self.assertLessEqual(width, self.width + 1, f"{self.page.url} scrolls sideways")
