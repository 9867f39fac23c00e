"""What is wrong with a row of incoming data, said so that it can be said again in the
reader's language: an English text marked for translation (``gettext_noop``, with
``%(name)s`` placeholders, a literal percent sign written ``%%``) and its values. An
import's errors are stored (`ImportJob.errors`) with the English words as they were
(``message``), the text they came from (``message_id``, the stable code of the message) and
its values (``params``); the import's page and its error report put them into the reader's
words (`shown`). An entry stored before the texts were kept is translated where its words
are a known text; one whose text no longer fits its values shows its stored English words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

from core import runs

# Values that are themselves texts marked for translation (a resource's label, "SKUs"): said
# in the reader's language too.
TRANSLATED_VALUES = frozenset({"label"})


@dataclass(frozen=True)
class RowMessage:
    """``text`` (English, marked with ``gettext_noop``) with ``params``. ``plural``: the
    text for a ``count`` other than one (English and Chinese need no other form)."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str = ""

    def __str__(self) -> str:
        return _fill(self._text(), self.params)

    def _text(self) -> str:
        return self.plural if self.plural and self.params.get("count") != 1 else self.text

    def as_dict(self) -> dict[str, Any]:
        """What an import stores of it, besides the English words."""
        params = {
            name: value
            if value is None or isinstance(value, str | int | float | bool)
            else str(value)
            for name, value in self.params.items()
        }
        return {"message_id": self._text(), "params": params}


def _fill(text: str, params: dict[str, Any], translate=lambda value: value) -> str:
    values = {
        name: translate(value) if name in TRANSLATED_VALUES and isinstance(value, str) else value
        for name, value in params.items()
    }
    return text % values


def shown(entry: dict[str, Any]) -> str:
    """A stored error's words in the active language (its stored English words where it has
    no text of its own, or they do not fit)."""
    text, stored = entry.get("message_id"), entry.get("message") or ""
    if not isinstance(text, str) or not text:  # stored before its text was: known words
        return runs.message_text(stored)
    params = entry.get("params")
    try:
        return _fill(gettext(text), params if isinstance(params, dict) else {}, gettext)
    except (KeyError, TypeError, ValueError):
        return stored


# Texts with values that a job stores as English words (its ``message`` has no room for a
# code and values): read, `core.runs.message_text` matches the words against them (they are
# this app's `job_texts`) and says them again in the reader's language, their values too
# where those are known texts. The problems of a file that cannot
# be read are worded in `inventory.ingest.csv_files` (and `import_files`), and an import's
# task words its last resorts, none of them marked for translation: the same words are
# marked here.
FILE_UNREADABLE = gettext_noop("The file could not be read: %(error)s")
STORED_TEXTS = (
    FILE_UNREADABLE,
    gettext_noop("the file is not UTF-8 text"),
    gettext_noop("line %(line)s: %(error)s"),
    gettext_noop("the gzip file is damaged (%(error)s)"),
    gettext_noop("the header has more than %(count)s columns"),
    gettext_noop("line %(line)s is longer than %(size)s (a quote left open?)"),
    gettext_noop("The file is larger than %(size)s: split it into smaller files."),
    gettext_noop(
        "The file is larger than %(size)s once decompressed: split it into smaller files."
    ),
    gettext_noop("The file has more than %(count)s rows: split it into smaller files."),
    gettext_noop("The file has more than %(count)s blank lines: remove them."),
    # an import's task's last resorts (`inventory.tasks`)
    gettext_noop(
        "The database could not be reached while loading this file; nothing was loaded. "
        "Try again in a few minutes."
    ),
    gettext_noop(
        "The import stopped on an unexpected error; nothing was loaded. Platform staff can "
        "see the error in the console; try again later."
    ),
)


def shown_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored errors with their words (``message``) in the active language."""
    return [{**entry, "message": shown(entry)} for entry in entries]
