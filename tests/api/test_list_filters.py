"""List filters, declared once (accounts/api/filters.py): every list endpoint of the URLconf,
one added later included, documents its filters in the schema, filters by ``updated_since``
and by each of its other filters, and answers an invalid value with a 400 problem naming the
parameter."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.test import TestCase

from accounts.api.filters import ActiveOnFilter, ListFilterSet
from accounts.tenancy import tenant_context
from tests.api.endpoints import api_schema, list_endpoints
from tests.world import build_world

SINCE = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


class ListEndpointDiscoveryTests(TestCase):
    def test_the_lists_of_every_app_are_found(self):
        names = {endpoint.name for endpoint in list_endpoints()}
        # One of each app at least, so that a discovery that finds nothing cannot pass.
        self.assertLessEqual(
            {"sku-list", "purchase-order-list", "reorder-suggestion-list", "alert-list"}, names
        )

    def test_every_list_filters_with_a_list_filterset(self):
        for endpoint in list_endpoints():
            with self.subTest(endpoint=endpoint.name):
                self.assertIn("updated_since", endpoint.filters())


class ListFilterSchemaTests(TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.schema = api_schema()

    def parameters(self, path: str) -> dict[str, dict]:
        operation = self.schema["paths"][path]["get"]
        return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}

    def test_every_list_documents_each_of_its_filters(self):
        for endpoint in list_endpoints():
            with self.subTest(endpoint=endpoint.name):
                documented = self.parameters(endpoint.path)
                self.assertEqual(
                    documented["updated_since"]["schema"], {"type": "string", "format": "date-time"}
                )
                self.assertLessEqual(set(endpoint.filters()), set(documented))
                for name in endpoint.filters():
                    self.assertTrue(documented[name].get("description"), name)

    def test_typed_filters_are_documented_with_their_type(self):
        for endpoint in list_endpoints():
            documented = self.parameters(endpoint.path)
            for name, declared in endpoint.filters().items():
                with self.subTest(endpoint=endpoint.name, parameter=name):
                    schema = documented[name]["schema"]
                    if isinstance(declared, django_filters.ChoiceFilter):
                        self.assertEqual(
                            sorted(schema["enum"]),
                            sorted(value for value, _ in declared.extra["choices"]),
                        )
                    elif isinstance(declared, django_filters.IsoDateTimeFilter):
                        self.assertEqual(schema.get("format"), "date-time")
                    elif isinstance(declared, django_filters.DateFilter):
                        self.assertEqual(schema.get("format"), "date")

    def test_every_paginated_operation_of_the_schema_is_a_discovered_list(self):
        paginated = {
            path
            for path, operations in self.schema["paths"].items()
            if "get" in operations
            and any(p["name"] == "cursor" for p in operations["get"].get("parameters", []))
        }
        self.assertEqual(paginated, {endpoint.path for endpoint in list_endpoints()})


class ListFilterBehaviourTests(TestCase):
    """Against a merchant holding one object of every model (tests/world/), each list is
    asked for its object with each filter set to match it and set not to."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world(name="Alpha Goods", slug="alpha", marker="ALPHA")

    def listed_ids(self, path: str, params: dict) -> list[int]:
        response = self.client.get(
            path,
            {**params, "page_size": 1000},
            HTTP_AUTHORIZATION=f"Bearer {self.world.token_secret}",
        )
        self.assertEqual(response.status_code, 200, response.content)
        return [row["id"] for row in response.json()["results"]]

    def set_updated_at(self, endpoint, obj, moment: dt.datetime) -> None:
        # The field `updated_since` reads: `updated_at`, or what stands for it on a model
        # written once (a forecast run's `finished_at`).
        field = endpoint.filters()["updated_since"].field_name
        with tenant_context(self.world.merchant):
            scoped = endpoint.model.objects.for_merchant(self.world.merchant)
            # A queryset update leaves `auto_now` alone: the row keeps this moment.
            self.assertEqual(scoped.filter(pk=obj.pk).update(**{field: moment}), 1)

    def test_updated_since_filters_every_list(self):
        for endpoint in list_endpoints():
            obj = self.world.objects[endpoint.model]
            with self.subTest(endpoint=endpoint.name):
                since = {"updated_since": SINCE.isoformat()}
                self.set_updated_at(endpoint, obj, SINCE - dt.timedelta(seconds=1))
                self.assertIn(obj.pk, self.listed_ids(endpoint.path, {}))
                self.assertNotIn(obj.pk, self.listed_ids(endpoint.path, since))
                self.set_updated_at(endpoint, obj, SINCE)
                self.assertIn(obj.pk, self.listed_ids(endpoint.path, since))
                # The same moment at another offset is the same moment.
                later = {"updated_since": "2024-05-01T14:00:01+02:00"}
                self.assertNotIn(obj.pk, self.listed_ids(endpoint.path, later))

    def test_each_filter_matches_its_object_and_only_it(self):
        checked = 0
        for endpoint in list_endpoints():
            obj = self.world.objects[endpoint.model]
            for name, declared in endpoint.filters().items():
                if name == "updated_since":
                    continue
                cases = self.cases(obj, declared)
                for value, expected in cases:
                    with self.subTest(endpoint=endpoint.name, parameter=name, value=value):
                        listed = obj.pk in self.listed_ids(endpoint.path, {name: value})
                        self.assertEqual(listed, expected)
                checked += bool(cases)
        self.assertGreater(checked, 25)  # codes, statuses and ranges of many lists

    def cases(self, obj, declared) -> list[tuple[str, bool]]:
        """(a value of the filter, whether ``obj`` is listed with it)."""
        if isinstance(declared, ActiveOnFilter):
            start, end = getattr(obj, declared.start), getattr(obj, declared.end)
            return [
                (start.isoformat(), True),
                (end.isoformat(), True),
                ((start - dt.timedelta(days=1)).isoformat(), False),
                ((end + dt.timedelta(days=1)).isoformat(), False),
            ]
        actual = self.value_of(obj, declared.field_name)
        if actual is None:
            return []
        if isinstance(declared, django_filters.ChoiceFilter):
            other = next(value for value, _ in declared.extra["choices"] if value != actual)
            return [(actual, True), (other, False)]
        if isinstance(declared, django_filters.NumberFilter):  # an id
            return [(str(actual), True), (str(actual + 1), False)]
        if isinstance(declared, django_filters.DateFilter | django_filters.IsoDateTimeFilter):
            step = (
                dt.timedelta(seconds=1) if isinstance(actual, dt.datetime) else dt.timedelta(days=1)
            )
            beyond = actual + step if declared.lookup_expr == "gte" else actual - step
            return [(actual.isoformat(), True), (beyond.isoformat(), False)]
        return [(str(actual), True), (f"{actual}-NOT", False)]

    def value_of(self, obj, field_name: str):
        value = obj
        for part in field_name.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value


class InvalidFilterValueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = build_world(name="Alpha Goods", slug="alpha", marker="ALPHA")

    def test_a_value_not_of_its_filters_type_is_a_400_naming_it(self):
        checked = 0
        for endpoint in list_endpoints():
            for name, declared in endpoint.filters().items():
                if isinstance(declared, django_filters.CharFilter):
                    continue  # any text is a code
                with self.subTest(endpoint=endpoint.name, parameter=name):
                    response = self.client.get(
                        endpoint.path,
                        {name: "2024-02-30"},
                        HTTP_AUTHORIZATION=f"Bearer {self.world.token_secret}",
                    )
                    self.assertEqual(response.status_code, 400, response.content)
                    self.assertEqual(response["Content-Type"], "application/problem+json")
                    body = response.json()
                    self.assertTrue(body["type"].endswith("/validation-error/"))
                    self.assertEqual(
                        [(error["in"], error["field"]) for error in body["errors"]],
                        [("query", name)],
                    )
                    self.assertTrue(body["detail"].startswith(f"{name}: "))
                    checked += 1
        self.assertGreater(checked, len(list_endpoints()))

    def test_an_empty_value_does_not_filter(self):
        response = self.client.get(
            "/api/v1/skus/",
            {"updated_since": "", "code": ""},
            HTTP_AUTHORIZATION=f"Bearer {self.world.token_secret}",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(len(response.json()["results"]), 1)


class ListFilterSetTests(TestCase):
    def test_a_list_without_a_filterset_of_its_own_gets_updated_since(self):
        self.assertEqual(list(ListFilterSet.base_filters), ["updated_since"])
