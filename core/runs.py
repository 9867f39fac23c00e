"""The life cycle every long job's run row shares (imports, forecast runs, later training
runs): a worker claims a queued run with one conditional update, so a retried or duplicated
task finds it taken and does nothing; a run that ends on an unexpected error is marked failed
with its reason.

A run model has ``status`` with the values queued/running/succeeded/failed, ``started_at``,
``finished_at``, ``message`` and ``claimed_by`` (the task running it: a Celery task id, or
this process's job thread, `core.dispatch.thread_claimant`). A run a stopped process left
running is marked failed (`interrupt`, from `core.dispatch.interrupted_sweep`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import import_module

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext

from core.database_tenant import HasPrimaryKey, tenant_context

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


def claimable(claimant: str = "") -> models.Q:
    """The runs a task may claim: queued ones, and (with its id) one it was running."""
    available = models.Q(status=QUEUED)
    if claimant:
        available |= models.Q(status=RUNNING, claimed_by=claimant)
    return available


def claim(model: type[models.Model], *, merchant: HasPrimaryKey, pk: int, claimant: str = ""):
    """Move the run from queued to running and return it; None when it is not queued.

    With a ``claimant`` (the Celery task id), a run already running under that same id is
    taken over: the broker delivers a task again only when the worker that had it is gone
    (acks late, rejected on worker loss), and a task's retry keeps its id (sent again after
    an error that rolled its work back, a lost database connection), so the run resumes
    instead of being stranded. A duplicate task (the dispatch sweep may send one) has another
    id and still finds the run taken."""
    with transaction.atomic(), tenant_context(merchant):
        changes = {"status": RUNNING, "started_at": timezone.now()}
        if claimant:
            changes["claimed_by"] = claimant
        claimed = (
            model.objects.for_merchant(merchant)
            .filter(claimable(claimant), pk=pk)
            .update(**changes)
        )
        return model.objects.for_merchant(merchant).get(pk=pk) if claimed else None


def fail(
    model: type[models.Model], *, merchant: HasPrimaryKey, pk: int, message: str, claimant: str = ""
) -> bool:
    """Mark a run failed with ``message``, unless it had succeeded. With a ``claimant``, a run
    that another task is running is left to that task: a duplicate's error is not the run's.
    True when this call ended the run (not when it had failed already), so that its end is
    announced once."""
    with transaction.atomic(), tenant_context(merchant):
        runs = model.objects.for_merchant(merchant).filter(pk=pk).exclude(status=SUCCEEDED)
        if claimant:
            runs = runs.exclude(models.Q(status=RUNNING) & ~models.Q(claimed_by=claimant))
        changes = {"status": FAILED, "message": message, "finished_at": timezone.now()}
        ended = runs.exclude(status=FAILED).update(**changes)
        if not ended:
            runs.update(**changes)  # a failed run takes the latest reason
        return ended > 0


def interrupt(
    model: type[models.Model],
    *,
    merchant: HasPrimaryKey | int,
    pk: int,
    claimant: str,
    message: str,
) -> bool:
    """Mark failed with ``message`` a run that ``claimant`` was running and that nothing runs
    any more (its process stopped). Only while it is still running under that claimant: a
    run that ended, or that was queued again and claimed anew meanwhile, is left as it is.
    True when this call ended it."""
    with transaction.atomic(), tenant_context(merchant):
        return (
            model.objects.for_merchant(merchant)
            .filter(pk=pk, status=RUNNING, claimed_by=claimant)
            .update(status=FAILED, message=message, finished_at=timezone.now())
            > 0
        )


def record(model: type[models.Model], *, merchant: HasPrimaryKey, pk: int, **fields) -> None:
    """Write progress fields of a run (phase timings, steps done) in their own short
    transaction, so the portal sees them while the run goes on."""
    with transaction.atomic(), tenant_context(merchant):
        model.objects.for_merchant(merchant).filter(pk=pk).update(**fields)


def progress(run: models.Model, *, done: int, total: int, label: str) -> dict:
    """What a page's progress bar shows of a run (its JSON status): ``done`` of ``total``
    steps, as a percentage that reaches 100 only once the run has succeeded, and ``label``
    saying what the steps are; the run's stored (English) message in the reader's language
    (`message_text`)."""
    percent = min(99, int(100 * done / total)) if total else 0
    if run.status == SUCCEEDED:
        percent = 100
    return {
        "status": run.status,
        "status_label": run.get_status_display(),
        "done": done,
        "total": total,
        "percent": percent,
        "label": label,
        "finished": run.status in (SUCCEEDED, FAILED),
        "message": message_text(run.message),
    }


# -- a run's message in the reader's language --------------------------------------------------
# A run's ``message`` is written by a worker, in no reader's language: it is stored as English
# words, from a text marked for translation (``gettext_noop``) and, where the text has values
# (``%(name)s``, or ``%(name)d`` for a whole number), with them filled in (`stored_message`).
# Read, the words are said again in the reader's language (`message_text`): a known text is
# translated; the words of a text with values are matched against the texts each app lists in
# its ``job_texts`` module (``STORED_TEXTS``), and the matched text is translated and filled
# with the values read back from the words. The words stay whole English wherever they are
# read raw (the console, a webhook's event, a log), and a message stored before its text was
# listed still reads, as stored.
TEXTS_MODULE = "job_texts"
_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def stored_message(text: str, **params: object) -> str:
    """The English words a run stores of ``text`` (one of an app's ``STORED_TEXTS``, marked
    with ``gettext_noop``) with ``params``."""
    return text % params


def message_text(stored: str) -> str:
    """A run's stored message in the active language: a known text translated, the words of
    a listed text with values said again with them (values that are known texts, such as a
    unit or a nested reason, translated too), anything else exactly as stored (gettext would
    turn its carriage returns into newlines: a stored value is kept whole)."""
    if not stored:
        return ""
    translated = gettext(stored)
    if translated != stored.replace("\r\n", "\n").replace("\r", "\n"):
        return translated
    for pattern, text, numbers in _patterns():
        match = pattern.match(stored)
        if match is None:
            continue
        values = {
            name: int(value) if name in numbers else message_text(value)
            for name, value in match.groupdict().items()
        }
        try:
            return gettext(text) % values
        except (KeyError, TypeError, ValueError):  # a translation that does not fit its text
            return stored
    return stored


def stored_texts() -> tuple[str, ...]:
    """The texts with values that the installed apps' runs store (each app's
    ``job_texts.STORED_TEXTS``): core imports no app, so it finds them by name."""
    texts: list[str] = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, TEXTS_MODULE):
            module = import_module(f"{config.name}.{TEXTS_MODULE}")
            texts += [text for text in module.STORED_TEXTS if text not in texts]
    return tuple(texts)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern, str, frozenset[str]], ...]:
    """Each stored text as a pattern of its words, its values captured (a whole number as
    digits; a value named twice must read the same both times), with the names of its whole
    numbers; the texts with the most fixed words first, so that the most specific one
    matches."""
    patterns = []
    for text in stored_texts():
        words, numbers, named, end = [], set(), set(), 0
        plain = text.replace("%%", "%")
        for placeholder in _PLACEHOLDER.finditer(plain):
            name, kind = placeholder.groups()
            words.append(re.escape(plain[end : placeholder.start()]))
            if name in named:
                words.append(f"(?P={name})")
            else:
                words.append(f"(?P<{name}>-?\\d+)" if kind == "d" else f"(?P<{name}>.+?)")
            named.add(name)
            if kind == "d":
                numbers.add(name)
            end = placeholder.end()
        words.append(re.escape(plain[end:]))
        pattern = re.compile(f"{''.join(words)}\\Z", re.DOTALL)
        patterns.append((pattern, text, frozenset(numbers)))
    return tuple(sorted(patterns, key=lambda pattern: -len(_PLACEHOLDER.sub("", pattern[1]))))
