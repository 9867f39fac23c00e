"""CSV imports from the portal: upload, map the columns, then a worker loads the file through
the same ingestion path as the API, with the same guarantees: the whole file or nothing,
every bad row named (by its line in the file).

A store has at most IMPORT_MAX_OPEN_JOBS imports open at once (uploaded and waiting for their
mapping, queued or running), counted under its row lock (`accounts.quotas`). The file is read
within limits that hold while it is read (`inventory.ingest.csv_files`):
IMPORT_MAX_DECOMPRESSED_BYTES of text after gzip, IMPORT_MAX_ROWS rows. Once an import has
reached its verdict (loaded, or refused for its rows or for being unreadable) its stored
file is deleted: it may hold raw customer ids, which are pseudonymised at the door and kept
nowhere. A load cut short (a worker lost, the database away, an unexpected error) keeps the
file, for the task delivered again or the retry that loads it.

A shop platform's order export (`inventory.ingest.platforms`) is recognised from its header:
it loads as order lines with no mapping to confirm. Any other file's mapping, once confirmed,
is kept for the next file with the same header (`inventory.ingest.mappings`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import dispatch, quotas, runs, workflow_events
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from config.uploads import describe_size
from inventory.ingest import csv_files, mappings, platforms
from inventory.ingest.order_lines import ORDER_LINES
from inventory.ingest.resources import RESOURCES, Resource
from inventory.ingest.service import IngestRejected, hold_store_writes, ingest
from inventory.ingest.validation import RowError, resolve_codes
from inventory.models import ImportJob, Location

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000  # or API_MAX_ROWS_PER_REQUEST where lower: no batch is larger
MAX_REPORTED_ERRORS = 1000
SKU_NAME_FIELD = "sku_name"  # order lines only: names SKUs created from the file
IMPORTABLE: dict[str, Resource] = {**RESOURCES, ORDER_LINES.name: ORDER_LINES}


class ImportProblem(ValidationError):
    """An upload or a mapping that cannot be used; the message says what to do."""


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def target_fields(resource_name: str) -> list[str]:
    fields = IMPORTABLE[resource_name].column_names
    if resource_name == ORDER_LINES.name:
        fields.append(SKU_NAME_FIELD)
    return fields


def platform_of(job: ImportJob) -> platforms.Platform | None:
    """The shop platform whose order export the job's file is, or None."""
    return platforms.PLATFORMS.get(job.platform)


def suggest_mapping(resource_name: str, header: list[str]) -> dict[str, str]:
    """CSV column -> field, from the field names and their common aliases ('' = ignore)."""
    resource = IMPORTABLE[resource_name]
    known: dict[str, str] = {}
    for column in resource.columns:
        for name in (column.name, *column.aliases):
            known.setdefault(_normalise(name), column.name)
    if resource_name == ORDER_LINES.name:
        for name in (SKU_NAME_FIELD, "description", "product_name", "title"):
            known.setdefault(name, SKU_NAME_FIELD)
    mapping, used = {}, set()
    for column in header:
        field = known.get(_normalise(column), "")
        if field in used:
            field = ""
        used.add(field)
        mapping[column] = field
    return mapping


# A column name is stored (PostgreSQL refuses a NUL in JSON) and shown in the portal.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _open_text(binary):
    return csv_files.open_text(
        binary, max_bytes=settings.IMPORT_MAX_DECOMPRESSED_BYTES, allow_gzip=True
    )


def _delimiter(binary) -> str:
    """Comma or tab, from the file's first line; ``binary`` is left at its start."""
    try:
        first = _open_text(binary).readline(csv_files.MAX_RECORD_CHARACTERS)
    except (ValueError, OSError, EOFError, zlib.error):
        first = ""  # read again by `records`, whose error says what is wrong
    finally:
        binary.seek(0)
    return csv_files.delimiter_of(first)


def _records(binary) -> Iterator[csv_files.Record]:
    delimiter = _delimiter(binary)
    return csv_files.records(_open_text(binary), delimiter=delimiter)


def read_header(binary) -> list[str]:
    try:
        first = next(_records(binary), None)
        names = csv_files.check_header(first.cells) if first else []
    except csv_files.RecordTooLong as error:
        raise ImportProblem(
            f"The file's first line, its header, is longer than "
            f"{describe_size(csv_files.MAX_RECORD_CHARACTERS)}: is it a CSV file?"
        ) from error
    except (csv_files.CSVProblem, OSError) as error:
        raise ImportProblem(
            f"This is not a readable CSV file (UTF-8, optionally gzip): {error}"
        ) from error
    finally:
        binary.seek(0)
    if not any(names):
        raise ImportProblem("The file's first line must be a header naming its columns.")
    if any(CONTROL_CHARACTERS.search(name) for name in names):
        raise ImportProblem("A column name of the header contains a control character.")
    if len(set(names)) != len(names):
        raise ImportProblem("Two columns of the header have the same name.")
    return names


# An upload nobody has mapped for this long is taken as abandoned: it no longer counts against
# IMPORT_MAX_OPEN_JOBS (an upload cannot be withdrawn, so forgotten ones would otherwise block
# the store's imports for good).
UNMAPPED_COUNTS_FOR = dt.timedelta(days=1)


def _check_open_imports(merchant: Merchant, *, queueing: ImportJob | None = None) -> None:
    """Refuse a new upload (or the queueing of one no longer counted) while the store has
    IMPORT_MAX_OPEN_JOBS imports open; counted under the merchant's row lock, so two uploads
    at once cannot both take the last place."""
    quotas.hold(merchant)
    limit = settings.IMPORT_MAX_OPEN_JOBS
    recent = timezone.now() - UNMAPPED_COUNTS_FOR
    open_jobs = ImportJob.objects.for_merchant(merchant).filter(
        Q(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        | Q(status=ImportJob.Status.MAPPING, created_at__gte=recent)
    )
    if queueing is not None:
        open_jobs = open_jobs.exclude(pk=queueing.pk)
    count = open_jobs.count()
    if count >= limit:
        raise ImportProblem(
            f"This store has {count} imports open (waiting for their column mapping, queued "
            f"or running) and may have at most {limit} at once: wait for one to finish, then "
            "try again."
        )


@transaction.atomic
def import_create(
    *, merchant: Merchant, resource_name: str, upload: UploadedFile, actor: User
) -> ImportJob:
    """A shop platform's order export, recognised from its header, is order lines whatever
    ``resource_name`` says; any other file gets the mapping confirmed last for its header, or
    one suggested from its column names."""
    if upload.size > settings.IMPORT_MAX_FILE_BYTES:
        limit = settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)
        raise ImportProblem({"file": f"The file is larger than {limit} MB: split it, or gzip it."})
    with tenant_context(merchant):
        _check_open_imports(merchant)
    header = read_header(upload)
    platform = platforms.recognise(header)
    options: dict[str, Any] = {}
    if platform is not None:
        resource_name = ORDER_LINES.name
        mapping = platform.mapping(header)
    elif resource_name not in IMPORTABLE:
        raise ImportProblem(
            {
                "resource": "Choose what the file contains (only the order exports of "
                "Shopify, WooCommerce and Amazon are recognised by themselves)."
            }
        )
    else:
        mapping = suggest_mapping(resource_name, header)
        with tenant_context(merchant):
            saved = mappings.saved_mapping(
                merchant=merchant, resource_name=resource_name, header=header
            )
        if saved is not None:
            fields = set(target_fields(resource_name))
            mapping = {
                column: saved.get(column, "") if saved.get(column, "") in fields else ""
                for column in header
            }
            options["saved_mapping"] = True
    with tenant_context(merchant):
        return ImportJob.objects.create(
            merchant=merchant,
            resource=resource_name,
            platform=platform.name if platform is not None else "",
            file=upload,
            original_name=upload.name[:255],
            header=header,
            mapping=mapping,
            options=options,
            created_by=actor,
        )


@transaction.atomic
def import_confirm(
    *, merchant: Merchant, job: ImportJob, mapping: dict[str, str], options: dict[str, Any]
) -> ImportJob:
    """Check the mapping, keep it for the next file with this header, then queue the job
    (dispatched when the transaction commits). A platform's export has no mapping to check;
    its ``options`` may name the location its orders were sold from."""
    if job.status != ImportJob.Status.MAPPING:
        raise ImportProblem("This import was started already.")
    with tenant_context(merchant):
        _check_open_imports(merchant, queueing=job)
    create_missing_skus = bool(options.get("create_missing_skus"))
    if job.platform:
        with tenant_context(merchant):
            location = _platform_location(merchant, options.get("location"))
        job_options = {"create_missing_skus": create_missing_skus, **location}
    else:
        _check_mapping(job, mapping)
        mapping = {column: mapping.get(column, "") for column in job.header}
        job_options = {"create_missing_skus": create_missing_skus}
        with tenant_context(merchant):
            mappings.mapping_save(
                merchant=merchant, resource_name=job.resource, header=job.header, mapping=mapping
            )
        job.mapping = mapping
    with tenant_context(merchant):
        job.options = job_options
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["mapping", "options", "status", "updated_at"])

    dispatch.send_on_commit("inventory.run_import_task", merchant_id=merchant.pk, job_id=job.pk)
    return job


def _platform_location(merchant: Merchant, code: Any) -> dict[str, str]:
    """The location a platform's orders load into: the one chosen, or the store's only one
    (`order_lines` fills it in)."""
    code = code.strip() if isinstance(code, str) else ""
    if not code:
        if Location.objects.for_merchant(merchant).count() > 1:
            raise ImportProblem("Choose the location these orders were sold from.")
        return {}
    if not resolve_codes(merchant=merchant, reference="location", codes=[code]):
        raise ImportProblem("Choose one of the store's locations.")
    return {"location": code}


def _check_mapping(job: ImportJob, mapping: dict[str, str]) -> None:
    fields = target_fields(job.resource)
    chosen = [field for field in mapping.values() if field]
    unknown = sorted(set(chosen) - set(fields))
    if unknown:
        raise ImportProblem(f"Unknown fields: {', '.join(unknown)}.")
    twice = sorted(field for field, count in Counter(chosen).items() if count > 1)
    if twice:
        raise ImportProblem(f"Each field may come from one column only: {', '.join(twice)}.")
    resource = IMPORTABLE[job.resource]
    missing = [
        column.name
        for column in resource.columns
        if column.required
        and column.name not in chosen
        and not (column.name == "location" and job.resource == ORDER_LINES.name)
    ]
    if missing:
        raise ImportProblem(f"Map a column to each required field: {', '.join(missing)}.")


def imports_stranded(*, queued_before) -> list[tuple]:
    """The task of each import queued (its mapping confirmed) before ``queued_before`` and
    still waiting: the broker was away or lost it (`accounts.dispatch`)."""

    return dispatch.stranded(
        ImportJob,
        "inventory.run_import_task",
        "job_id",
        queued_before=queued_before,
        since="updated_at",
    )


def _progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def import_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows total): from the cache while the worker runs (its own transaction is
    not visible until it ends), else from the job."""
    if job.status == ImportJob.Status.RUNNING:
        cached = cache.get(_progress_key(job.pk))
        if cached:
            return cached
    return job.rows_done, job.rows_total


Item = dict[str, str] | platforms.LineProblem


def _data_records(records: Iterator[csv_files.Record]) -> Iterator[csv_files.Record]:
    """The records after the header that are not blank. Reading stops with
    `csv_files.FileTooLarge` at the first row past IMPORT_MAX_ROWS, the first blank line past
    IMPORT_MAX_BLANK_LINES (blank lines cost reading time too: a small gzip of nothing but
    line ends would otherwise keep a worker reading for minutes), or the first byte past
    IMPORT_MAX_DECOMPRESSED_BYTES."""
    limit, blank_limit = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_BLANK_LINES
    count = blanks = 0
    for record in records:
        if csv_files.is_blank(record.cells):
            blanks += 1
            if blanks > blank_limit:
                raise csv_files.FileTooLarge(
                    f"The file has more than {blank_limit:,} blank lines: remove them."
                )
            continue
        count += 1
        if count > limit:
            raise csv_files.FileTooLarge(
                f"The file has more than {limit:,} rows: split it into smaller files."
            )
        yield record


def _rows(job: ImportJob, merchant: Merchant) -> Iterator[tuple[int, Item]]:
    """The file's rows with the line each starts on: as field -> cell through the mapping,
    or, for a platform's export, the order line each makes or the `platforms.LineProblem`
    that keeps it out."""
    with job.file.open("rb") as binary:
        records = _records(binary)
        header = next(records, None)
        if header is None:
            return
        names = csv_files.check_header(header.cells)
        if job.platform:
            translation = platforms.Translation(
                platforms.PLATFORMS[job.platform], names, currency=merchant.currency
            )
            location = job.options.get("location")
            for line, item in translation.rows(_data_records(records)):
                if location and isinstance(item, dict):
                    item["location"] = location
                yield line, item
            return
        fields = [job.mapping.get(name, "") for name in names]
        for line, cells in _data_records(records):
            yield (
                line,
                {
                    field: cell
                    for field, cell in zip(fields, cells, strict=False)
                    if field and cell.strip() != ""
                },
            )


def _count_rows(job: ImportJob) -> int:
    with job.file.open("rb") as binary:
        records = _records(binary)
        if next(records, None) is None:
            return 0
        return sum(1 for _ in _data_records(records))


class _Rejected(Exception):
    """Raised inside the import's transaction to roll all of it back."""


def _one_import_at_a_time(merchant: Merchant) -> None:
    """Two imports of one store run one after the other, whatever their files hold: each is
    one transaction writing rows in its file's order, so two at once could each wait for a
    row the other holds (a deadlock, and one of them failed). The store's write lock, held
    exclusively until the import's transaction ends, queues the second behind the first (the
    store's final state is that of the two in turn) and holds syncs back meanwhile
    (`hold_store_writes`). Other stores import in parallel."""
    hold_store_writes(merchant, exclusive=True)


class _Load:
    """A file's rows on their way to `ingest`, a chunk at a time, with what is reported of
    them: the errors that refuse the file, and the lines left out of it."""

    def __init__(self, merchant: Merchant, job: ImportJob):
        self.merchant = merchant
        self.job = job
        self.rows: list[dict] = []
        self.lines: list[int] = []
        self.done = 0  # rows sent to `ingest` so far
        self.line_counter: Counter = Counter()
        self.errors: list[dict] = []
        self.error_count = 0
        self.skipped: list[dict] = []
        self.skipped_count = 0
        self.totals: Counter = Counter()
        self.columns: dict[str, str] = {}  # field -> the file's column, named in reports
        if job.platform:
            self.columns = platforms.PLATFORMS[job.platform].source_columns(job.header)

    def add(self, line: int, item: Item) -> None:
        if isinstance(item, platforms.LineProblem):
            entry = RowError(-1, item.field, item.value, item.message).as_dict()
            entry["line"] = line
            if item.skipped:
                self.skipped_count += 1
                if len(self.skipped) < MAX_REPORTED_ERRORS:
                    self.skipped.append(entry)
            else:
                self.error_count += 1
                if len(self.errors) < MAX_REPORTED_ERRORS:
                    self.errors.append(entry)
            return
        self.rows.append(item)
        self.lines.append(line)

    def flush(self) -> None:
        """Send the rows gathered so far to `ingest`."""
        if not self.rows:
            return
        self.error_count += _load_chunk(
            self.merchant, self.job, self.rows, self.done, self.line_counter, self, self.totals
        )
        self.done += len(self.rows)
        self.rows, self.lines = [], []

    def report(self, new: list[RowError]) -> None:
        for error in new:
            if len(self.errors) < MAX_REPORTED_ERRORS:
                entry = error.as_dict()
                index = error.row - self.done
                entry["line"] = self.lines[index] if 0 <= index < len(self.lines) else None
                entry["field"] = self.columns.get(entry["field"], entry["field"])
                self.errors.append(entry)

    def report_rows(self, *, with_skipped: bool) -> list[dict]:
        """The reported rows in the file's order."""
        entries = [*self.errors, *self.skipped] if with_skipped else list(self.skipped)
        entries.sort(key=lambda entry: (entry["line"] is None, entry["line"] or 0))
        return entries[:MAX_REPORTED_ERRORS]

    def loaded_message(self) -> str:
        message = f"Loaded {self.done:,} rows."
        if self.skipped_count:
            count = self.skipped_count
            message += (
                f" {count:,} line{'s' if count != 1 else ''} without a SKU left out (listed below)."
            )
        return message


def import_run(*, merchant: Merchant, job_id: int, claimant: str = "") -> ImportJob | None:
    """Load the file of a queued job; returns None when another worker has it or it is done.

    The rows and the job's success commit in one transaction: a connection lost at any point
    leaves either both or neither, never rows loaded under a job still running. With a
    ``claimant`` (the task's id), a job left running under that id is taken over: the task
    delivered again after its worker died, or its retry after the database went away
    (`runs.claim`)."""
    job = runs.claim(ImportJob, merchant=merchant, pk=job_id, claimant=claimant)
    if job is None:
        return None
    if not job.file.name:
        return _finish(
            merchant, job, ImportJob.Status.FAILED, 0, 0, Counter(), [], 0, FILE_GONE_MESSAGE
        )
    load = _Load(merchant, job)
    try:
        total = _count_rows(job)
        cache.set(_progress_key(job.pk), (0, total), timeout=24 * 3600)
        with transaction.atomic(), tenant_context(merchant):
            _one_import_at_a_time(merchant)
            chunk_rows = min(CHUNK_ROWS, settings.API_MAX_ROWS_PER_REQUEST)
            for line, item in _rows(job, merchant):
                load.add(line, item)
                if len(load.rows) == chunk_rows:
                    load.flush()
                    cache.set(_progress_key(job.pk), (load.done, total), timeout=24 * 3600)
            load.flush()
            if load.error_count:
                raise _Rejected
            return _finish(
                merchant,
                job,
                ImportJob.Status.SUCCEEDED,
                total,
                total,
                load.totals,
                load.report_rows(with_skipped=False),
                0,
                load.loaded_message(),
                skipped_count=load.skipped_count,
            )
    except _Rejected:
        error_count = load.error_count
        return _finish(
            merchant,
            job,
            ImportJob.Status.FAILED,
            total,
            0,
            load.totals,
            load.report_rows(with_skipped=True),
            error_count,
            f"{error_count} problem{'s' if error_count != 1 else ''} in the file; "
            "nothing was loaded. Download the error report, fix the rows and upload again.",
            skipped_count=load.skipped_count,
        )
    except csv_files.FileTooLarge as error:
        return _finish(merchant, job, ImportJob.Status.FAILED, 0, 0, load.totals, [], 0, str(error))
    except (csv_files.CSVProblem, OSError) as error:
        return _finish(
            merchant,
            job,
            ImportJob.Status.FAILED,
            0,
            0,
            load.totals,
            [],
            0,
            f"The file could not be read: {error}",
        )


def _load_chunk(merchant, job, rows, offset, line_counter, load, totals) -> int:
    """Send one chunk of rows to `ingest`; the number of errors that refuse them, reported
    to ``load``."""
    names = [row.pop(SKU_NAME_FIELD, None) for row in rows]
    refused: list[RowError] = []
    if job.resource == ORDER_LINES.name and job.options.get("create_missing_skus"):
        refused = _create_missing_skus(merchant, rows, names, offset)
    try:
        result = ingest(
            merchant=merchant,
            resource_name=job.resource,
            rows=rows,
            row_offset=offset,
            line_counter=line_counter,
        )
    except IngestRejected as rejected:
        load.report(sorted([*refused, *rejected.errors], key=lambda error: error.row))
        return len(refused) + rejected.error_count
    load.report(refused)
    totals.update(result.counts.as_dict())
    return len(refused)


def _create_missing_skus(
    merchant: Merchant, chunk: list[dict], names: list, offset: int
) -> list[RowError]:
    """Create the SKUs the chunk names that the merchant lacks; the rows whose SKU name
    cannot be one come back as errors (their SKU is not created, so the line is refused
    too). A code that cannot be one is left for the line's own check of its "sku"."""
    # Rows carry the mapped field names, so the code is under "sku".
    codes = [_valid_code(row.get("sku")) for row in chunk]
    known = resolve_codes(merchant=merchant, reference="sku", codes=filter(None, codes))
    missing: dict[str, str] = {}
    refused: list[RowError] = []
    for index, (code, name) in enumerate(zip(codes, names, strict=True)):
        if not code or code in known:
            continue
        name = (name or "").strip()[:300]
        if "\x00" in name:
            refused.append(
                RowError(index + offset, SKU_NAME_FIELD, name, "contains a NUL character")
            )
            continue
        missing.setdefault(code, name or code)
    if missing:
        ingest(
            merchant=merchant,
            resource_name="skus",
            rows=[{"code": code, "name": name} for code, name in missing.items()],
        )
    return refused


def _valid_code(raw: Any) -> str:
    """The code a row names, or "" when it cannot be a SKU's code (the SKUs' own rules)."""
    code = raw.strip() if isinstance(raw, str) else ""
    return code if len(code) <= 64 and "\x00" not in code else ""


FILE_GONE_MESSAGE = (
    "The file of this import is no longer kept (an import's file is deleted once it has run, "
    "as it may hold customer ids): upload it again."
)


def _drop_file(job: ImportJob) -> None:
    """Forget the job's file with its verdict, and delete it once that is committed: a
    transaction that does not commit leaves it for the load that runs again."""
    name = job.file.name
    if not name:
        return
    storage = job.file.storage
    job.file = ""

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("import file %s could not be deleted", name, exc_info=True)

    transaction.on_commit(delete)


def _finish(
    merchant, job, status, total, done, totals, errors, error_count, message, *, skipped_count=0
) -> ImportJob:
    """Record the import's verdict; its file goes with it."""
    with transaction.atomic(), tenant_context(merchant):
        _drop_file(job)
        job.status = status
        job.rows_total = total
        job.rows_done = done
        job.created_count = totals.get("created", 0)
        job.updated_count = totals.get("updated", 0)
        job.unchanged_count = totals.get("unchanged", 0)
        job.errors = errors
        job.error_count = error_count
        job.skipped_count = skipped_count
        job.message = message
        job.finished_at = timezone.now()
        job.save()
        outcome = "succeeded" if status == ImportJob.Status.SUCCEEDED else "refused"
        import_finished_emit(merchant=merchant, job=job, outcome=outcome)
    # Inside the import's transaction, the progress goes when the verdict is visible.
    transaction.on_commit(lambda: cache.delete(_progress_key(job.pk)))
    return job


def fail_job(*, merchant: Merchant, job_id: int, message: str, claimant: str = "") -> None:
    """Mark a job failed after an unexpected error (the task's last resort); not one that
    another task is running (`runs.fail`). The first time, its end is announced."""
    with transaction.atomic(), tenant_context(merchant):
        if runs.fail(ImportJob, merchant=merchant, pk=job_id, message=message, claimant=claimant):
            job = ImportJob.objects.for_merchant(merchant).get(pk=job_id)
            import_finished_emit(merchant=merchant, job=job, outcome="failed")


def import_finished_emit(*, merchant: Merchant, job: ImportJob, outcome: str) -> None:
    """``import.finished`` once the verdict commits: ``succeeded`` (loaded), ``refused`` (rows
    with problems, or a file that could not be read: nothing loaded) or ``failed`` (an
    unexpected error). Counts and the job's kind only: neither the file's name, its rows nor
    the problems found in them, which may hold a customer's details."""
    workflow_events.emit(
        merchant_id=merchant.pk,
        event_type="import.finished",
        data={
            "import": job.pk,
            "status": outcome,
            "resource": job.resource,
            "platform": job.platform,
            "rows_total": job.rows_total,
            "rows_loaded": job.rows_done,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "problems": job.error_count,
            "skipped": job.skipped_count,
            "started_at": job.started_at,
            "finished_at": job.finished_at,
        },
    )
