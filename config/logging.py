"""Structured logs for production: one JSON object per line on stderr.

Each line has the time (UTC, ISO 8601), level, logger, message and, when there is one, the
exception; extra fields given to a log call are kept when they are plain values. Secrets are
kept out: credentials in URLs, bearer tokens, ``password=``-style pairs and the one-time secrets
that some paths carry are masked in messages and exceptions, extra fields named like a secret
are masked, and objects (a request, with its cookies and headers) are never written.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

MASK = "***"

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(
    set(vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None))) | {"message", "asctime"}
)
_SECRET_FIELD = re.compile(r"pass|secret|token|key|auth|cookie|session|credential", re.I)
_PLAIN_TYPES = (str, int, float, bool, type(None))

_REDACTIONS = (
    # scheme://user:password@host
    (re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@/\s]+@", re.I), rf"\g<head>{MASK}@"),
    # Authorization: Bearer <token>
    (re.compile(r"(?P<head>\bbearer\s+)[^\s'\",;]+", re.I), rf"\g<head>{MASK}"),
    # password=..., token: ..., secret_key=... in query strings, forms and messages
    (
        re.compile(
            r"(?P<head>\b[\w-]*(?:password|passwd|secret|token|api[_-]?key)[\w-]*"
            r"[\"']?\s*[=:]\s*[\"']?)[^\s&'\",;]+",
            re.I,
        ),
        rf"\g<head>{MASK}",
    ),
    # Paths that carry a one-time secret: invitations and password resets.
    (re.compile(r"(?P<head>/invitations/)[^/\s]+"), rf"\g<head>{MASK}"),
    (re.compile(r"(?P<head>/reset/)[^/\s]+/[^/\s]+"), rf"\g<head>{MASK}/{MASK}"),
)


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        for name, value in vars(record).items():
            if name in _RECORD_ATTRIBUTES or name.startswith("_") or name in entry:
                continue
            if not isinstance(value, _PLAIN_TYPES):
                continue  # a request, a connection...: its repr can carry anything
            if _SECRET_FIELD.search(name):
                entry[name] = MASK
            elif isinstance(value, str):
                entry[name] = redact(value)
            else:
                entry[name] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


def keep_configured_logging(**kwargs) -> None:
    """Receiver of Celery's `setup_logging`: with a receiver connected, a worker or beat keeps
    the logging Django configured (these JSON lines) instead of adding its own plain-text
    handlers and setting the root level from its `--loglevel` option."""
