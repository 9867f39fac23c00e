"""PostgreSQL row-level security: the migration operation that puts the tenant policy on a
table, the grants to the application role, and running migrations as the owner role.

The application connects as a role that owns no table (DATABASE_URL), so the policies apply
to it; migrations and test-database creation connect as the owner (DATABASE_OWNER_URL). On
other databases all of this is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.db import connections
from django.db.migrations.operations.base import Operation

from accounts.tenancy import ALL_MERCHANTS_DB_SETTING

POLICY_NAME = "merchant_isolation"


def policy_condition(column: str = "merchant_id") -> str:
    # NULLIF: an unset or empty tenant compares as NULL, so no row matches.
    return (
        f"{column} = NULLIF(current_setting('{settings.TENANT_DB_SETTING}', true), '')::bigint "
        f"OR current_setting('{ALL_MERCHANTS_DB_SETTING}', true) = 'on'"
    )


class EnableRowLevelSecurity(Operation):
    """Migration operation: enable RLS on a tenant model's table with the merchant policy."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name], {}

    def state_forwards(self, app_label, state):
        pass  # the table's columns do not change

    def _table(self, app_label, state, schema_editor):
        model = state.apps.get_model(app_label, self.model_name)
        return schema_editor.quote_name(model._meta.db_table)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, to_state, schema_editor)
        condition = policy_condition()
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}")
        schema_editor.execute(
            f"CREATE POLICY {POLICY_NAME} ON {table} USING ({condition}) WITH CHECK ({condition})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = self._table(app_label, from_state, schema_editor)
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self):
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"rls_{self.model_name.lower()}"


def owner_credentials() -> dict[str, str] | None:
    if not settings.DATABASE_OWNER_URL:
        return None
    parsed = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    return {key: parsed.get(key, "") for key in ("USER", "PASSWORD", "HOST", "PORT")}


@contextmanager
def as_database_owner(using: str = "default") -> Iterator[bool]:
    """Run a block connected as the owner role, if one is configured. Yields whether it is."""
    credentials = owner_credentials()
    connection = connections[using]
    if credentials is None or getattr(connection, "_shelfcast_as_owner", False):
        yield credentials is not None
        return
    saved = {key: connection.settings_dict.get(key, "") for key in credentials}
    connection.close()
    connection.settings_dict.update(credentials)
    connection._shelfcast_as_owner = True
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection._shelfcast_as_owner = False


def application_role(using: str = "default") -> str:
    """The role the application connects as (the user of DATABASE_URL)."""
    return dj_database_url.parse(settings.DATABASE_URL).get("USER", "")


def grant_application_role(using: str = "default") -> None:
    """Give the application role what it needs on every table and sequence, and nothing more:
    no ownership, so row-level security applies to it. The test settings add TRUNCATE, which
    Django's test cases use to empty tables between transactional tests."""
    include_truncate = getattr(settings, "DATABASE_APP_ROLE_MAY_TRUNCATE", False)
    connection = connections[using]
    role = application_role(using)
    if connection.vendor != "postgresql" or not role:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return  # one role for everything: a single-user setup without the second lock
        quoted = connection.ops.quote_name(role)
        privileges = "SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if include_truncate else "")
        # Tables, not their partitions: rows are reached through the partitioned table, where
        # the tenant policy applies.
        cursor.execute(
            "SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relkind IN ('r', 'p') AND NOT relispartition"
        )
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            cursor.execute(f"GRANT {privileges} ON {', '.join(tables)} TO {quoted}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
        # Our SECURITY DEFINER functions (e.g. adding a month to the sales table), revoked from
        # PUBLIC where they are created.
        cursor.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {quoted}")
