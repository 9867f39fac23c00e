from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started

from core import dispatch


class CoreConfig(AppConfig):
    """The machinery every app shares: sending tasks by name, the life cycle of a job's run
    row, the console's job actions, workflow events and the database tenant. It imports no
    other app of Shelfcast."""

    default = True
    name = "core"
    verbose_name = "Shelfcast core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        if settings.LONG_JOBS_IN_BACKGROUND_THREAD:
            # Without a broker, a process's first request starts its job thread, which first
            # fails the jobs a stopped process left running (`dispatch.interrupted_sweep`).
            # Not here: a process that only migrates must not touch run rows, and a thread
            # started before gunicorn forks its workers would not survive the fork.
            request_started.connect(dispatch.background_start, dispatch_uid="core.background_start")
