"""Control characters in text a client sends: refused wherever such text is stored or queried.

C0 controls and DEL are never part of a code, a name, a date, a key or a cursor. PostgreSQL
refuses a NUL in a query or in JSON outright (a server error), and CR/LF have no business in
a filter, a header or a column name."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
