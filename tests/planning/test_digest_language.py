"""The morning digest speaks each recipient's portal language: one email per language, in
the store's currency for that language's locale."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import TestCase

from accounts.roles import Role
from planning import digest
from tests import factories
from tests.planning.alert_support import blue_mug_stock_out


class DigestLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory(
            name="Corner Shop", timezone="Asia/Shanghai", currency="CNY"
        )
        factories.member(cls.merchant, Role.OWNER, user=factories.UserFactory(email="en@x.test"))
        factories.member(
            cls.merchant,
            Role.PLANNER,
            user=factories.UserFactory(email="zh@x.test", language="zh-hans"),
        )
        blue_mug_stock_out(
            cls.merchant, "2024-11-11", money_at_risk=1234.5, money_basis="12 units short"
        )

    def test_each_recipient_reads_the_digest_in_their_language(self):
        now = dt.datetime(2024, 11, 10, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(digest.digest_send(merchant=self.merchant, now=now), 1)
        emails = {tuple(email.to): email for email in mail.outbox}
        self.assertEqual(set(emails), {("en@x.test",), ("zh@x.test",)})
        english, chinese = emails[("en@x.test",)], emails[("zh@x.test",)]
        self.assertEqual(english.subject, "Corner Shop: 1 open alert, CN¥1,234.50 at risk")
        self.assertIn("Good morning,", english.body)
        self.assertIn("(from 11 Nov 2024, chance 90%, about 12 units short)", english.body)
        self.assertEqual(chinese.subject, "Corner Shop：1 条未处理预警，¥1,234.50 面临风险")
        self.assertIn("早上好：", chinese.body)
        self.assertIn("预计断货", chinese.body)
        self.assertIn("（自 2024年11月11日 起，概率 90%，约缺货 12 件）", chinese.body)
