"""The client's IP address, as far as it can be trusted."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the client that made ``request``.

    With TRUSTED_PROXY_HOPS proxies in front, each appends the address it saw to
    X-Forwarded-For; the outermost trusted one's entry is the client. Entries left of it were
    sent by the client and may be anything, so they are never used. None when there is no
    valid address (a test client, a malformed header).
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            address = forwarded[-min(hops, len(forwarded))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
