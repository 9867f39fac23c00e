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

from django.utils.translation import gettext

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
        return known_text(stored)
    params = entry.get("params")
    try:
        return _fill(gettext(text), params if isinstance(params, dict) else {}, gettext)
    except (KeyError, TypeError, ValueError):
        return stored


def known_text(stored: str) -> str:
    """``stored`` in the active language where it is a known text, else exactly as stored
    (gettext would turn its carriage returns into newlines: a stored value is kept whole)."""
    if not stored:
        return ""
    translated = gettext(stored)
    unchanged = stored.replace("\r\n", "\n").replace("\r", "\n")
    return stored if translated == unchanged else translated


def shown_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored errors with their words (``message``) in the active language."""
    return [{**entry, "message": shown(entry)} for entry in entries]
