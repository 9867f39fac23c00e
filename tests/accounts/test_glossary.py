"""The glossary page (accounts/glossary.py) and the help marks that lead to it: every term is on
the page under its anchor, in English and in Chinese, and every mark on the main pages points at
an anchor the glossary page really has."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import urlsplit

import numpy as np
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.glossary import TERMS
from accounts.roles import Role
from accounts.tenancy import tenant_context
from forecasting.models import ForecastRun, SeriesForecast
from forecasting.quantiles import LEVELS
from tests import factories


class PageParser(HTMLParser):
    """The ids of a page's elements and its help marks (href, aria-label, title)."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.marks: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "help-mark" in attributes.get("class", "").split():
            self.marks.append(attributes)


def parsed(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


class GlossaryPageTests(TestCase):
    def test_every_term_is_on_the_page_under_its_anchor_in_english_and_in_chinese(self):
        url = reverse("glossary")
        for language in ("en", "zh-hans"):
            with self.subTest(language=language):
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'<html lang="{language}">')
                page = parsed(response)
                with translation.override(language):
                    for term in TERMS:
                        self.assertIn(term.anchor, page.ids)
                        self.assertContains(response, f'href="#{term.anchor}"', count=1)
                        self.assertContains(response, escape(term.term))
                        self.assertContains(response, escape(term.summary))
        # the Chinese page is Chinese: the entries' names differ from the English ones
        with translation.override("zh-hans"):
            chinese = {str(term.term) for term in TERMS}
        with translation.override("en"):
            english = {str(term.term) for term in TERMS}
        self.assertIn("安全库存", chinese)
        self.assertLess(len(chinese & english), 2, chinese & english)  # only "MASE" may stay

    def test_anchors_are_unique_and_the_entries_the_portal_needs_are_there(self):
        anchors = [term.anchor for term in TERMS]
        self.assertEqual(len(anchors), len(set(anchors)))
        self.assertLessEqual(
            {"service-level", "safety-stock", "lead-time", "review-period", "moq", "pack-size",
             "cover", "overstock-limit", "forecast-range", "wql", "mase", "seasonal-naive",
             "intermittent-demand", "backtest", "fine-tuning", "shap", "forecast-value-added",
             "override", "money-at-risk"},
            set(anchors),
        )  # fmt: skip


class HelpMarksTests(TestCase):
    """The marks on the main pages: each is a labelled link to an anchor of the glossary page."""

    @classmethod
    def setUpTestData(cls):
        cls.merchant, cls.owner = factories.merchant_with(Role.OWNER, slug="shop")
        location = factories.LocationFactory(merchant=cls.merchant, code="SHOP")
        supplier = factories.SupplierFactory(merchant=cls.merchant, code="ACME", name="Acme")
        cls.sku = factories.SKUFactory(merchant=cls.merchant, code="MUG", name="Mug")
        with tenant_context(cls.merchant):
            run = ForecastRun.objects.create(
                merchant=cls.merchant,
                status=ForecastRun.Status.SUCCEEDED,
                history_end=dt.date.today() - dt.timedelta(days=1),
            )
            spread = np.linspace(0.4, 1.8, len(LEVELS))[:, None] * 8
            SeriesForecast.objects.create(
                merchant=cls.merchant, run=run, sku=cls.sku, location=location,
                first_date=dt.date.today(), model="transformer+tsb@0.85",
                quantiles=SeriesForecast.pack(np.repeat(spread, 56, axis=1)),
            )  # fmt: skip
        factories.reorder_suggestion(cls.merchant, run, cls.sku, location, supplier)

    def glossary_ids(self) -> set[str]:
        return parsed(self.client.get(reverse("glossary"))).ids

    def assert_marks_lead_to_the_glossary(self, url: str, *, at_least: int) -> list[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        marks = parsed(response).marks
        self.assertGreaterEqual(len(marks), at_least, url)
        ids = self.glossary_ids()
        anchors = []
        for mark in marks:
            link = urlsplit(mark["href"])
            self.assertEqual(link.path, reverse("glossary"), mark)
            self.assertIn(link.fragment, ids, f"{url}: a mark leads to a missing entry")
            self.assertTrue(mark.get("aria-label"), mark)
            self.assertTrue(mark.get("title"), mark)
            anchors.append(link.fragment)
        return anchors

    def test_the_orders_page_marks_lead_to_existing_glossary_entries(self):
        self.client.force_login(self.owner)
        anchors = self.assert_marks_lead_to_the_glossary(
            reverse("planning:suggestions", args=["shop"]), at_least=6
        )
        self.assertLessEqual(
            {"lead-time", "review-period", "safety-stock", "pack-size", "moq", "cover"},
            set(anchors),
        )
        # the mark is labelled for a screen reader, in the reader's language
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        response = self.client.get(reverse("planning:suggestions", args=["shop"]))
        with translation.override("zh-hans"):
            label = gettext("What is “%(term)s”?") % {"term": gettext("Safety stock")}
        self.assertIn("安全库存", label)
        self.assertContains(response, f'aria-label="{label}"')

    def test_the_other_main_pages_mark_their_words(self):
        self.client.force_login(self.owner)
        pages = [
            (reverse("planning:settings", args=["shop"]), {"service-level", "overstock-limit"}),
            (reverse("planning:alerts", args=["shop"]), {"money-at-risk", "cover"}),
            (
                reverse("forecasting:sku_forecast", args=["shop", self.sku.pk]),
                {"forecast-range", "intermittent-demand", "override"},
            ),
            (
                reverse("forecasting:accuracy", args=["shop"]),
                {"seasonal-naive", "forecast-value-added", "override"},
            ),
            (reverse("forecasting:models", args=["shop"]), {"fine-tuning", "backtest", "wql"}),
        ]
        for url, expected in pages:
            with self.subTest(url=url):
                anchors = self.assert_marks_lead_to_the_glossary(url, at_least=len(expected))
                self.assertLessEqual(expected, set(anchors))
