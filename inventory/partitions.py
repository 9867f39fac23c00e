# ruff: noqa: S608 -- every name in the SQL below is a constant of this module, not input.
"""The daily sales table, partitioned by month on PostgreSQL.

Every read of ``inventory_salesday`` filters by merchant and a date range (a nightly history,
a window of the portal, a backtest), so monthly range partitions let the planner skip the
months a query does not touch, and old months can be detached and archived whole. The unique
key ``(merchant, sku, location, date)`` already holds the partition column; the primary key
becomes ``(id, date)`` in the database while Django keeps addressing rows by ``id``, which
stays unique (one identity sequence for the whole table).

Rows of a month without its own partition (an import of old history, a date far ahead) land
in the default partition, so a write never fails for want of one. Each day
`ensure_sales_partitions` creates the months ahead and moves any month found in the default
partition into a partition of its own, if that month is inside the sales window
(`inventory.sales_window`): ingestion refuses dates outside it, and rows there from before
the rule (or written around it) stay in the default partition rather than each making a
month of the thousands between year 1 and 9999. Creating partitions needs the table's
owner: two functions, ``SECURITY DEFINER`` and owned by the owner role, do it for the
application role, which otherwise has no right on the partitions themselves (only on the
table, where row-level security applies).

On SQLite the table stays a plain table and all of this is a no-op.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import OperationalError, connection, transaction
from django.db.migrations.operations.base import Operation
from django.utils import timezone

from accounts.row_level_security import POLICY_NAME, policy_condition
from inventory.sales_window import any_store_sales_window

logger = logging.getLogger(__name__)

TABLE = "inventory_salesday"
DEFAULT_PARTITION = f"{TABLE}_default"
ADD_MONTH_FUNCTION = f"{TABLE}_add_month"
DEFAULT_MONTHS_FUNCTION = f"{TABLE}_default_months"
# Months created ahead of today, so a night never writes into the default partition.
MONTHS_AHEAD = 3
# Moving a month out of the default partition locks that partition; past this wait the month
# is left for the next day rather than queueing the imports and syncs behind it.
LOCK_TIMEOUT = "5s"
LOCK_NOT_AVAILABLE = "55P03"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y_%m}"


def is_partitioned(using_connection=None) -> bool:
    using_connection = using_connection or connection
    if using_connection.vendor != "postgresql":
        return False
    with using_connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE]
        )
        return cursor.fetchone() is not None


# --- the functions that let the application role add months ---------------------------


def _functions_sql() -> list[str]:
    # The policy is written inside a quoted format string of the function body.
    condition = policy_condition().replace("'", "''")
    add_month = f"""
CREATE OR REPLACE FUNCTION {ADD_MONTH_FUNCTION}(first_day date) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $function$
DECLARE
    name text := '{TABLE}_p' || to_char(first_day, 'YYYY_MM');
    next_day date := (first_day + interval '1 month')::date;
    moved bigint;
BEGIN
    IF first_day <> date_trunc('month', first_day)::date THEN
        RAISE EXCEPTION 'a month starts on its first day, not %', first_day;
    END IF;
    IF to_regclass(name) IS NOT NULL THEN
        RETURN -1;
    END IF;
    EXECUTE format('SET LOCAL lock_timeout = %L', '{LOCK_TIMEOUT}');
    -- Built apart and attached: attaching takes a lighter lock on the table than creating a
    -- partition in place, so reads and writes of other months go on meanwhile.
    EXECUTE format(
        'CREATE TABLE %I (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
    EXECUTE format(
        'ALTER TABLE %I ADD CONSTRAINT %I CHECK (date >= %L AND date < %L)',
        name, name || '_range', first_day, next_day);
    EXECUTE format(
        'WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE date >= %L AND date < %L '
        'RETURNING *) INSERT INTO %I SELECT * FROM moved', first_day, next_day, name);
    GET DIAGNOSTICS moved = ROW_COUNT;
    EXECUTE format('ALTER TABLE {TABLE} ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        name, first_day, next_day);
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_range');
    -- Only the table is granted to the application role; should that change, the partition
    -- carries the tenant policy too.
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', name);
    EXECUTE format('CREATE POLICY {POLICY_NAME} ON %I USING ({condition}) WITH CHECK ({condition})',
        name);
    RETURN moved;
END
$function$"""
    default_months = f"""
CREATE OR REPLACE FUNCTION {DEFAULT_MONTHS_FUNCTION}() RETURNS SETOF date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $function$
    SELECT DISTINCT date_trunc('month', date)::date FROM {DEFAULT_PARTITION} ORDER BY 1
$function$"""
    return [
        add_month,
        default_months,
        # Granted to the application role by `migrate` (accounts.row_level_security).
        f"REVOKE ALL ON FUNCTION {ADD_MONTH_FUNCTION}(date) FROM PUBLIC",
        f"REVOKE ALL ON FUNCTION {DEFAULT_MONTHS_FUNCTION}() FROM PUBLIC",
    ]


# --- the migration operation --------------------------------------------------------------


def _rebuild(schema_editor, *, partitioned: bool) -> None:
    """Copy the sales table into a new one, partitioned by month or plain, keeping its
    columns, identity, indexes, constraints and tenant policy under the same names."""
    quote = schema_editor.quote_name
    old = f"{TABLE}_rebuilt"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [old],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname <> ALL(%s)",
            [old, [name for name, _, _ in keys]],
        )
        indexes = cursor.fetchall()
        cursor.execute(f"SELECT DISTINCT date_trunc('month', date)::date FROM {old}")
        months = {row[0] for row in cursor.fetchall()}

        suffix = " PARTITION BY RANGE (date)" if partitioned else ""
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING IDENTITY "
            f"INCLUDING CONSTRAINTS){suffix}"
        )
        if partitioned:
            cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
            this_month = month_start(timezone.now().date())
            months |= {add_months(this_month, offset) for offset in range(-1, MONTHS_AHEAD + 1)}
            for month in sorted(months):
                cursor.execute(
                    f"CREATE TABLE {quote(partition_name(month))} PARTITION OF {TABLE} "
                    "FOR VALUES FROM (%s) TO (%s)",
                    [month, add_months(month, 1)],
                )
        cursor.execute(f"INSERT INTO {TABLE} OVERRIDING SYSTEM VALUE SELECT * FROM {old}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {TABLE}), 0) + 1, false)"
        )
        cursor.execute(f"DROP TABLE {old}")
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')",
            [TABLE],
        )
        sequence = cursor.fetchone()[0]
        if sequence != f"public.{TABLE}_id_seq":
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_id_seq")

        for name, kind, definition in keys:
            if kind == "p":
                # A partitioned table's keys must hold the partition column.
                definition = "PRIMARY KEY (id, date)" if partitioned else "PRIMARY KEY (id)"
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {quote(name)} {definition}")
        for _name, definition in indexes:
            # A partitioned table's indexes read "ON ONLY"; the new one covers its partitions.
            for source in (f" ON ONLY public.{old} ", f" ON public.{old} "):
                definition = definition.replace(source, f" ON public.{TABLE} ")
            cursor.execute(definition)

        condition = policy_condition()
        # The table, and (as the months added later) each partition: only the table is granted
        # to the application role, but a partition should never be the open door.
        tables = [TABLE]
        if partitioned:
            tables += [DEFAULT_PARTITION, *(partition_name(month) for month in sorted(months))]
        for table in tables:
            cursor.execute(f"ALTER TABLE {quote(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(
                f"CREATE POLICY {POLICY_NAME} ON {quote(table)} "
                f"USING ({condition}) WITH CHECK ({condition})"
            )
        if partitioned:
            for statement in _functions_sql():
                cursor.execute(statement)
        else:
            cursor.execute(f"DROP FUNCTION IF EXISTS {ADD_MONTH_FUNCTION}(date)")
            cursor.execute(f"DROP FUNCTION IF EXISTS {DEFAULT_MONTHS_FUNCTION}()")


class PartitionSalesByMonth(Operation):
    """Migration operation: rebuild the sales table as one partitioned by month (PostgreSQL
    only; the model, and so Django's state, does not change)."""

    reversible = True
    reduces_to_sql = False
    atomic = True

    def deconstruct(self):
        return self.__class__.__name__, [], {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            _rebuild(schema_editor, partitioned=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            _rebuild(schema_editor, partitioned=False)

    def describe(self):
        return "Partition the daily sales table by month"

    @property
    def migration_name_fragment(self):
        return "partition_sales_by_month"


# --- what the console shows ----------------------------------------------------------------


@dataclass(frozen=True)
class PartitionState:
    partitioned: bool
    months: list[dt.date]  # the months with a partition of their own, in order
    waiting: list[dt.date]  # months with rows in the default partition, for the next upkeep


def partition_state() -> PartitionState:
    """The sales table's months, from the catalogue (names only, no rows read)."""
    if not is_partitioned():
        return PartitionState(partitioned=False, months=[], waiting=[])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = f"{TABLE}_p"
    months = sorted(
        dt.datetime.strptime(name.removeprefix(prefix), "%Y_%m").date()
        for name in names
        if name.startswith(prefix)
    )
    return PartitionState(partitioned=True, months=months, waiting=_default_months())


# --- the daily upkeep ----------------------------------------------------------------------


@dataclass
class PartitionReport:
    created: list[dt.date] = field(default_factory=list)
    rows_moved: int = 0
    skipped: list[dt.date] = field(default_factory=list)  # the lock was not free in time
    # months with rows in the default partition but outside the sales window: left there
    outside_window: list[dt.date] = field(default_factory=list)


def default_partition_months() -> list[dt.date]:
    """Months that have rows in the default partition (each wants a partition of its own)."""
    return _default_months() if is_partitioned() else []


def _default_months() -> list[dt.date]:
    """`default_partition_months`, for callers that know the table is partitioned."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DEFAULT_MONTHS_FUNCTION}()")
        return [row[0] for row in cursor.fetchall()]


def ensure_sales_partitions(*, today: dt.date | None = None) -> PartitionReport:
    """Create the months ahead of ``today`` and give every month found in the default
    partition inside the sales window its own partition, moving its rows there (months
    outside it stay, listed in the report). Each month is one short transaction
    of its own; a month whose lock is not free within the lock timeout is skipped (and found
    again the next day). Rows keep their ids, so nothing that refers to them changes."""
    report = PartitionReport()
    if not is_partitioned():
        return report
    today = today or timezone.now().date()
    this_month = month_start(today)
    window = any_store_sales_window(today=today)
    first, last = month_start(window.first), month_start(window.last)
    wanted = {add_months(this_month, offset) for offset in range(MONTHS_AHEAD + 1)}
    for month in _default_months():
        if first <= month <= last:
            wanted.add(month)
        elif month not in wanted:
            report.outside_window.append(month)
    if report.outside_window:
        logger.warning(
            "sales partitions: %d months of the default partition are outside the sales "
            "window (%s to %s) and stay there",
            len(report.outside_window),
            f"{first:%Y-%m}",
            f"{last:%Y-%m}",
        )
    for month in sorted(wanted):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {ADD_MONTH_FUNCTION}(%s)", [month])
                moved = cursor.fetchone()[0]
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            logger.warning("sales partition %s skipped: its lock was busy", month)
            report.skipped.append(month)
            continue
        if moved >= 0:
            report.created.append(month)
            report.rows_moved += moved
    if report.created:
        logger.info(
            "sales partitions created: %s; %d rows moved out of the default partition",
            ", ".join(f"{month:%Y-%m}" for month in report.created),
            report.rows_moved,
        )
    return report
