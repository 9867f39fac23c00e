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

import logging
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from accounts.models import Merchant
from accounts.tenancy import tenant_context
from core import runs, workflow_events
from inventory.ingest import csv_files, platform_orders, platforms
from inventory.ingest.import_files import Item, count_rows, job_rows
from inventory.ingest.import_uploads import SKU_NAME_FIELD
from inventory.ingest.order_lines import ORDER_LINES
from inventory.ingest.row_messages import FILE_UNREADABLE
from inventory.ingest.service import IngestRejected, hold_store_writes, ingest
from inventory.ingest.validation import RowError, resolve_codes
from inventory.models import ImportJob
from inventory.models.imports import FILE_GONE_MESSAGE, loaded_message, refused_message

logger = logging.getLogger(__name__)

CHUNK_ROWS = 20_000  # or API_MAX_ROWS_PER_REQUEST where lower: no batch is larger
MAX_REPORTED_ERRORS = 1000
PROGRESS_SECONDS = 24 * 3600  # how long a running import's progress stays in the cache


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
        if isinstance(item, platform_orders.LineProblem):
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
        return _stored(loaded_message, self.done, self.skipped_count)


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
        total = count_rows(job)
        cache.set(_progress_key(job.pk), (0, total), timeout=PROGRESS_SECONDS)
        with transaction.atomic(), tenant_context(merchant):
            _one_import_at_a_time(merchant)
            _load_rows(load, total)
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
        return _refuse_rows(load, total)
    except (csv_files.CSVProblem, OSError) as error:
        # in English words that the import's page says again in its reader's language
        # (`core.runs.message_text`)
        if isinstance(error, csv_files.FileTooLarge):
            message = str(error)
        else:
            message = runs.stored_message(FILE_UNREADABLE, error=error)
        return _finish(merchant, job, ImportJob.Status.FAILED, 0, 0, load.totals, [], 0, message)


def _load_rows(load: _Load, total: int) -> None:
    """Every row of the job's file to `ingest`, a chunk at a time, the progress in the cache."""
    chunk_rows = min(CHUNK_ROWS, settings.API_MAX_ROWS_PER_REQUEST)
    for line, item in job_rows(load.job, load.merchant):
        load.add(line, item)
        if len(load.rows) == chunk_rows:
            load.flush()
            cache.set(_progress_key(load.job.pk), (load.done, total), timeout=PROGRESS_SECONDS)
    load.flush()


def _refuse_rows(load: _Load, total: int) -> ImportJob:
    """The verdict on a file with rows that cannot load: nothing of it was loaded."""
    error_count = load.error_count
    return _finish(
        load.merchant,
        load.job,
        ImportJob.Status.FAILED,
        total,
        0,
        load.totals,
        load.report_rows(with_skipped=True),
        error_count,
        _stored(refused_message, error_count),
        skipped_count=load.skipped_count,
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
                RowError(
                    index + offset, SKU_NAME_FIELD, name, gettext_noop("contains a NUL character")
                )
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


# A job's message is stored in English; its page says it in the reader's language
# (`ImportJob.message_text`).
STORED_LANGUAGE = "en"


def _stored(message, *args) -> str:
    with translation.override(STORED_LANGUAGE):
        return message(*args)


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
