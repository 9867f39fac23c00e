"""CSV imports from the portal: upload, map the columns, then a worker loads the file through
the same ingestion path as the API, with the same guarantees: the whole file or nothing,
every bad row named (by its line in the file)."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts import dispatch, runs
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from inventory.ingest.order_lines import ORDER_LINES
from inventory.ingest.resources import RESOURCES, Resource
from inventory.ingest.service import IngestRejected, hold_store_writes, ingest
from inventory.ingest.validation import RowError, resolve_codes
from inventory.models import ImportJob

CHUNK_ROWS = 20_000
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


def _text_stream(binary) -> io.TextIOBase:
    start = binary.read(2)
    binary.seek(0)
    if start == b"\x1f\x8b":
        binary = gzip.GzipFile(fileobj=binary)
    return codecs.getreader("utf-8-sig")(binary, errors="strict")


def read_header(binary) -> list[str]:
    try:
        stream = _text_stream(binary)
        header = next(csv.reader(stream), None)
    except (UnicodeDecodeError, OSError, csv.Error, EOFError) as error:
        raise ImportProblem(
            f"This is not a readable CSV file (UTF-8, optionally gzip): {error}"
        ) from error
    finally:
        binary.seek(0)
    if not header or not any(cell.strip() for cell in header):
        raise ImportProblem("The file's first line must be a header naming its columns.")
    names = [cell.strip() for cell in header]
    if len(set(names)) != len(names):
        raise ImportProblem("Two columns of the header have the same name.")
    return names


@transaction.atomic
def import_create(
    *, merchant: Merchant, resource_name: str, upload: UploadedFile, actor: User
) -> ImportJob:
    if resource_name not in IMPORTABLE:
        raise ImportProblem({"resource": "Choose what the file contains."})
    if upload.size > settings.IMPORT_MAX_FILE_BYTES:
        limit = settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)
        raise ImportProblem({"file": f"The file is larger than {limit} MB: split it, or gzip it."})
    header = read_header(upload)
    with tenant_context(merchant):
        return ImportJob.objects.create(
            merchant=merchant,
            resource=resource_name,
            file=upload,
            original_name=upload.name[:255],
            header=header,
            mapping=suggest_mapping(resource_name, header),
            created_by=actor,
        )


@transaction.atomic
def import_confirm(
    *, merchant: Merchant, job: ImportJob, mapping: dict[str, str], options: dict[str, Any]
) -> ImportJob:
    """Check the mapping, then queue the job (dispatched when the transaction commits)."""
    if job.status != ImportJob.Status.MAPPING:
        raise ImportProblem("This import was started already.")
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
    with tenant_context(merchant):
        job.mapping = {column: mapping.get(column, "") for column in job.header}
        job.options = {"create_missing_skus": bool(options.get("create_missing_skus"))}
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["mapping", "options", "status", "updated_at"])
    from inventory.tasks import run_import_task

    dispatch.send_on_commit(run_import_task, merchant_id=merchant.pk, job_id=job.pk)
    return job


def imports_stranded(*, queued_before) -> list[tuple]:
    """The task of each import queued (its mapping confirmed) before ``queued_before`` and
    still waiting: the broker was away or lost it (`accounts.dispatch`)."""
    from inventory.tasks import run_import_task

    return dispatch.stranded(
        ImportJob, run_import_task, "job_id", queued_before=queued_before, since="updated_at"
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


def _rows(job: ImportJob) -> Iterator[dict[str, str]]:
    with job.file.open("rb") as binary:
        reader = csv.reader(_text_stream(binary), strict=True)
        header = [cell.strip() for cell in next(reader)]
        fields = [job.mapping.get(name, "") for name in header]
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            yield {
                field: cell
                for field, cell in zip(fields, cells, strict=False)
                if field and cell.strip() != ""
            }


def _count_rows(job: ImportJob) -> int:
    return sum(1 for _ in _rows(job))


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
    errors: list[dict] = []
    error_count = 0
    totals = Counter()
    try:
        total = _count_rows(job)
        cache.set(_progress_key(job.pk), (0, total), timeout=24 * 3600)
        with transaction.atomic(), tenant_context(merchant):
            _one_import_at_a_time(merchant)
            line_counter: Counter = Counter()
            done = 0
            chunk: list[dict] = []
            for row in _rows(job):
                chunk.append(row)
                if len(chunk) == CHUNK_ROWS:
                    error_count += _load_chunk(
                        merchant, job, chunk, done, line_counter, errors, totals
                    )
                    done += len(chunk)
                    chunk = []
                    cache.set(_progress_key(job.pk), (done, total), timeout=24 * 3600)
            if chunk:
                error_count += _load_chunk(merchant, job, chunk, done, line_counter, errors, totals)
                done += len(chunk)
            if error_count:
                raise _Rejected
            return _finish(
                merchant,
                job,
                ImportJob.Status.SUCCEEDED,
                total,
                total,
                totals,
                [],
                0,
                f"Loaded {total:,} rows.",
            )
    except _Rejected:
        return _finish(
            merchant,
            job,
            ImportJob.Status.FAILED,
            total,
            0,
            totals,
            errors,
            error_count,
            f"{error_count} problem{'s' if error_count != 1 else ''} in the file; "
            "nothing was loaded. Download the error report, fix the rows and upload again.",
        )
    except (UnicodeDecodeError, csv.Error, OSError, EOFError) as error:
        return _finish(
            merchant,
            job,
            ImportJob.Status.FAILED,
            0,
            0,
            totals,
            [],
            0,
            f"The file could not be read: {error}",
        )


def _load_chunk(merchant, job, chunk, offset, line_counter, errors, totals) -> int:
    names = [row.pop(SKU_NAME_FIELD, None) for row in chunk]
    if job.resource == ORDER_LINES.name and job.options.get("create_missing_skus"):
        _create_missing_skus(merchant, chunk, names)
    try:
        result = ingest(
            merchant=merchant,
            resource_name=job.resource,
            rows=chunk,
            row_offset=offset,
            line_counter=line_counter,
        )
    except IngestRejected as rejected:
        for error in rejected.errors:
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.append(_with_line(error))
        return rejected.error_count
    totals.update(result.counts.as_dict())
    return 0


def _with_line(error: RowError) -> dict:
    entry = error.as_dict()
    # Line 1 is the header, so data row 0 is line 2 of the file.
    entry["line"] = error.row + 2 if error.row >= 0 else None
    return entry


def _create_missing_skus(merchant: Merchant, chunk: list[dict], names: list) -> None:
    # Rows carry the mapped field names, so the code is under "sku".
    codes = [(row.get("sku") or "").strip() for row in chunk]
    known = resolve_codes(merchant=merchant, reference="sku", codes=filter(None, codes))
    missing: dict[str, str] = {}
    for code, name in zip(codes, names, strict=True):
        if code and code not in known:
            missing.setdefault(code, (name or "").strip()[:300] or code)
    if missing:
        ingest(
            merchant=merchant,
            resource_name="skus",
            rows=[{"code": code, "name": name} for code, name in missing.items()],
        )


def _finish(merchant, job, status, total, done, totals, errors, error_count, message) -> ImportJob:
    with transaction.atomic(), tenant_context(merchant):
        job.status = status
        job.rows_total = total
        job.rows_done = done
        job.created_count = totals.get("created", 0)
        job.updated_count = totals.get("updated", 0)
        job.unchanged_count = totals.get("unchanged", 0)
        job.errors = errors
        job.error_count = error_count
        job.message = message
        job.finished_at = timezone.now()
        job.save()
    # Inside the import's transaction, the progress goes when the verdict is visible.
    transaction.on_commit(lambda: cache.delete(_progress_key(job.pk)))
    return job


def fail_job(*, merchant: Merchant, job_id: int, message: str, claimant: str = "") -> None:
    """Mark a job failed after an unexpected error (the task's last resort); not one that
    another task is running (`runs.fail`)."""
    runs.fail(ImportJob, merchant=merchant, pk=job_id, message=message, claimant=claimant)
