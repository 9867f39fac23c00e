"""Every Celery task of the project, found in the Celery app's registry, with what addresses
it, read from its signature. Nothing here lists tasks by hand: a task added later is picked
up by itself, and the isolation suite fails until it has a case for it."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from celery import Task

from config.celery import app

MERCHANT_ARGUMENT = "merchant_id"


@dataclass(frozen=True)
class RegisteredTask:
    name: str
    task: Task
    arguments: tuple[str, ...]  # what the task is called with (`self` of bound tasks left out)

    @property
    def row_argument(self) -> str | None:
        """The id of the row the task works on (`job_id`, `run_id`, ...), beside the merchant."""
        ids = [name for name in self.arguments if name.endswith("_id")]
        others = [name for name in ids if name != MERCHANT_ARGUMENT]
        return others[0] if len(others) == 1 else None

    @property
    def is_merchant_job(self) -> bool:
        """Called with a merchant and one of its rows: the pair can be mismatched."""
        return MERCHANT_ARGUMENT in self.arguments and self.row_argument is not None

    @property
    def is_merchant_wide(self) -> bool:
        """Called with a merchant alone: it works on that merchant's rows, all of them."""
        return self.arguments == (MERCHANT_ARGUMENT,)

    @property
    def is_sweep(self) -> bool:
        """Called with nothing: it finds its merchants itself (the beat schedule's tasks)."""
        return not self.arguments


def all_tasks() -> list[RegisteredTask]:
    # Autodiscovery registers the apps' tasks when the default modules are imported; a test
    # process may not have imported them yet.
    app.loader.import_default_modules()
    return [
        RegisteredTask(
            name=name, task=task, arguments=tuple(inspect.signature(task.run).parameters)
        )
        for name, task in sorted(app.tasks.items())
        if not name.startswith("celery.")
    ]
