"""The database lock: PostgreSQL row-level security on every tenant table, checked with raw
SQL as the application role. Skipped on databases without row-level security."""

from __future__ import annotations

import unittest

from django.db import DatabaseError, connection, transaction

from accounts.row_level_security import POLICY_NAME
from accounts.tenancy import all_merchants_context, tenant_context, tenant_models
from tests.world import TwoWorldsTestCase


def rls_models():
    return [model for model in tenant_models() if model.row_level_security]


@unittest.skipUnless(connection.vendor == "postgresql", "row-level security is PostgreSQL's")
class RowLevelSecurityTests(TwoWorldsTestCase):
    def count(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            return cursor.fetchone()[0]

    def test_the_application_role_owns_no_tenant_table_and_cannot_bypass(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
            self.assertEqual(cursor.fetchone(), (False, False))
            for model in rls_models():
                cursor.execute(
                    "SELECT tableowner <> current_user FROM pg_tables WHERE tablename = %s",
                    [model._meta.db_table],
                )
                self.assertEqual(cursor.fetchone(), (True,), model._meta.db_table)

    def test_every_tenant_table_has_the_policy(self):
        """A tenant model added without its EnableRowLevelSecurity migration fails here."""
        with connection.cursor() as cursor:
            for model in rls_models():
                table = model._meta.db_table
                cursor.execute("SELECT relrowsecurity FROM pg_class WHERE relname = %s", [table])
                self.assertEqual(cursor.fetchone(), (True,), f"RLS not enabled on {table}")
                cursor.execute(
                    "SELECT count(*) FROM pg_policies WHERE tablename = %s AND policyname = %s",
                    [table, POLICY_NAME],
                )
                self.assertEqual(cursor.fetchone(), (1,), f"no {POLICY_NAME} policy on {table}")

    def test_raw_sql_without_a_tenant_returns_no_rows(self):
        for model in rls_models():
            with self.subTest(table=model._meta.db_table):
                self.assertEqual(self.count(model._meta.db_table), 0)

    def test_raw_sql_in_a_tenant_returns_only_its_rows(self):
        for model in rls_models():
            table = model._meta.db_table
            with self.subTest(table=table), tenant_context(self.a.merchant):
                with connection.cursor() as cursor:
                    cursor.execute(f'SELECT DISTINCT merchant_id FROM "{table}"')
                    self.assertEqual(cursor.fetchall(), [(self.a.merchant.pk,)])

    def test_all_merchants_context_sees_both(self):
        with all_merchants_context():
            self.assertEqual(self.count("inventory_sku"), 2)

    def test_tenant_is_restored_after_a_block(self):
        with tenant_context(self.a.merchant):
            with tenant_context(self.b.merchant):
                self.assertEqual(self.count("inventory_sku"), 1)
            with connection.cursor() as cursor:
                cursor.execute("SELECT DISTINCT merchant_id FROM inventory_sku")
                self.assertEqual(cursor.fetchall(), [(self.a.merchant.pk,)])
        self.assertEqual(self.count("inventory_sku"), 0)

    def test_writing_a_row_for_another_merchant_is_refused(self):
        with tenant_context(self.a.merchant):
            with self.assertRaises(DatabaseError), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO inventory_location (merchant_id, code, name, kind,"
                        " active, created_at, updated_at)"
                        " VALUES (%s, 'X', 'X', 'store', true, now(), now())",
                        [self.b.merchant.pk],
                    )

    def test_updating_another_merchants_rows_touches_nothing(self):
        with tenant_context(self.a.merchant), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE inventory_sku SET name = 'hijacked' WHERE merchant_id = %s",
                [self.b.merchant.pk],
            )
            self.assertEqual(cursor.rowcount, 0)
