"""Test cases that start from the store most portal tests use."""

from __future__ import annotations

from django.test import TestCase

from accounts.roles import Role
from tests import factories


class PlannerAndViewerTestCase(TestCase):
    """A store ("shop") with a planner and a viewer, and its warehouse ("WH")."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop")
        cls.viewer = factories.member(cls.merchant, Role.VIEWER)
        cls.warehouse = factories.LocationFactory(merchant=cls.merchant, code="WH")


class PlannerUploadsTestCase(TestCase):
    """A London store ("shop") with a planner, a location and a SKU (coded ``location_code``
    and ``sku_code``): what the rows of an uploaded file refer to."""

    location_code, sku_code = "WH", "A1"

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(
            Role.PLANNER, slug="shop", timezone="Europe/London"
        )
        factories.LocationFactory(merchant=cls.merchant, code=cls.location_code)
        factories.SKUFactory(merchant=cls.merchant, code=cls.sku_code)
