"""Domain errors that know how to describe themselves to a client.

Services raise them; the API's exception handler (accounts/api/errors.py) turns them into
answers in one place, so views never build error responses by hand."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    # The kind of problem it is for an API client (accounts/api/problems.py `PROBLEM_TYPES`).
    problem_type = "request-refused"

    def response_data(self) -> dict[str, Any]:
        """``detail`` and the members the problem type adds (its extension members)."""
        return {"detail": str(self)}
