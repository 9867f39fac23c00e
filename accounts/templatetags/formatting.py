"""Template filters for numbers, dates and money in the reader's locale
(accounts/formatting.py): ``{{ total|money:merchant.currency }}``, ``{{ total|money_whole:
merchant.currency }}`` (whole units, for summary figures), ``{{ units|number }}``,
``{{ share|percent }}``, ``{{ day|day }}``, ``{{ day|day:"weekday" }}``; ``{% reading_locale %}``
(the locale's BCP 47 tag, for the page's scripts to format as the server does);
``{% punct "semicolon" %}`` (punctuation between the translated parts of one sentence)."""

from django import template

from accounts import formatting

register = template.Library()


@register.filter
def money(amount, currency):
    return formatting.format_money(amount, currency or "GBP")


@register.filter
def money_whole(amount, currency):
    return formatting.format_money(amount, currency or "GBP", whole=True)


@register.filter
def number(value, decimals=None):
    return formatting.format_number(value, decimals=None if decimals is None else int(decimals))


@register.filter
def percent(value, decimals=0):
    return formatting.format_percent(value, decimals=int(decimals))


@register.filter
def day(value, length="medium"):
    return formatting.format_day(value, length=length)


@register.filter
def moment(value, length="medium"):
    return formatting.format_moment(value, length=length)


@register.simple_tag
def reading_locale():
    """The reader's formatting locale as a BCP 47 tag ("en-GB", "zh-Hans"): the portal's
    scripts format dates and numbers with it, as the server does, not with the bare language
    ("en" reads "Feb 21, 2011" in a browser where the server writes "21 Feb 2011")."""
    return formatting.locale_tag()


@register.simple_tag
def punct(kind):
    """The reader's language's mark for ``kind`` (`accounts.formatting.punctuation`)."""
    return formatting.punctuation(kind)


@register.filter
def listed(values):
    """The items joined by the reader's language's list mark (`punct` "list")."""
    return formatting.punctuation("list").join(str(value) for value in values)


@register.filter
def channel(via):
    """How an audited step was taken, in the reader's words (`formatting.channel_label`)."""
    return formatting.channel_label(str(via))
