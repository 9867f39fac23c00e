"""Settings for a developer's machine and the demo: debug on, a generated secret key."""

import os
import secrets

from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)


def _development_secret_key() -> str:
    """A random key kept in var/, so sessions survive restarts; never used in production."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()

WEBHOOK_ALLOW_PRIVATE_HOSTS = True
