"""The web container's health check: GET /healthz on the local gunicorn; exit 0 when healthy.

Standard library only, so that it starts fast. It sends the first of ALLOWED_HOSTS as the Host
header (Django refuses others) and says the request came over HTTPS, as the proxy in front
would, so that the HTTPS redirect does not answer instead of the view.
"""

import os
import sys
import urllib.error
import urllib.request

PORT = os.environ.get("PORT", "8000")


def host() -> str:
    hosts = [item.strip() for item in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    first = next((item for item in hosts if item), "localhost")
    return "localhost" if first == "*" else first.lstrip(".")


def main() -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/healthz",
        headers={"Host": host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed URL)
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
