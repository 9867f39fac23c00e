"""``{{ forecast.model|model_label }}``: a stored model choice in the reader's words, and
``{{ run.model_counts|model_counts }}`` a run's choices with the series each served
(forecasting/model_names.py)."""

from django import template

from forecasting import model_names

register = template.Library()


@register.filter
def model_label(strategy):
    return model_names.model_label(strategy)


@register.filter
def model_counts(counts):
    return model_names.model_counts(counts or {})
