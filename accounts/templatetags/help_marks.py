"""The help mark: a small "?" beside a planning word, linking to its glossary entry
(accounts/glossary.py) with the entry's first line as a tooltip. ``{% help_mark "safety-stock" %}``
renders templates/help_mark.html; an anchor the glossary lacks fails the page's rendering, so a
mark cannot point at a missing entry."""

from django import template
from django.urls import reverse

from accounts.glossary import term_for

register = template.Library()


@register.inclusion_tag("help_mark.html")
def help_mark(anchor: str) -> dict:
    term = term_for(anchor)
    return {"href": f"{reverse('glossary')}#{term.anchor}", "term": term}
