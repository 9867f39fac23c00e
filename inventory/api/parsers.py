"""The CSV body parser of the ingestion endpoints.

It reads the body (at most API_MAX_BODY_BYTES, as every parser does) record by record and
stops at the batch's row limit, so a body of many tiny rows never becomes millions of
dictionaries before the limit is checked; a record or a header past the CSV limits
(`inventory.ingest.csv_files`) is refused as malformed.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import exceptions, parsers

from accounts.api.parsers import read_limited
from inventory.ingest import csv_files, service


class IngestCSVParser(parsers.BaseParser):
    """A CSV body becomes a list of rows (dicts keyed by the header), like a JSON array."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        body = read_limited(stream, request.META)
        # The raw bytes stay on the request for the idempotency fingerprint.
        request.raw_body = body
        return parse_csv_body(body, max_rows=settings.API_MAX_ROWS_PER_REQUEST)


def parse_csv_body(body: bytes, *, max_rows: int) -> list[dict[str, str]]:
    """The rows of a CSV body; `IngestRejected` as soon as there are more than
    ``max_rows``, `ParseError` for anything that is not CSV."""
    text = csv_files.open_text(io.BytesIO(body))
    try:
        records = csv_files.records(text)
        first = next(records, None)
        if first is None or csv_files.is_blank(first.cells):
            raise exceptions.ParseError(gettext("Malformed CSV: the first line must be a header."))
        names = csv_files.check_header(first.cells)
        if len(set(names)) != len(names):
            raise exceptions.ParseError(
                gettext("Malformed CSV: a column name appears twice in the header.")
            )
        rows = []
        for line, cells in records:
            if csv_files.is_blank(cells):
                continue
            if len(cells) != len(names):
                raise exceptions.ParseError(
                    gettext(
                        "Malformed CSV: line %(line)s has %(count)s cells, the header has "
                        "%(count_2)s."
                    )
                    % {"line": line, "count": len(cells), "count_2": len(names)}
                )
            if len(rows) == max_rows:
                raise service.too_many_rows()
            rows.append({name: cell for name, cell in zip(names, cells, strict=True) if cell != ""})
    except csv_files.CSVProblem as problem:
        raise exceptions.ParseError(
            gettext("Malformed CSV: %(problem)s.") % {"problem": problem}
        ) from problem
    return rows
