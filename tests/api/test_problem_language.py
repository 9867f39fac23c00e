"""The API answers in the caller's language (Accept-Language): a problem's ``title`` and
``detail`` in Chinese for zh-Hans, in English otherwise; ``type`` and the error codes that
clients switch on stay the same in every language."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from tests.factories import api_token_secret, merchant_with


class ProblemLanguageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(Role.OWNER, slug="shop")
        cls.token = api_token_secret(cls.merchant, role=Role.PLANNER, actor=cls.owner)

    def test_an_unauthenticated_call_is_refused_in_chinese_for_zh_hans(self):
        response = self.client.get(reverse("api_me"), HTTP_ACCEPT_LANGUAGE="zh-Hans")
        self.assertEqual(response.status_code, 401)
        body = response.json()
        self.assertEqual(body["title"], "需要身份验证")
        self.assertEqual(body["type"], "http://testserver/api/v1/problems/not-authenticated/")
        self.assertRegex(body["detail"], r"[\u4e00-\u9fff]")
        self.assertEqual(response["Content-Language"], "zh-hans")

    def test_the_same_call_is_refused_in_english_by_default(self):
        response = self.client.get(reverse("api_me"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
        self.assertEqual(response.json()["title"], "Authentication is required")
        response = self.client.get(reverse("api_me"))
        self.assertEqual(response.json()["title"], "Authentication is required")

    def test_invalid_input_is_explained_in_chinese_with_the_same_codes(self):
        response = self.client.post(
            reverse("reorder-suggestion-approve"),
            {"ids": [1, "x"]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
            HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5",
        )
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(body["title"], "请求无效")
        (error,) = body["errors"]
        self.assertEqual((error["field"], error["code"]), ("ids[1]", "invalid"))
        self.assertRegex(error["detail"], r"[\u4e00-\u9fff]")
        self.assertEqual(body["detail"], f"ids[1]: {error['detail']}")

    def test_an_unknown_path_is_not_found_in_chinese(self):
        response = self.client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
        self.assertEqual(response.status_code, 404)
        body = response.json()
        self.assertEqual(body["title"], "未找到")
        self.assertEqual(body["detail"], "API 中没有与此路径对应的操作。")

    def test_a_signed_in_persons_portal_language_does_not_change_the_api(self):
        self.owner.language = "zh-hans"
        self.owner.save(update_fields=["language"])
        self.client.force_login(self.owner)
        response = self.client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.json()["title"], "Not found")
