"""Reading an import's file: its delimiter, its header, and its rows within the limits that
hold while it is read (`inventory.ingest.csv_files`), as field -> cell through the mapping or
as the order lines a shop platform's export makes (`inventory.ingest.platform_orders`)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.control_characters import CONTROL_CHARACTERS
from accounts.models import Merchant
from core.uploads import describe_size
from inventory.ingest import csv_files, platform_orders, platforms
from inventory.models import ImportJob


class ImportProblem(ValidationError):
    """An upload or a mapping that cannot be used; the message says what to do."""


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


Item = dict[str, str] | platform_orders.LineProblem


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


def job_rows(job: ImportJob, merchant: Merchant) -> Iterator[tuple[int, Item]]:
    """The file's rows with the line each starts on: as field -> cell through the mapping,
    or, for a platform's export, the order line each makes or the `platform_orders.LineProblem`
    that keeps it out."""
    with job.file.open("rb") as binary:
        records = _records(binary)
        header = next(records, None)
        if header is None:
            return
        names = csv_files.check_header(header.cells)
        if job.platform:
            translation = platform_orders.Translation(
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


def count_rows(job: ImportJob) -> int:
    with job.file.open("rb") as binary:
        records = _records(binary)
        if next(records, None) is None:
            return 0
        return sum(1 for _ in _data_records(records))
