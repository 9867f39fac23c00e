"""Uploading an import and confirming its column mapping, within the store's limit of open
imports (`accounts.quotas`); a confirmed job is queued for a worker, which loads it
(`inventory.ingest.imports`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import quotas
from accounts.models import Merchant, User
from accounts.tenancy import tenant_context
from core import dispatch
from inventory.ingest import mappings, platforms
from inventory.ingest.import_files import ImportProblem, read_header
from inventory.ingest.order_lines import ORDER_LINES
from inventory.ingest.resources import RESOURCES, Resource
from inventory.ingest.validation import resolve_codes
from inventory.models import ImportJob, Location

SKU_NAME_FIELD = "sku_name"  # order lines only: names SKUs created from the file
IMPORTABLE: dict[str, Resource] = {**RESOURCES, ORDER_LINES.name: ORDER_LINES}


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
    still waiting: the broker was away or lost it (`core.dispatch`)."""

    return dispatch.stranded(
        ImportJob,
        "inventory.run_import_task",
        "job_id",
        queued_before=queued_before,
        since="updated_at",
    )
