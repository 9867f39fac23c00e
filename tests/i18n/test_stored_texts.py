"""Texts that are worked out in one place and read in another are said in the reader's
language: an alert's money basis, an import's row errors and outcome, a job's progress
message, the staff console's actions and messages, and the purchase order a supplier
receives. Each test reads the text in Chinese and fails if the English were left."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation

from accounts.admin_site import ShelfcastAdminSite
from accounts.models import Merchant, User
from accounts.roles import Role
from core import runs
from core.admin_jobs import CANCELLED_MESSAGE, job_actions
from forecasting.models import ForecastRun
from inventory import purchase_order_pdf as pdf_module
from inventory.ingest import columns as c
from inventory.ingest.batches import IngestRejected
from inventory.ingest.row_messages import RowMessage
from inventory.ingest.validation import RowError
from inventory.models import ImportJob, Location, PurchaseOrder, Supplier
from inventory.sales_window import SalesWindow
from inventory.services import sending
from planning import alert_causes
from planning.models import Alert
from tests.factories import ImportJobFactory, MerchantFactory, UserFactory, member

ZH = "zh-hans"
X = "\N{MULTIPLICATION SIGN}"
FIRST = dt.date(2026, 3, 2)


def _cause(kind: str, details: dict, cost: float | None = 2.0) -> alert_causes.Cause:
    economics = alert_causes.Economics(
        prices={1: 5.0}, costs={} if cost is None else {1: cost}, suppliers={}, currency="GBP"
    )
    return alert_causes.valued((1, 1, kind), details, economics, FIRST)


def _alert(cause: alert_causes.Cause) -> Alert:
    return Alert(money_basis=cause.money_basis, money_basis_parameters=cause.money_basis_parameters)


class AlertMoneyBasisTests(SimpleTestCase):
    def test_a_stock_out_is_valued_at_the_margin_in_the_readers_words(self):
        stock_out = _cause(Alert.Kind.STOCK_OUT, {"lost_units": 75.0, "date": "2026-03-08"})
        alert = _alert(stock_out)
        self.assertEqual(alert.money_basis, f"75 units short over 8 days {X} £3.00 margin")
        with translation.override(ZH):
            self.assertEqual(alert.money_basis_text, f"8 天内缺货 75 件 {X} £3.00 毛利")

    def test_overstock_and_bias_are_said_in_chinese(self):
        overstock = _alert(_cause(Alert.Kind.OVERSTOCK, {"excess_units": 1880.0}, cost=None))
        bias = _alert(
            _cause(
                Alert.Kind.BIAS,
                {"actual_units": 80, "forecast_median_units": 24, "days": 14, "direction": "over"},
            )
        )
        self.assertIn("price, no cost known", overstock.money_basis)
        with translation.override(ZH):
            self.assertEqual(
                overstock.money_basis_text, f"超出上限 1,880 件 {X} £5.00 售价（成本未知）"
            )
            self.assertEqual(bias.money_basis_text, f"预测每天偏高 4 件 {X} 14 天 {X} £2.00 成本")
        for alert in (overstock, bias):
            with translation.override(ZH):
                self.assertNotIn("units", alert.money_basis_text)

    def test_an_alert_stored_without_its_figures_shows_its_stored_words(self):
        with translation.override(ZH):
            self.assertEqual(Alert(money_basis="12 units short").money_basis_text, "12 units short")


def _error(read, value) -> dict:
    try:
        read(value, None)
    except c.FieldError as error:
        return RowError(3, "units", value, error.message).as_dict()
    raise AssertionError(f"{value!r} was accepted")


class ImportRowErrorTests(SimpleTestCase):
    def test_a_stored_error_keeps_its_english_and_is_shown_in_chinese(self):
        entry = _error(c.decimal(max_digits=6, decimal_places=2), "12345")
        self.assertEqual(entry["message"], "is too large (at most 4 digits before the point)")
        self.assertEqual(entry["params"], {"count": 4})
        job = ImportJob(errors=[entry, _error(c.boolean, "maybe")])
        with translation.override(ZH):
            shown = [error["message"] for error in job.errors_shown]
        self.assertEqual(shown, ["数值过大（整数部分最多 4 位）", "必须是 true 或 false"])

    def test_values_that_are_words_are_translated_too(self):
        message = RowMessage("is not a field of %(label)s", {"label": "daily sales"})
        entry = RowError(0, "colour", "red", message).as_dict()
        self.assertEqual(entry["message"], "is not a field of daily sales")
        with translation.override(ZH):
            (shown,) = ImportJob(errors=[entry]).errors_shown
        self.assertNotIn("daily sales", shown["message"])
        self.assertIn("不是", shown["message"])

    def test_the_sales_window_says_its_limits_in_chinese(self):
        window = SalesWindow(first=dt.date(2021, 1, 1), last=dt.date(2026, 3, 1))
        entry = RowError(0, "date", "2020-01-01", window.problem(dt.date(2020, 1, 1))).as_dict()
        self.assertIn("sales go back at most", entry["message"])
        with translation.override(ZH):
            (shown,) = ImportJob(errors=[entry]).errors_shown
        self.assertTrue(shown["message"].startswith("早于 2021-01-01"), shown["message"])

    def test_errors_stored_before_their_codes_or_with_an_unknown_one_show_as_stored(self):
        old = {"line": 2, "field": "units", "value": "x", "message": "must be a number"}
        unknown = {**old, "message": "was refused", "message_id": "no such %(text)s", "params": {}}
        with translation.override(ZH):
            shown = [error["message"] for error in ImportJob(errors=[old, unknown]).errors_shown]
        self.assertEqual(shown, ["必须是数字", "was refused"])


class ApiRowErrorTests(SimpleTestCase):
    def test_a_refused_batch_is_explained_in_the_callers_language(self):
        refused = IngestRejected(
            [RowError(0, "units", "x", c.FieldError("must be a number").message)]
        )
        with translation.override(ZH):
            body = refused.response_data()
        self.assertEqual(body["errors"][0]["detail"], "必须是数字")
        self.assertTrue(body["detail"].startswith("这批数据中有 1 个问题"), body["detail"])


class ImportPageLanguageTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory(slug="shop")
        self.reader = member(self.merchant, Role.PLANNER, UserFactory(language="zh-hans"))
        entry = {**_error(c.integer(minimum=0), "-2"), "line": 4}
        self.job = ImportJobFactory(
            merchant=self.merchant, status=ImportJob.Status.FAILED, error_count=1,
            errors=[entry], message="1 problem in the file; nothing was loaded.",
        )  # fmt: skip
        self.client.force_login(self.reader)

    def test_the_import_page_and_its_report_speak_the_readers_language(self):
        page = self.client.get(reverse("inventory:import_detail", args=["shop", self.job.pk]))
        self.assertContains(page, "不能为负数")
        self.assertContains(page, "文件中有 1 个问题")
        self.assertNotContains(page, "must not be negative")
        report = self.client.get(reverse("inventory:import_errors", args=["shop", self.job.pk]))
        rows = list(csv.reader(io.StringIO(report.content.decode())))
        self.assertEqual(rows[1], ["4", "units", "'-2", "不能为负数"])  # a safe cell


class JobProgressTests(SimpleTestCase):
    def test_a_loaded_import_says_so_in_chinese(self):
        job = ImportJob(status=ImportJob.Status.SUCCEEDED, rows_done=1234, skipped_count=2)
        with translation.override("en"):
            english = job.message_text
        self.assertEqual(
            english,
            "Loaded 1,234 rows. 2 lines without a SKU left out (listed below).",
        )
        with translation.override(ZH):
            self.assertEqual(
                job.message_text, "已导入 1,234 行。 2 行因没有 SKU 被排除（见下方列表）。"
            )

    def test_a_cancelled_run_reports_its_reason_in_chinese(self):
        run = ForecastRun(status=runs.FAILED, message=CANCELLED_MESSAGE)
        with translation.override(ZH):
            state = runs.progress(run, done=0, total=0, label="")
        self.assertEqual(state["message"], "已被平台员工取消。")
        self.assertEqual(state["status_label"], "失败")


class ConsoleTests(SimpleTestCase):
    def test_the_consoles_actions_and_titles_are_in_the_staff_members_language(self):
        retry, cancel = job_actions(lambda row: None)
        site = ShelfcastAdminSite(name="test")
        with translation.override(ZH):
            self.assertEqual(str(retry.short_description), "重试所选的失败任务")
            self.assertEqual(str(cancel.short_description), "取消所选的排队任务")
            self.assertEqual(str(site.site_header), "Shelfcast 控制台")
        with translation.override("en"):
            self.assertEqual(str(retry.short_description), "Retry the selected failed jobs")


class SupplierDocumentTests(SimpleTestCase):
    def order(self, language: str = "") -> PurchaseOrder:
        return PurchaseOrder(
            number="SC-000001", currency="GBP", email_to="orders@acme.example",
            order_date=dt.date(2026, 3, 2), expected_arrival=dt.date(2026, 3, 9),
            supplier=Supplier(code="ACME", name="Acme"), location=Location(code="M", name="Main"),
            created_by=User(email="p@x.test", language=language),
        )  # fmt: skip

    def test_the_order_goes_in_the_language_of_whoever_drafted_it(self):
        self.assertEqual(sending.order_language(self.order("zh-hans")), "zh-hans")
        self.assertEqual(sending.order_language(self.order()), settings.LANGUAGE_CODE)

    def test_the_email_is_in_chinese(self):
        with translation.override(ZH):
            email = sending._email_message(Merchant(name="Alpha Goods"), self.order())
        self.assertEqual(email.subject, "来自 Alpha Goods 的采购订单 SC-000001")
        self.assertIn("Acme，您好", email.body)
        self.assertIn("2026年3月9日", email.body)
        self.assertNotIn("Please find attached", email.body)

    def test_the_pdf_is_in_chinese_where_its_fonts_can_show_it_and_in_english_otherwise(self):
        chinese_title = "采购订单 SC-000001".encode("utf-16-be").hex().encode()
        order, merchant = self.order(), Merchant(name="Alpha Goods", currency="GBP")
        documents = {}
        for cjk in (False, True):
            fonts_can_show = lambda self, character, cjk=cjk: cjk or ord(character) < 0x2E80  # noqa: E731
            with (
                translation.override(ZH),
                mock.patch.object(pdf_module._Fonts, "can_show", fonts_can_show),
            ):
                documents[cjk] = pdf_module.purchase_order_pdf(
                    merchant=merchant, order=order, lines=[], compress=False
                )
        english, chinese = documents[False], documents[True]
        # Without a CJK font no heading turns into "[?]": the document is in English.
        self.assertIn(b"Purchase order SC-000001", english)
        self.assertIn(chinese_title, chinese.lower())
        self.assertNotIn(b"Purchase order SC-000001", chinese)
