"""Gunicorn's settings in the web image. WEB_CONCURRENCY (workers) and GUNICORN_CMD_ARGS, both
read by gunicorn itself, override them."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# The heartbeat file on memory, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn's own heartbeat files, not data)
timeout = 60
graceful_timeout = 30
# No access log: the proxy in front keeps one, and paths can carry one-time secrets
# (invitations, password resets).
accesslog = None
# Gunicorn's own messages as the same JSON lines as the application's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {
            "handlers": ["console"],
            "level": os.environ.get("LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
