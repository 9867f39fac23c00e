"""A supplier's language comes in with the other supplier columns (ERP sync and CSV): by code
or by name, blank for none; anything else is refused naming the row and the field."""

from __future__ import annotations

from django.test import TestCase

from accounts.tenancy import tenant_context
from inventory.ingest.service import IngestRejected, ingest
from inventory.models import Supplier
from tests.factories import MerchantFactory


class SupplierLanguageImportTests(TestCase):
    def setUp(self):
        self.merchant = MerchantFactory()

    def languages(self) -> dict[str, str]:
        with tenant_context(self.merchant):
            return dict(
                Supplier.objects.for_merchant(self.merchant).values_list("code", "language")
            )

    def test_a_language_is_read_by_code_or_name_and_blank_is_none(self):
        rows = [
            {"code": "ACME", "name": "Acme", "language": "zh-Hans"},
            {"code": "BOLT", "name": "Bolt", "language": "Chinese"},
            {"code": "CARL", "name": "Carl", "language": "English"},
            {"code": "DUNN", "name": "Dunn", "language": ""},
        ]
        ingest(merchant=self.merchant, resource_name="suppliers", rows=rows)
        self.assertEqual(
            self.languages(), {"ACME": "zh-hans", "BOLT": "zh-hans", "CARL": "en", "DUNN": ""}
        )

    def test_an_unknown_language_is_refused_with_its_row_and_field_and_nothing_written(self):
        rows = [
            {"code": "ACME", "name": "Acme", "language": "en"},
            {"code": "BOLT", "name": "Bolt", "language": "Klingon"},
        ]
        with self.assertRaises(IngestRejected) as refused:
            ingest(merchant=self.merchant, resource_name="suppliers", rows=rows)
        (error,) = refused.exception.errors
        self.assertEqual((error.row, error.field), (1, "language"))
        self.assertEqual(self.languages(), {})
