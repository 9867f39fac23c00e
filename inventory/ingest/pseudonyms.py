"""Customer identifiers are pseudonymised on arrival: HMAC-SHA256 keyed with the merchant's
own secret. The same customer of the same merchant always gives the same pseudonym (so
distinct customers can be counted); without the key the pseudonym reveals nothing, and two
merchants' pseudonyms of one person differ."""

import hashlib
import hmac


def pseudonymise(*, key: str, customer_id: str) -> str:
    if not customer_id:
        return ""
    return hmac.new(key.encode(), customer_id.encode(), hashlib.sha256).hexdigest()
