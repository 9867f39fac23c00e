"""The database tenant: the transaction-local PostgreSQL settings that row-level security
reads (``shelfcast.merchant_id``, ``shelfcast.all_merchants``), set for the length of a block.

The second of the two tenant locks (`accounts.tenancy` describes both). It lives in core,
below accounts, because core's own job machinery (`core.runs`, the dispatch sweep) opens
these blocks; it knows a merchant only by its primary key and imports no model.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.conf import settings
from django.db import connections, transaction

ALL_MERCHANTS_DB_SETTING = "shelfcast.all_merchants"


class UnscopedQueryError(RuntimeError):
    """A tenant-owned model was queried without saying which merchant the query is for."""


class HasPrimaryKey(Protocol):
    pk: int | None


def merchant_pk(merchant: HasPrimaryKey | int) -> int:
    if merchant is None:
        raise UnscopedQueryError("A merchant is required, got None.")
    pk = merchant if isinstance(merchant, int) else merchant.pk
    if pk is None:
        raise UnscopedQueryError("The merchant has not been saved yet.")
    return int(pk)


def _read_settings(cursor, names: list[str]) -> list[str]:
    cursor.execute(
        "SELECT " + ", ".join(["current_setting(%s, true)"] * len(names)),
        names,
    )
    return [value or "" for value in cursor.fetchone()]


def _write_settings(cursor, values: dict[str, str]) -> None:
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(values)),
        [item for pair in values.items() for item in pair],
    )


@contextmanager
def _transaction_settings(values: dict[str, str], using: str = "default") -> Iterator[None]:
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            previous = dict(zip(values, _read_settings(cursor, list(values)), strict=True))
            _write_settings(cursor, values)
        yield
        # Restore on a normal exit so an enclosing transaction (a test, a request that touches
        # several merchants' public data) goes on with its own tenant. On an exception, or when
        # the block was marked for rollback, the savepoint rollback undoes the setting itself.
        if connection.needs_rollback:
            return
        with connection.cursor() as cursor:
            _write_settings(cursor, previous)


@contextmanager
def tenant_context(merchant: HasPrimaryKey | int, using: str = "default") -> Iterator[None]:
    """Run a block as ``merchant``: row-level security shows only its rows.

    Opens a transaction (or savepoint) for the block; a no-op on databases without RLS.
    """
    pk = merchant_pk(merchant)
    with _transaction_settings(
        {settings.TENANT_DB_SETTING: str(pk), ALL_MERCHANTS_DB_SETTING: "off"}, using=using
    ):
        yield


@contextmanager
def all_merchants_context(using: str = "default") -> Iterator[None]:
    """Lift row-level security for a block: platform staff in the admin console and the rare
    cross-merchant sweep (nightly fan-out). Pair it with ``.unscoped()`` and say why."""
    with _transaction_settings(
        {settings.TENANT_DB_SETTING: "", ALL_MERCHANTS_DB_SETTING: "on"}, using=using
    ):
        yield
