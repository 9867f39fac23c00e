"""The isolation suite: no merchant ever reaches another's data.

Two merchants hold one object of every tenant-owned model. A member (and an API token) of the
first tries every URL pattern of the project with the second merchant's slug and ids, with
every method. Each answer must be 404 (or 405 where the method does not exist), and the second
merchant's rows must be exactly as they were. Pages and API lists without ids must not show
anything of the second merchant. URLs are found by walking the resolver, so new ones are
covered without editing this file.
"""

from __future__ import annotations

from django.test import TestCase
from django.urls import NoReverseMatch, reverse

from tests.isolation.url_catalogue import MERCHANT_KWARG, Endpoint, all_endpoints
from tests.world import build_world, missing_builders, snapshot

WRITE_METHODS = ("post", "put", "patch", "delete")
ALL_METHODS = ("get", *WRITE_METHODS)
NOT_REACHED = {404, 405}


class IsolationSuite(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = build_world(name="Alpha Goods", slug="alpha", marker="ALPHAMARK")
        cls.b = build_world(
            name="Beta Hidden Traders", slug="beta", marker="BETAMARK", id_base=900_000
        )

    def setUp(self):
        self.endpoints = all_endpoints()
        self.client.force_login(self.a.owner)
        self.b_before = snapshot(self.b.merchant)

    # -- helpers ----------------------------------------------------------------------------
    def url(self, endpoint: Endpoint, *, slug: str, object_id: int | None) -> str | None:
        kwargs = {}
        for name, kind in endpoint.kwargs:
            if name == MERCHANT_KWARG:
                kwargs[name] = slug
            elif kind == "id":
                kwargs[name] = object_id if object_id is not None else self.b.ids()[0]
            elif kind == "format":
                kwargs[name] = "json"
            elif name == "app_label":
                kwargs[name] = "inventory"
            else:
                kwargs[name] = "1"
        try:
            return reverse(endpoint.name, kwargs=kwargs)
        except NoReverseMatch:
            return None

    def request(self, method: str, url: str, **extra):
        call = getattr(self.client, method)
        if method == "get":
            return call(url, **extra)
        return call(url, data="{}", content_type="application/json", **extra)

    def assertBUnchanged(self, context: str) -> None:
        self.assertEqual(
            snapshot(self.b.merchant), self.b_before, f"{context} changed the other merchant"
        )

    def assertNoMarker(self, response, context: str) -> None:
        body = b"".join(response) if response.streaming else response.content
        self.assertNotIn(self.b.marker.encode(), body, f"{context} showed the other merchant")
        self.assertNotIn(self.b.merchant.name.encode(), body, context)

    def endpoints_where(self, predicate) -> list[Endpoint]:
        return [endpoint for endpoint in self.endpoints if predicate(endpoint)]

    # -- the suite covers everything -------------------------------------------------------
    def test_every_tenant_model_has_an_object_in_the_world(self):
        self.assertEqual(
            missing_builders(),
            [],
            "add a builder for these models to tests/world/ (the module of its app)",
        )

    def test_every_url_pattern_is_named_and_classified(self):
        # The console's unnamed patterns are Django admin's own redirects to named ones.
        unnamed = [
            e.route for e in self.endpoints if not e.name and not e.route.startswith("console/")
        ]
        self.assertEqual(unnamed, [], "every URL needs a name so the suite can request it")
        portal = self.endpoints_where(lambda e: e.is_merchant_portal)
        api = self.endpoints_where(lambda e: e.is_api)
        self.assertGreaterEqual(len(portal), 8)
        self.assertGreaterEqual(len(api), 3)

    # -- portal ------------------------------------------------------------------------------
    def test_other_merchants_slug_answers_404_for_every_method(self):
        checked = 0
        for endpoint in self.endpoints_where(lambda e: e.is_merchant_portal):
            url = self.url(endpoint, slug=self.b.merchant.slug, object_id=None)
            self.assertIsNotNone(url, endpoint.name)
            for method in ALL_METHODS:
                response = self.request(method, url)
                self.assertEqual(response.status_code, 404, f"{method.upper()} {url}")
                checked += 1
        self.assertBUnchanged("requests with the other merchant's slug")
        self.assertGreater(checked, 0)

    def test_other_merchants_ids_answer_404_under_own_slug(self):
        with_ids = self.endpoints_where(lambda e: e.is_merchant_portal and e.id_kwargs)
        self.assertTrue(with_ids)
        for endpoint in with_ids:
            reached_404 = False
            for object_id in self.b.ids():
                url = self.url(endpoint, slug=self.a.merchant.slug, object_id=object_id)
                for method in ALL_METHODS:
                    response = self.request(method, url)
                    self.assertIn(response.status_code, NOT_REACHED, f"{method.upper()} {url}")
                    reached_404 |= response.status_code == 404
            self.assertTrue(reached_404, f"{endpoint.name} never looked the id up")
            self.assertBUnchanged(endpoint.name)

    def test_pages_without_ids_show_nothing_of_the_other_merchant(self):
        pages = self.endpoints_where(
            lambda e: e.name and not e.is_api and not e.is_console and not e.id_kwargs
        )
        for endpoint in pages:
            url = self.url(endpoint, slug=self.a.merchant.slug, object_id=None)
            self.assertIsNotNone(url, endpoint.name)
            response = self.client.get(url)
            self.assertLess(response.status_code, 500, url)
            self.assertNoMarker(response, url)
            self.client.post(url, data={})
        self.assertBUnchanged("pages of the first merchant")

    def test_own_pages_do_show_own_data(self):
        """The marker check above can fail: the first merchant's marker is on its pages."""
        response = self.client.get(
            reverse("inventory:sku_list", kwargs={"merchant_slug": self.a.merchant.slug})
        )
        self.assertContains(response, self.a.marker)

    # -- API ---------------------------------------------------------------------------------
    def token_headers(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.a.token_secret}"}

    def test_api_token_never_reaches_other_merchants_objects(self):
        self.client.logout()
        with_ids = self.endpoints_where(lambda e: e.is_api and e.id_kwargs)
        self.assertTrue(with_ids)
        for endpoint in with_ids:
            for object_id in self.b.ids():
                url = self.url(endpoint, slug="", object_id=object_id)
                for method in ALL_METHODS:
                    response = self.request(method, url, **self.token_headers())
                    self.assertIn(response.status_code, NOT_REACHED, f"{method.upper()} {url}")
            self.assertBUnchanged(endpoint.name)

    def test_api_lists_show_only_own_data(self):
        self.client.logout()
        for endpoint in self.endpoints_where(lambda e: e.is_api and not e.id_kwargs):
            url = self.url(endpoint, slug="", object_id=None)
            response = self.client.get(url, **self.token_headers())
            self.assertLess(response.status_code, 500, url)
            self.assertNoMarker(response, url)
            for method in WRITE_METHODS:
                self.request(method, url, **self.token_headers())
        self.assertBUnchanged("API writes with the first merchant's token")

    def test_api_session_cannot_pick_another_merchant(self):
        for endpoint in self.endpoints_where(lambda e: e.is_api and e.view_class is not None):
            view_class = endpoint.view_class
            if not hasattr(view_class, "_resolve_merchant"):
                continue  # not a merchant endpoint (the API root)
            url = self.url(endpoint, slug="", object_id=None)
            for method in ALL_METHODS:
                response = self.request(method, url, HTTP_X_MERCHANT=self.b.merchant.slug)
                self.assertEqual(response.status_code, 404, f"{method.upper()} {url}")
        self.assertBUnchanged("API calls naming the other merchant")

    # -- the console ---------------------------------------------------------------------------
    def test_console_is_closed_to_merchant_members(self):
        console = self.endpoints_where(lambda e: e.is_console)
        self.assertTrue(console)
        login_url = reverse("admin:login")
        for endpoint in console:
            if endpoint.name in {"admin:login", "admin:logout"}:
                continue
            url = self.url(endpoint, slug="", object_id=self.b.ids()[0])
            if url is None:
                continue
            response = self.client.get(url)
            self.assertIn(response.status_code, {302, 404}, url)
            if response.status_code == 302:
                self.assertTrue(response["Location"].startswith(login_url), url)
        self.assertBUnchanged("console requests by a merchant member")
