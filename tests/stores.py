"""Test cases that start from the store most portal tests use."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.models import ImportJob
from tests import factories


class PlannerAndViewerTestCase(TestCase):
    """A store ("shop") with a planner and a viewer, and its warehouse ("WH")."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.planner = factories.merchant_with(Role.PLANNER, slug="shop")
        cls.viewer = factories.member(cls.merchant, Role.VIEWER)
        cls.warehouse = factories.LocationFactory(merchant=cls.merchant, code="WH")


class OneLocationTestCase(TestCase):
    """A store with one location, where the test's series are sold."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant = factories.MerchantFactory()
        cls.location = factories.LocationFactory(merchant=cls.merchant)


class PortalImportMixin:
    """A file imported through the portal by whoever the test client is signed in as, in
    ``self.merchant``'s store."""

    def portal_import(self, content: str | bytes, resource: str, **options) -> ImportJob:
        """``content`` uploaded as a file of ``resource``, the suggested column mapping
        confirmed with the import's ``options`` and the import run: the job afterwards."""
        data = content.encode() if isinstance(content, str) else content
        self.client.post(
            reverse("inventory:data", args=[self.merchant.slug]),
            {"resource": resource, "file": SimpleUploadedFile("f.csv", data)},
        )
        with tenant_context(self.merchant):
            job = ImportJob.objects.for_merchant(self.merchant).latest("created_at")
        mapping = {f"map-{i}": job.mapping.get(column, "") for i, column in enumerate(job.header)}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("inventory:import_detail", args=[self.merchant.slug, job.pk]),
                {**mapping, **options},
            )
        with tenant_context(self.merchant):
            job.refresh_from_db()
        return job


class PlannerUploadsTestCase(PortalImportMixin, TestCase):
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
