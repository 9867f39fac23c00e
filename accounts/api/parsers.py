"""Request body parsers for the API: JSON (fast, via orjson) and CSV, both with a size limit
that answers 413 before the body is held in memory."""

from __future__ import annotations

import csv
import io

import orjson
from django.conf import settings
from rest_framework import exceptions, parsers

from config.uploads import describe_size


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"

    def __init__(self, limit: int):
        # The answer names the limit, in words and in bytes (accounts/api/errors.py), so a
        # client can size its batches.
        self.limit = limit
        super().__init__(too_large_message(limit))


def too_large_message(limit: int) -> str:
    return f"The body is larger than {describe_size(limit)}: send fewer rows per request."


def read_limited(stream, request_meta) -> bytes:
    limit = settings.API_MAX_BODY_BYTES
    declared = request_meta.get("CONTENT_LENGTH") or 0
    try:
        declared = int(declared)
    except ValueError:
        declared = 0
    if declared > limit:
        raise RequestTooLarge(limit)
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise RequestTooLarge(limit)
    return body


def _keep(parser_context, body: bytes) -> bytes:
    # The raw bytes are kept on the request for the idempotency fingerprint.
    parser_context["request"].raw_body = body
    return body


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        body = _keep(parser_context, read_limited(stream, request.META))
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise exceptions.ParseError(f"Malformed JSON: {error}") from error


class CSVParser(parsers.BaseParser):
    """A CSV body becomes a list of rows (dicts keyed by the header), like a JSON array."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        body = _keep(parser_context, read_limited(stream, request.META))
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise exceptions.ParseError("Malformed CSV: the file is not UTF-8 text.") from error
        return parse_csv_text(text)


def parse_csv_text(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise exceptions.ParseError("Malformed CSV: the first line must be a header.")
        names = [cell.strip() for cell in header]
        if len(set(names)) != len(names):
            raise exceptions.ParseError("Malformed CSV: a column name appears twice in the header.")
        rows = []
        for line_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(names):
                raise exceptions.ParseError(
                    f"Malformed CSV: line {line_number} has {len(cells)} cells, "
                    f"the header has {len(names)}."
                )
            rows.append({name: cell for name, cell in zip(names, cells, strict=True) if cell != ""})
    except csv.Error as error:
        raise exceptions.ParseError(f"Malformed CSV: {error}") from error
    return rows
