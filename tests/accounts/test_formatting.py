"""Numbers, dates and money in the reader's locale, with Babel (accounts/formatting.py and
its template filters)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from accounts import formatting


class FormattingTests(SimpleTestCase):
    def test_money_in_the_stores_currency_and_the_readers_locale(self):
        with translation.override("en"):
            self.assertEqual(formatting.format_money(1234.5, "GBP"), "£1,234.50")
            self.assertEqual(formatting.format_money(Decimal("1234.5"), "CNY"), "CN¥1,234.50")
            self.assertEqual(formatting.format_money("1234.5", "EUR"), "€1,234.50")
        with translation.override("zh-hans"):
            self.assertEqual(formatting.format_money(1234.5, "CNY"), "¥1,234.50")
            self.assertEqual(formatting.format_money(1234.5, "GBP"), "£1,234.50")
        # Currencies without minor units are shown without them.
        self.assertEqual(formatting.format_money(1234.5, "JPY", language="en"), "JP¥1,234")
        self.assertEqual(formatting.format_money(None, "GBP"), "")

    def test_numbers_and_percentages(self):
        self.assertEqual(formatting.format_number(1234567.125, language="en"), "1,234,567.125")
        self.assertEqual(formatting.format_number(3.14159, decimals=2, language="en"), "3.14")
        self.assertEqual(formatting.format_number(12.0, decimals=-1, language="en"), "12")
        self.assertEqual(formatting.format_number(12.34, decimals=-1, language="en"), "12.3")
        self.assertEqual(formatting.format_percent(0.953, language="zh-hans"), "95%")
        self.assertEqual(formatting.format_number("not a number"), "")

    def test_dates_in_the_readers_language(self):
        day = dt.date(2026, 12, 4)
        self.assertEqual(formatting.format_day(day, language="en"), "4 Dec 2026")
        self.assertEqual(formatting.format_day(day, language="zh-hans"), "2026年12月4日")
        self.assertEqual(formatting.format_day("2026-12-04", language="zh-hans"), "2026年12月4日")
        self.assertEqual(
            formatting.format_day(day, length="long", language="en"), "4 December 2026"
        )

    def test_the_template_filters_follow_the_active_language(self):
        template = Template(
            "{% load formatting %}{{ total|money:currency }} · {{ units|number }} · {{ day|day }}"
        )
        context = Context(
            {
                "total": Decimal("1234.5"),
                "currency": "CNY",
                "units": 9876,
                "day": dt.date(2026, 11, 11),
            }
        )
        with translation.override("zh-hans"):
            self.assertEqual(template.render(context), "¥1,234.50 · 9,876 · 2026年11月11日")
        with translation.override("en"):
            self.assertEqual(template.render(context), "CN¥1,234.50 · 9,876 · 11 Nov 2026")

    def test_the_page_names_the_locale_its_scripts_format_with(self):
        # the browser's Intl formats as the server does only with the same locale: "en" alone
        # is American English there ("Dec 4, 2026" against the server's "4 Dec 2026")
        template = Template("{% load formatting %}{% reading_locale %}")
        with translation.override("en"):
            self.assertEqual(template.render(Context()), "en-GB")
        with translation.override("zh-hans"):
            self.assertEqual(template.render(Context()), "zh-Hans")

    def test_punctuation_between_translated_parts_follows_the_language(self):
        template = Template(
            '{% load formatting %}{{ parts|listed }}{% punct "semicolon" %}b{% punct "comma" %}'
            'c{% punct "colon" %}d{% punct "open" %}e{% punct "close" %}{% punct "stop" %}'
        )
        context = Context({"parts": ["AX", "BY", "CZ"]})
        with translation.override("en"):
            self.assertEqual(template.render(context), "AX, BY, CZ; b, c: d (e).")
        with translation.override("zh-hans"):
            self.assertEqual(template.render(context), "AX、BY、CZ；b，c：d（e）。")
