"""The set-based write: many rows inserted or updated by natural key in a few statements.

PostgreSQL: COPY the rows into a temporary staging table, then one
``INSERT ... SELECT ... ON CONFLICT (key) DO UPDATE ... WHERE <something changed>`` that
reports how many rows it created and updated; rows it did not touch were unchanged.
SQLite (the embedded default): the same upsert through ``executemany``.

Runs as the caller's connection inside the caller's transaction and tenant context, so
row-level security checks every row written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils import timezone

from accounts.errors import DomainError


@dataclass(frozen=True)
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.created + other.created,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _field(model: type[models.Model], attribute: str) -> models.Field:
    """The concrete field whose attribute name (``sku_id`` for the ``sku`` key) is given."""
    for candidate in model._meta.concrete_fields:
        if candidate.attname == attribute:
            return candidate
    raise LookupError(f"{model.__name__} has no attribute {attribute}")


def _column(model: type[models.Model], attribute: str) -> str:
    return _field(model, attribute).column


def upsert(
    *,
    model: type[models.Model],
    merchant_id: int,
    key: Sequence[str],
    attributes: Sequence[str],
    update: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> UpsertCounts:
    """Insert or update ``rows`` (tuples in ``attributes`` order) of one merchant.

    ``key`` is the natural key (merchant implied); ``update`` the attributes a conflicting
    row takes from the batch. Rows whose ``update`` values already match are left alone."""
    if not rows:
        return UpsertCounts()
    update = [attribute for attribute in update if attribute not in key]
    if connection.vendor == "postgresql":
        return _upsert_postgresql(model, merchant_id, key, attributes, update, rows)
    return _upsert_generic(model, merchant_id, key, attributes, update, rows)


def _statement_parts(model, key, attributes, update, quote):
    table = quote(model._meta.db_table)
    columns = [quote("merchant_id"), *(quote(_column(model, a)) for a in attributes)]
    conflict = ", ".join([quote("merchant_id"), *(quote(_column(model, a)) for a in key)])
    stamps = [quote("created_at"), quote("updated_at")]
    assignments = [
        f"{quote(_column(model, a))} = EXCLUDED.{quote(_column(model, a))}" for a in update
    ]
    return table, columns, conflict, stamps, assignments


def _upsert_postgresql(model, merchant_id, key, attributes, update, rows) -> UpsertCounts:
    quote = connection.ops.quote_name
    table, columns, conflict, stamps, assignments = _statement_parts(
        model, key, attributes, update, quote
    )
    stage = quote(f"stage_{model._meta.db_table}")
    column_list = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608 (names from models)
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {stage} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((merchant_id, *row))
        if assignments:
            changed = " OR ".join(
                f"{table}.{quote(_column(model, a))} IS DISTINCT FROM "
                f"EXCLUDED.{quote(_column(model, a))}"
                for a in update
            )
            action = (
                f"DO UPDATE SET {', '.join(assignments)}, "
                f"{quote('updated_at')} = EXCLUDED.{quote('updated_at')} WHERE {changed}"
            )
        else:
            action = "DO NOTHING"
        # Rows already there are counted in the statement's own snapshot, before it writes
        # (RETURNING xmax, the usual test for "inserted", is refused by partitioned tables).
        matches = " AND ".join(
            f"{table}.{column} = {stage}.{column}" for column in conflict.split(", ")
        )
        cursor.execute(
            f"WITH existing AS ("  # noqa: S608 (names from models)
            f" SELECT count(*) AS rows FROM {stage} JOIN {table} ON {matches}),"
            f" written AS ("
            f" INSERT INTO {table} ({column_list}, {', '.join(stamps)})"
            # in key order: concurrent batches with rows in common lock them in the same
            # order, so one waits for the other instead of each holding what the other needs
            f" SELECT {column_list}, now(), now() FROM {stage} ORDER BY {conflict}"
            f" ON CONFLICT ({conflict}) {action}"
            f" RETURNING 1)"
            f" SELECT (SELECT rows FROM existing), (SELECT count(*) FROM written)"
        )
        existing, written = cursor.fetchone()
        cursor.execute(f"DROP TABLE {stage}")
    # A row that another sync inserted meanwhile counts as created; the totals stay whole.
    created = min(len(rows) - existing, written)
    updated = written - created
    return UpsertCounts(created, updated, len(rows) - created - updated)


def _upsert_generic(model, merchant_id, key, attributes, update, rows) -> UpsertCounts:
    quote = connection.ops.quote_name
    table, columns, conflict, stamps, assignments = _statement_parts(
        model, key, attributes, update, quote
    )
    fields = [_field(model, a) for a in attributes]
    now = timezone.now()
    prepared = [
        (
            merchant_id,
            *(f.get_db_prep_save(value, connection) for f, value in zip(fields, row, strict=True)),
            now,
            now,
        )
        for row in rows
    ]
    stamp = model._meta.get_field("created_at").get_db_prep_save(now, connection)
    prepared = [(*row[:-2], stamp, stamp) for row in prepared]
    placeholders = ", ".join(["%s"] * (len(columns) + 2))
    if assignments:
        changed = " OR ".join(
            f"{table}.{quote(_column(model, a))} IS NOT excluded.{quote(_column(model, a))}"
            for a in update
        )
        action = (
            f"DO UPDATE SET {', '.join(assignments)}, "
            f"{quote('updated_at')} = excluded.{quote('updated_at')} WHERE {changed}"
        )
    else:
        action = "DO NOTHING"
    count_sql = f"SELECT count(*) FROM {table} WHERE {quote('merchant_id')} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(count_sql, [merchant_id])
        before = cursor.fetchone()[0]
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}, {', '.join(stamps)})"  # noqa: S608
            f" VALUES ({placeholders}) ON CONFLICT ({conflict}) {action}",
            prepared,
        )
        written = cursor.rowcount
        cursor.execute(count_sql, [merchant_id])
        created = cursor.fetchone()[0] - before
    updated = max(written - created, 0)
    return UpsertCounts(created, updated, len(rows) - created - updated)


class ReferenceVanished(DomainError):
    """A referenced row was deleted between validation and the write: nothing was written,
    and sending the batch again gives a precise answer."""

    status_code = 409
    problem_type = "conflict"


def lock_referenced(model: type[models.Model], ids: set[int] | list[int]) -> None:
    """Hold a KEY SHARE lock on the rows a batch references until the transaction ends, so
    they cannot be deleted under it: what a foreign-key check would do, once per batch
    instead of once per row. SQLite serialises writers, so there it is not needed."""
    wanted = sorted({pk for pk in ids if pk is not None})
    if connection.vendor != "postgresql" or not wanted:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE id = ANY(%s) FOR KEY SHARE) AS locked",  # noqa: S608, E501
            [wanted],
        )
        if cursor.fetchone()[0] != len(wanted):
            raise ReferenceVanished(f"a referenced {model._meta.verbose_name} was just deleted")
