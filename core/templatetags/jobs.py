"""Template filters of long jobs: ``{{ job.message|job_message }}`` says a run's stored
(English) message in the reader's language (`core.runs.message_text`)."""

from django import template

from core import runs

register = template.Library()


@register.filter
def job_message(stored) -> str:
    return runs.message_text(stored or "")
