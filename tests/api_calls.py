"""Calling the API as its clients do, and issuing the tokens they call it with."""

from __future__ import annotations

import json


def bearer(token: str) -> dict[str, str]:
    """The test client's keyword for a request carrying ``token``."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


class ApiCalls:
    """For test cases: ``call`` sends a JSON body (a query string for GET) with ``token``, if
    given, as the bearer."""

    def call(self, method, url, data=None, *, token=None, **extra):
        if token is not None:
            extra.update(bearer(token))
        if method == "get":
            return self.client.get(url, data or {}, **extra)
        return getattr(self.client, method)(
            url, json.dumps(data), content_type="application/json", **extra
        )
