"""The column mapping a merchant confirms is kept per store, resource and header, and offered
again for the next file with the same header; another header, another resource or another
store gets the suggestion from the column names."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.roles import Role
from accounts.tenancy import tenant_context
from inventory.ingest import mappings
from inventory.models import ImportJob, ImportMapping, SalesDay
from tests.factories import LocationFactory, SKUFactory, member, merchants

# Column names no alias knows: the suggestion maps none of them.
HEADER = "Artikel,Lager,Tag,Verkauft,Notiz\n"
MAPPING = {"Artikel": "sku", "Lager": "location", "Tag": "date", "Verkauft": "units", "Notiz": ""}
MAY = "A1,WH,2024-05-01,3,erste\nB2,WH,2024-05-01,1,\n"
JUNE = "A1,WH,2024-06-01,5,\n"


class SavedMappingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.other = merchants("shop", "other")
        for merchant in (cls.merchant, cls.other):
            LocationFactory(merchant=merchant, code="WH")
            SKUFactory(merchant=merchant, code="A1")
            SKUFactory(merchant=merchant, code="B2")
        cls.planner = member(cls.merchant, Role.PLANNER)
        cls.other_planner = member(cls.other, Role.PLANNER)

    def setUp(self):
        self.client.force_login(self.planner)

    def upload(self, content: str, *, slug="shop", resource="sales") -> ImportJob:
        self.client.post(
            reverse("inventory:data", args=[slug]),
            {"resource": resource, "file": SimpleUploadedFile("f.csv", content.encode())},
        )
        merchant = self.merchant if slug == "shop" else self.other
        with tenant_context(merchant):
            return ImportJob.objects.for_merchant(merchant).latest("created_at")

    def confirm(self, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
        data = {f"map-{i}": mapping.get(column, "") for i, column in enumerate(job.header)}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("inventory:import_detail", args=["shop", job.pk]), data)
        with tenant_context(self.merchant):
            job.refresh_from_db()
        return job

    def test_the_confirmed_mapping_is_offered_for_the_next_file_with_that_header(self):
        first = self.upload(HEADER + MAY)
        self.assertEqual(set(first.mapping.values()), {""})  # nothing suggested
        self.assertEqual(self.confirm(first, MAPPING).status, ImportJob.Status.SUCCEEDED)

        second = self.upload(HEADER + JUNE)
        self.assertEqual(second.mapping, MAPPING)
        self.assertTrue(second.options.get("saved_mapping"))
        page = self.client.get(reverse("inventory:import_detail", args=["shop", second.pk]))
        self.assertContains(page, "the match you confirmed last time")
        self.assertEqual(self.confirm(second, second.mapping).status, ImportJob.Status.SUCCEEDED)
        with tenant_context(self.merchant):
            june = SalesDay.objects.for_merchant(self.merchant).get(date="2024-06-01")
        self.assertEqual(june.units, Decimal("5"))

    def test_the_last_confirmed_mapping_wins(self):
        self.confirm(self.upload(HEADER + MAY), MAPPING)
        self.confirm(self.upload(HEADER + JUNE), {**MAPPING, "Notiz": "", "Verkauft": "units"})
        changed = {**MAPPING, "Verkauft": "revenue", "Notiz": "units"}
        self.confirm(self.upload(HEADER + JUNE), changed)
        self.assertEqual(self.upload(HEADER + JUNE).mapping, changed)
        with tenant_context(self.merchant):
            self.assertEqual(ImportMapping.objects.for_merchant(self.merchant).count(), 1)

    def test_another_header_resource_or_store_gets_the_suggestion(self):
        self.confirm(self.upload(HEADER + MAY), MAPPING)
        reordered = self.upload("Lager,Artikel,Tag,Verkauft,Notiz\nWH,A1,2024-05-02,1,\n")
        self.assertEqual(set(reordered.mapping.values()), {""})
        self.assertNotIn("saved_mapping", reordered.options)
        other_resource = self.upload(HEADER + MAY, resource="stock-levels")
        self.assertEqual(set(other_resource.mapping.values()), {""})
        self.client.force_login(self.other_planner)
        elsewhere = self.upload(HEADER + MAY, slug="other")
        self.assertEqual(set(elsewhere.mapping.values()), {""})

    def test_a_refused_mapping_is_not_kept(self):
        job = self.upload(HEADER + MAY)
        self.confirm(job, {**MAPPING, "Verkauft": ""})  # units is required
        with tenant_context(self.merchant):
            self.assertFalse(ImportMapping.objects.for_merchant(self.merchant).exists())

    def test_the_key_is_the_header_in_order(self):
        self.assertEqual(mappings.header_key(["a", "b"]), mappings.header_key([" a", "b "]))
        self.assertNotEqual(mappings.header_key(["a", "b"]), mappings.header_key(["b", "a"]))
