"""One error format: every error of the API is a problem (RFC 9457, application/problem+json)
with ``type``, ``title``, ``status``, ``detail`` and ``instance`` (accounts/api/problems.py),
invalid input lists each problem in ``errors``, and the schema documents it for every error
answer of every operation."""

from __future__ import annotations

import json
from unittest import mock

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from accounts.api.throttling import FixedWindowRateThrottle
from accounts.roles import Role
from inventory.ingest.service import StoreBusy
from tests.api.endpoints import api_schema
from tests.factories import MerchantFactory, SKUFactory, api_token_secret, merchant_with

PROBLEM = "#/components/schemas/ProblemDetails"
STANDARD_MEMBERS = {"type", "title", "status", "detail", "instance"}


class ProblemTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = merchant_with(Role.OWNER, slug="shop")
        cls.token = api_token_secret(cls.merchant, role=Role.PLANNER, actor=cls.owner)
        cls.viewer_token = api_token_secret(
            cls.merchant, role=Role.VIEWER, name="BI", actor=cls.owner
        )

    def send(self, method, path, body=None, *, token="planner", **extra):
        token = {"planner": self.token, "viewer": self.viewer_token}.get(token, token)
        if token:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if method == "get":
            return self.client.get(path, body or {}, **extra)
        extra.setdefault("content_type", "application/json")
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(path, data, **extra)

    def assertProblem(self, response, status: int, slug: str) -> dict:
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertLessEqual(STANDARD_MEMBERS, set(body))
        self.assertEqual(body["type"], f"http://testserver/api/v1/problems/{slug}/")
        self.assertEqual(body["status"], status)
        self.assertEqual(body["instance"], response.request["PATH_INFO"])
        self.assertTrue(body["title"])
        self.assertTrue(body["detail"])
        return body


class ValidationProblemTests(ProblemTestCase):
    def test_invalid_body_fields_are_listed_with_a_pointer_and_a_code(self):
        response = self.send("post", reverse("reorder-suggestion-approve"), {"ids": [1, "x"]})
        body = self.assertProblem(response, 400, "validation-error")
        self.assertEqual(
            body["errors"],
            [
                {
                    "in": "body",
                    "field": "ids[1]",
                    "pointer": "/ids/1",
                    "detail": "A valid integer is required.",
                    "code": "invalid",
                }
            ],
        )
        self.assertEqual(body["detail"], "ids[1]: A valid integer is required.")

    def test_a_missing_field_has_its_code(self):
        response = self.send("post", reverse("reorder-suggestion-approve"), {})
        body = self.assertProblem(response, 400, "validation-error")
        self.assertEqual([(e["field"], e["code"]) for e in body["errors"]], [("ids", "required")])

    def test_a_batch_keeps_the_row_of_each_problem(self):
        rows = [
            {"code": "A", "name": "Fine"},
            {"code": "B", "name": "Priced", "unit_price": "cheap"},
            {"name": "No code"},
        ]
        body = self.assertProblem(
            self.send("post", reverse("sku-bulk"), rows), 400, "validation-error"
        )
        self.assertEqual(body["error_count"], 2)
        self.assertEqual(
            [(e["in"], e["row"], e["field"], e["value"]) for e in body["errors"]],
            [("body", 1, "unit_price", "cheap"), ("body", 2, "code", None)],
        )
        self.assertTrue(all(e["detail"] and e["code"] for e in body["errors"]))
        self.assertIn("nothing was written", body["detail"])

    def test_a_query_parameter_is_named_in_the_query(self):
        response = self.send("get", reverse("sku-list"), {"updated_since": "yesterday"})
        body = self.assertProblem(response, 400, "validation-error")
        self.assertEqual(
            [(e["in"], e["field"]) for e in body["errors"]], [("query", "updated_since")]
        )
        self.assertNotIn("pointer", body["errors"][0])

    def test_a_header_is_named_in_the_header(self):
        response = self.send("post", reverse("sku-bulk"), [], HTTP_IDEMPOTENCY_KEY="x" * 300)
        body = self.assertProblem(response, 400, "validation-error")
        self.assertEqual(
            [(e["in"], e["field"]) for e in body["errors"]], [("header", "Idempotency-Key")]
        )

    def test_malformed_json_is_a_malformed_request(self):
        body = self.assertProblem(
            self.send("post", reverse("sku-bulk"), "[{"), 400, "malformed-request"
        )
        self.assertIn("Malformed JSON", body["detail"])

    def test_a_refused_decision_is_a_request_refused_problem(self):
        response = self.send(
            "post", reverse("reorder-suggestion-reject"), {"ids": [1], "reason": ""}
        )
        body = self.assertProblem(response, 400, "request-refused")
        self.assertIn("why", body["detail"])


class AccessProblemTests(ProblemTestCase):
    def test_no_token_is_401_with_its_challenge(self):
        response = self.send("get", reverse("sku-list"), token=None)
        self.assertProblem(response, 401, "not-authenticated")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="api"')

    def test_a_wrong_token_is_401(self):
        response = self.send("get", reverse("sku-list"), token="sc_not-a-token")
        body = self.assertProblem(response, 401, "not-authenticated")
        self.assertIn("Invalid or revoked", body["detail"])

    def test_a_role_without_the_permission_is_403(self):
        response = self.send("post", reverse("sku-bulk"), [], token="viewer")
        self.assertProblem(response, 403, "permission-denied")

    def test_another_merchants_object_is_404(self):
        other = MerchantFactory(slug="other")
        theirs = SKUFactory(merchant=other)
        response = self.send("get", reverse("sku-detail", args=[theirs.pk]))
        self.assertProblem(response, 404, "not-found")

    def test_a_path_of_no_operation_is_404(self):
        self.assertProblem(self.send("get", "/api/v1/no-such-thing/"), 404, "not-found")

    def test_a_method_the_path_does_not_take_is_405(self):
        response = self.send("put", reverse("sku-list"), {})
        self.assertProblem(response, 405, "method-not-allowed")
        self.assertIn("GET", response["Allow"])


class BodyProblemTests(ProblemTestCase):
    def test_a_body_of_another_media_type_is_415(self):
        response = self.send("post", reverse("sku-list"), "code\nA\n", content_type="text/csv")
        self.assertProblem(response, 415, "unsupported-media-type")

    @override_settings(API_MAX_BODY_BYTES=100)
    def test_a_body_too_large_is_413_with_the_limit(self):
        rows = [{"code": f"C{i}", "name": "x" * 20} for i in range(10)]
        body = self.assertProblem(
            self.send("post", reverse("sku-bulk"), rows), 413, "request-too-large"
        )
        self.assertEqual(body["limit_bytes"], 100)

    def test_an_idempotency_key_reused_for_another_request_is_422(self):
        key = {"HTTP_IDEMPOTENCY_KEY": "key-1"}
        first = self.send("post", reverse("sku-bulk"), [{"code": "A", "name": "One"}], **key)
        self.assertEqual(first.status_code, 200, first.content)
        response = self.send("post", reverse("sku-bulk"), [{"code": "A", "name": "Two"}], **key)
        self.assertProblem(response, 422, "idempotency-key-reused")


class LimitProblemTests(ProblemTestCase):
    def test_past_the_rate_limit_is_429_with_its_headers_and_members(self):
        rates = {"merchant": "1/minute", "api": "100000/minute"}
        with mock.patch.object(FixedWindowRateThrottle, "THROTTLE_RATES", rates):
            self.send("get", reverse("sku-list"))
            response = self.send("get", reverse("sku-list"))
        body = self.assertProblem(response, 429, "rate-limited")
        self.assertEqual(body["retry_after_seconds"], int(response["Retry-After"]))
        self.assertIn('"merchant";q=1;w=60', response["RateLimit-Policy"])
        self.assertEqual(
            {key: body[key] for key in ("policy", "limit", "window_seconds")},
            {"policy": "merchant", "limit": 1, "window_seconds": 60},
        )

    def test_a_busy_store_is_503_with_retry_after(self):
        with mock.patch("inventory.api.views.ingest", side_effect=StoreBusy(retry_after=30)):
            response = self.send("post", reverse("sku-bulk"), [{"code": "A", "name": "A"}])
        body = self.assertProblem(response, 503, "store-busy")
        self.assertEqual((response["Retry-After"], body["retry_after_seconds"]), ("30", 30))


class ServerErrorProblemTests(ProblemTestCase):
    def test_an_unexpected_error_is_a_500_problem(self):
        client = Client(raise_request_exception=False)
        with mock.patch("inventory.api.views.ingest", side_effect=RuntimeError("a bug")):
            response = client.post(
                reverse("sku-bulk"),
                "[]",
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {self.token}",
            )
        body = self.assertProblem(response, 500, "server-error")
        self.assertNotIn("a bug", body["detail"])  # nothing of the inside is told

    def test_the_portal_keeps_its_pages(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(response["Content-Type"].startswith("text/html"))


class ProblemTypeTests(ProblemTestCase):
    def test_a_problem_type_uri_says_what_it_means(self):
        body = self.assertProblem(self.send("get", "/api/v1/no-such-thing/"), 404, "not-found")
        answer = self.client.get(body["type"])
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(
            {key: answer.json()[key] for key in ("type", "title", "status")},
            {"type": body["type"], "title": body["title"], "status": 404},
        )
        self.assertEqual(self.client.get("/api/v1/problems/no-such-type/").status_code, 404)


class ProblemSchemaTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schema = api_schema()

    def test_every_error_answer_of_every_operation_is_a_problem(self):
        checked = 0
        for path, operations in self.schema["paths"].items():
            for method, operation in operations.items():
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                codes = [code for code in operation["responses"] if code >= "400"]
                for required in ("400", "401", "403", "404", "429"):
                    self.assertIn(required, codes, f"{method} {path}")
                for code in codes:
                    with self.subTest(path=path, method=method, code=code):
                        content = operation["responses"][code]["content"]
                        self.assertEqual(
                            content, {"application/problem+json": {"schema": {"$ref": PROBLEM}}}
                        )
                        checked += 1
        self.assertGreater(checked, 300)

    def test_the_problem_details_component_has_the_standard_members(self):
        component = self.schema["components"]["schemas"]["ProblemDetails"]
        self.assertLessEqual(STANDARD_MEMBERS, set(component["required"]))
        errors = component["properties"]["errors"]
        self.assertEqual(errors["items"], {"$ref": "#/components/schemas/ProblemError"})
        entry = self.schema["components"]["schemas"]["ProblemError"]
        self.assertLessEqual(
            {"in", "field", "pointer", "row", "value", "detail", "code"}, set(entry["properties"])
        )
