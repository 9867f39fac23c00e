"""Secrets handed to people and machines: API tokens and invitation links.

Each secret is random (256 bits), shown once, and stored only as a SHA-256 digest; a high-
entropy secret needs no slow password hash. Comparison is constant-time.
"""

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "sc"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_digest)


def new_api_token() -> tuple[str, str]:
    """Return (prefix, full token). The prefix is stored in clear to find the row."""
    prefix = secrets.token_hex(6)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def split_api_token(token: str) -> str | None:
    """The prefix of a well-formed token, or None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def new_invitation_secret() -> str:
    return secrets.token_urlsafe(32)
