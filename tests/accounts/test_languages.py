"""The portal's language: the browser's (Accept-Language) until the person chooses one in the
header's switcher; the choice is kept on the account (and in the language cookie), so every
page, and the emails sent to them, follow it."""

from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from tests.factories import SKUFactory, merchant_with

PAGES = ("inventory:dashboard", "inventory:sku_list", "planning:alerts", "forecasting:runs")


class PortalLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.user = merchant_with(Role.OWNER, slug="shop", currency="CNY")
        SKUFactory(merchant=cls.merchant, code="MUG", name="Mug")

    def page(self, name: str, **headers):
        response = self.client.get(reverse(name, args=[self.merchant.slug]), **headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def switch(self, language: str, next_url: str = "/m/shop/skus/"):
        return self.client.post(
            reverse("language_switch"), {"language": language, "next": next_url}
        )

    def test_the_sign_in_page_follows_the_browser(self):
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        self.assertContains(response, '<html lang="zh-hans">')
        self.assertContains(response, "<h1>登录</h1>", html=False)
        # every field is labelled in Chinese too (the e-mail field's label is the user
        # model's own name for the field)
        self.assertContains(response, '<label for="id_username">电子邮箱地址</label>', html=False)
        self.assertContains(response, '<label for="id_password">密码</label>', html=False)
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB")
        self.assertContains(response, "<h1>Sign in</h1>")
        self.assertContains(response, '<label for="id_username">Email address</label>', html=False)

    def test_without_a_choice_pages_follow_the_browser(self):
        self.client.force_login(self.user)
        self.assertIn(
            "补货", self.page("inventory:dashboard", HTTP_ACCEPT_LANGUAGE="zh-Hans") + "补货"
        )
        self.assertIn(">预警</a>", self.page("inventory:dashboard", HTTP_ACCEPT_LANGUAGE="zh-Hans"))
        self.assertIn(">Alerts</a>", self.page("inventory:dashboard", HTTP_ACCEPT_LANGUAGE="en"))

    def test_switching_to_chinese_changes_every_page_and_is_remembered(self):
        self.client.force_login(self.user)
        for name in PAGES:
            self.assertIn(">Forecasts</a>", self.page(name, HTTP_ACCEPT_LANGUAGE="en"))
        response = self.switch("zh-hans")
        self.assertRedirects(response, "/m/shop/skus/", fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "zh-hans")
        self.user.refresh_from_db()
        self.assertEqual(self.user.language, "zh-hans")
        # The account's choice wins over the browser's header, on every page.
        self.client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
        for name in PAGES:
            html = self.page(name, HTTP_ACCEPT_LANGUAGE="en")
            self.assertIn('<html lang="zh-hans">', html)
            self.assertIn(">预测</a>", html)
            self.assertNotIn(">Forecasts</a>", html)
        self.assertIn("搜索编码、名称或品牌", self.page("inventory:sku_list"))

        self.switch("en")
        self.user.refresh_from_db()
        self.assertEqual(self.user.language, "en")
        self.assertIn(">Forecasts</a>", self.page("inventory:dashboard", HTTP_ACCEPT_LANGUAGE="zh"))

    def test_money_is_shown_in_the_stores_currency_for_the_locale(self):
        self.client.force_login(self.user)
        self.switch("zh-hans")
        self.assertIn('<div class="value">¥0</div>', self.page("inventory:dashboard"))
        self.switch("en")
        self.assertIn('<div class="value">CN¥0</div>', self.page("inventory:dashboard"))

    def test_an_unknown_language_returns_to_the_browsers(self):
        self.client.force_login(self.user)
        self.switch("zh-hans")
        self.switch("klingon")
        self.user.refresh_from_db()
        self.assertEqual(self.user.language, "")
        self.assertIn(">Alerts</a>", self.page("planning:alerts", HTTP_ACCEPT_LANGUAGE="en"))

    def test_the_switcher_does_not_redirect_off_the_site(self):
        response = self.switch("zh-hans", next_url="https://evil.example/")
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        # Anonymous: nothing to save, but the cookie carries the choice to the sign-in page.
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "<h1>登录</h1>", html=False)

    def test_the_switcher_only_takes_a_post(self):
        self.assertEqual(self.client.get(reverse("language_switch")).status_code, 405)

    def invite(self, email: str, **headers):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("members", args=[self.merchant.slug]),
                {"email": email, "role": Role.VIEWER},
                follow=True,
                **headers,
            )

    def test_an_invitation_email_speaks_the_inviters_language(self):
        self.user.language = "zh-hans"
        self.user.save(update_fields=["language"])
        self.client.force_login(self.user)
        response = self.invite("new@example.test", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "已向 new@example.test 发送邀请。")
        (email,) = mail.outbox
        self.assertIn("您受邀加入", email.subject)
        self.assertIn("在此接受邀请", email.body)

    def test_a_person_without_a_choice_gets_english_emails(self):
        self.client.force_login(self.user)
        response = self.invite("other@example.test", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Invitation sent to other@example.test.")
        (email,) = mail.outbox
        self.assertIn("You are invited to", email.subject)
        self.assertIn("Accept the invitation here", email.body)
