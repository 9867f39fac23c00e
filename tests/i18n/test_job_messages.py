"""Why a run failed or how it ended, where the reason carries values (a limit, a count of days,
a gain and its unit, how long training took): stored as English words, read in the reader's
language with the values in place, on the pages that show it (forecast runs, models, the
replay, the failed-job alert) and in a run's JSON status. Words of no known text read as they
were stored."""

from __future__ import annotations

import datetime as dt
import math

from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from accounts.roles import Role
from accounts.tenancy import tenant_context
from core import runs
from forecasting import engine, fine_tuning, job_texts, services
from forecasting.judging import Judgement
from forecasting.models import ForecastRun, TrainingRun
from inventory.ingest.row_messages import FILE_UNREADABLE
from planning import alerts
from planning import job_texts as planning_texts
from planning.models import PolicyReplay
from planning.replays.execute import FORECAST_DAYS
from planning.tasks import policy_replay_task
from tests.factories import LocationFactory, MerchantFactory, SalesDayFactory, SKUFactory, member

ZH = "zh-hans"


def judgement(improvement: float, noise: float) -> Judgement:
    return Judgement(version=None, base=None, naive={}, improvement=improvement, noise=noise)


class StoredWordsTests(SimpleTestCase):
    def test_a_verdict_and_its_training_time_read_in_chinese_with_their_values(self):
        _accepted, reason = fine_tuning.verdict(
            judgement(0.004, 0.012), before=1.0, after=1.0, span=56, season=7
        )
        stored = runs.stored_message(job_texts.TRAINED, reason=reason, seconds=93)
        self.assertEqual(
            stored,
            "Not better than the base model on the last 56 days: the forecasts it would have "
            "served gained +0.4% (WQL and MASE), within the 1.2% they vary between windows. "
            "(93 s)",
        )
        with translation.override("en"):
            self.assertEqual(runs.message_text(stored), stored)
        with translation.override(ZH):
            self.assertEqual(
                runs.message_text(stored),
                "在最近 56 天内并不优于基础模型：它本会提供的预测变化了 +0.4%（WQL 和 MASE），"
                "未超出各窗口之间 1.2% 的波动。（用时 93 秒）",
            )

    def test_the_unit_is_said_in_chinese_too(self):
        _accepted, reason = fine_tuning.verdict(
            judgement(math.nan, 0.0), before=1.0, after=1.0, span=24, season=12
        )
        self.assertIn("the last 24 periods", reason)
        with translation.override(ZH):
            self.assertEqual(
                runs.message_text(reason),
                "历史太短，无法评判：最近 24 个周期不足以构成两个前面各有 24 个周期历史的窗口，"
                "因此继续使用基础模型。",
            )

    def test_words_of_no_known_text_read_as_stored(self):
        # the same unit must be read twice, and the training time is a whole number
        mixed = (
            "Too little history to judge it: the last 24 periods do not make two windows with "
            "24 days of history before them, so the base model stays."
        )
        with translation.override(ZH):
            for stored in (mixed, "Out of memory.", "Out of memory. (soon s)", "a\r\nb"):
                with self.subTest(stored):
                    self.assertEqual(runs.message_text(stored), stored)
            self.assertEqual(runs.message_text(""), "")

    def test_every_app_lists_its_texts_and_each_is_translated(self):
        texts = runs.stored_texts()
        for text in (job_texts.TOO_MANY_SERIES, planning_texts.REPLAY_HISTORY_TOO_SHORT,
                     FILE_UNREADABLE):  # fmt: skip
            self.assertIn(text, texts)
        with translation.override(ZH):
            untranslated = [text for text in texts if translation.gettext(text) == text]
        self.assertEqual(untranslated, [])


class StoreOwnerTestCase(TestCase):
    def tearDown(self):
        # the portal's middleware activated the reader's language: the next test starts afresh
        translation.deactivate()

    @classmethod
    def setUpTestData(cls):
        cls.merchant = MerchantFactory(slug="alpha")
        cls.owner = member(cls.merchant, Role.OWNER)


class ForecastRefusedTests(StoreOwnerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        location = LocationFactory(merchant=cls.merchant)
        yesterday = dt.date.today() - dt.timedelta(days=1)
        for code in ("MUG", "CUP"):
            sku = SKUFactory(merchant=cls.merchant, code=code)
            SalesDayFactory(merchant=cls.merchant, sku=sku, location=location, date=yesterday)

    @override_settings(FORECAST_MAX_SERIES=1, FORECAST_HISTORY_DAYS=730)
    def test_a_store_with_too_many_series_is_told_so_in_chinese_with_the_limit(self):
        with tenant_context(self.merchant):
            run = ForecastRun.objects.create(merchant=self.merchant, horizon=14)
        run = engine.forecast_run_execute(merchant=self.merchant, run_id=run.pk)
        self.assertEqual(run.status, ForecastRun.Status.FAILED)
        self.assertTrue(run.message.startswith("This store has more than 1 series"))
        chinese = (
            "本店的序列超过 1 条（最近 730 天内有销售的 SKU 与地点组合），超出了一次预测所能覆盖的"
            "上限：未做任何预测。请将不再销售的 SKU 设为停用，或请求提高该上限"
            "（FORECAST_MAX_SERIES）。"
        )
        with translation.override(ZH):
            self.assertEqual(runs.progress(run, done=0, total=0, label="")["message"], chinese)
        with tenant_context(self.merchant):
            alerts.merchant_alerts_refresh(merchant=self.merchant)  # a failed-job alert
        self.client.force_login(self.owner)
        for name in ("forecasting:runs", "planning:alerts"):
            with self.subTest(name):
                url = reverse(name, args=[self.merchant.slug])
                page = self.client.get(url, HTTP_ACCEPT_LANGUAGE=ZH)
                self.assertContains(page, chinese)
                self.assertNotContains(page, "This store has more than")
                english = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en")
                self.assertContains(english, "This store has more than 1 series")
        # the alert names the kind of job in the reader's language too
        alerts_page = self.client.get(
            reverse("planning:alerts", args=[self.merchant.slug]), HTTP_ACCEPT_LANGUAGE=ZH
        )
        self.assertContains(alerts_page, f"预测运行 {run.pk} 于")


class TooShortHistoryTests(StoreOwnerTestCase):
    def assert_failed_in_chinese(self, job, english: str, page: str, chinese: str):
        """``job`` failed with the ``english`` message, which ``page`` shows in Chinese."""
        with tenant_context(self.merchant):
            job.refresh_from_db()
        self.assertEqual((job.status, job.message), ("failed", english))
        self.client.force_login(self.owner)
        shown = self.client.get(reverse(page, args=[self.merchant.slug]), HTTP_ACCEPT_LANGUAGE=ZH)
        self.assertContains(shown, chinese)
        self.assertNotContains(shown, english[:12])

    def test_a_replay_without_the_history_it_needs_says_so_in_chinese(self):
        with tenant_context(self.merchant):
            job = PolicyReplay.objects.create(merchant=self.merchant, days=84)
        policy_replay_task.apply(kwargs={"merchant_id": self.merchant.pk, "replay_id": job.pk})
        needed = 84 + FORECAST_DAYS
        self.assert_failed_in_chinese(
            job,
            f"A replay needs at least {needed} days of sales history (0 so far).",
            "planning:replay",
            f"回放至少需要 {needed} 天的销售历史（目前有 0 天）。",
        )
        status = self.client.get(
            reverse("planning:replay_status", args=[self.merchant.slug, job.pk]),
            HTTP_ACCEPT_LANGUAGE=ZH,
        )
        self.assertEqual(
            status.json()["message"], f"回放至少需要 {needed} 天的销售历史（目前有 0 天）。"
        )

    def test_fine_tuning_without_the_history_it_needs_says_so_in_chinese(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.training_run_create(merchant=self.merchant, steps=2)
        with tenant_context(self.merchant):
            run = TrainingRun.objects.for_merchant(self.merchant).get()
        self.assert_failed_in_chinese(
            run,
            f"Fine-tuning needs at least {services.MIN_DAYS} days of sales history.",
            "forecasting:models",
            f"微调至少需要 {services.MIN_DAYS} 天的销售历史。",
        )
