"""Reading CSV text, imported files and API bodies alike, with limits that hold while it is
read: the caller stops at its limit instead of finding out after holding everything.

- ``open_text``: UTF-8 text (a BOM is fine) from bytes, gunzipped where allowed, failing with
  `FileTooLarge` as soon as more than ``max_bytes`` have been read after decompression, so a
  small gzip cannot expand into hours of work.
- ``records``: the file's records with the line each starts on (comma- or tab-separated,
  `delimiter_of` telling which from the header). A record (a line, or the
  lines a quoted field spans) longer than `MAX_RECORD_CHARACTERS` fails at that point rather
  than growing with the file: a quote left open would otherwise make one record of the rest.
- ``check_header``: a header's names, refused past `MAX_COLUMNS` of them.

Every failure is a `CSVProblem` with a message a person can act on.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple, TextIO

from core.uploads import describe_size

# The widest file of ours has a dozen fields; ERP exports carry extra columns, ignored here.
MAX_COLUMNS = 500
# One record: far past any real line (a SKU's description is at most 10,000 characters).
MAX_RECORD_CHARACTERS = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


class CSVProblem(ValueError):
    """The text cannot be read as CSV, or not within a limit; the message says why."""


class FileTooLarge(CSVProblem):
    """A limit on the size of the whole (bytes after decompression, rows) was reached."""


class RecordTooLong(CSVProblem):
    def __init__(self, line: int):
        self.line = line
        super().__init__(
            f"line {line} is longer than {describe_size(MAX_RECORD_CHARACTERS)} "
            "(a quote left open?)"
        )


class Record(NamedTuple):
    line: int  # where the record starts in the file, from 1
    cells: list[str]


class _Limited(io.RawIOBase):
    """``source`` read through, failing once more than ``limit`` bytes came out of it."""

    def __init__(self, source: BinaryIO, limit: int, *, decompressed: bool):
        self._source = source
        self._limit = limit
        self._decompressed = decompressed
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(len(buffer))
        self._read += len(data)
        if self._read > self._limit:
            after = " once decompressed" if self._decompressed else ""
            raise FileTooLarge(
                f"The file is larger than {describe_size(self._limit)}{after}: "
                "split it into smaller files."
            )
        buffer[: len(data)] = data
        return len(data)


def open_text(
    binary: BinaryIO, *, max_bytes: int | None = None, allow_gzip: bool = False
) -> TextIO:
    """``binary`` (positioned at its start) as text, line endings kept for the csv module.
    Decoding and decompression happen as the text is read, so their errors surface from
    `records` as `CSVProblem`."""
    source: BinaryIO = binary
    gzipped = False
    if allow_gzip:
        gzipped = binary.read(2) == GZIP_MAGIC
        binary.seek(0)
        if gzipped:
            source = gzip.GzipFile(fileobj=binary, mode="rb")
    if max_bytes is not None:
        source = io.BufferedReader(_Limited(source, max_bytes, decompressed=gzipped))
    return io.TextIOWrapper(source, encoding="utf-8-sig", errors="strict", newline="")


class _Position:
    def __init__(self) -> None:
        self.lines = 0  # lines read so far
        self.start = 1  # the line the record being read starts on
        self.characters = 0  # the characters of that record so far


TAB = "\t"


def delimiter_of(first_line: str) -> str:
    """The delimiter of a file whose first line (its header) is ``first_line``: a tab where
    the header splits into more columns on tabs than on commas (Amazon's flat-file reports),
    else a comma."""
    return TAB if first_line.count(TAB) > first_line.count(",") else ","


def records(text: TextIO, *, delimiter: str = ",") -> Iterator[Record]:
    """The records of ``text``, each with the line it starts on. Tab-separated text is read
    unquoted, as the flat files that use tabs write it: a quote is part of its cell."""
    position = _Position()

    def lines() -> Iterator[str]:
        # the csv module asks for lines one by one while a record is open: each is
        # counted against the record it belongs to
        while True:
            line = text.readline(MAX_RECORD_CHARACTERS + 1)
            if not line:
                return
            position.lines += 1
            position.characters += len(line)
            if position.characters > MAX_RECORD_CHARACTERS:
                raise RecordTooLong(position.start)
            yield line

    try:
        if delimiter == TAB:
            reader = csv.reader(lines(), delimiter=TAB, quoting=csv.QUOTE_NONE, strict=True)
        else:
            reader = csv.reader(lines(), delimiter=delimiter, strict=True)
        for cells in reader:
            record = Record(position.start, cells)
            position.start = position.lines + 1
            position.characters = 0
            yield record
    except csv.Error as error:
        raise CSVProblem(f"line {position.start}: {error}") from error
    except UnicodeDecodeError as error:
        raise CSVProblem("the file is not UTF-8 text") from error
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise CSVProblem(f"the gzip file is damaged ({error})") from error


def check_header(cells: list[str]) -> list[str]:
    """A header's column names, stripped; `CSVProblem` past `MAX_COLUMNS` of them."""
    if len(cells) > MAX_COLUMNS:
        raise CSVProblem(f"the header has more than {MAX_COLUMNS} columns")
    return [cell.strip() for cell in cells]


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)
