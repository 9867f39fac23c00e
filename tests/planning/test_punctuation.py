"""The alert and explanation fragments join their separately translated parts with the
reader's language's punctuation (`accounts.formatting.punctuation`, the ``punct`` tag)."""

from __future__ import annotations

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from accounts import formatting
from planning.models import Alert
from planning.suggestions import bulk
from planning.views.decision_words import approval_message


class PagePunctuationTests(SimpleTestCase):
    """Pages that join separately translated parts with punctuation write the reader's
    language's marks (a Chinese reader saw "趋势 +3,210.2, 近期水平 +360.4" and "可售 357 天;")."""

    def test_an_explanations_parts_are_listed_in_the_readers_language(self):
        row = {
            "sku_id": 7,
            "shap": {
                "forecast": 120.0,
                "days": 28,
                "base_value": 100.0,
                "groups": [
                    {"label": "Trend", "value": 12.5},
                    {"label": "Recent level", "value": -3.0},
                ],
            },
        }
        template = Template('{% include "planning/_shap.html" %}')
        context = Context({"row": row, "merchant": {"slug": "demo"}})
        with translation.override("zh-hans"):
            summary = template.render(context).split("<summary>")[1].split("</summary>")[0]
        self.assertIn("+12.5、", summary)
        self.assertNotIn(", ", summary)
        with translation.override("en"):
            summary = template.render(context).split("<summary>")[1].split("</summary>")[0]
        self.assertIn("+12.5, ", summary)

    def test_an_overstock_alerts_clauses_are_joined_in_the_readers_language(self):
        alert = Alert(
            kind=Alert.Kind.OVERSTOCK,
            details={"days_of_cover": 357, "excess_units": 15.9, "capital": 36.67},
        )
        template = Template('{% include "planning/_alert_row.html" %}')
        context = Context({"alert": alert, "merchant": {"slug": "demo", "currency": "GBP"}})
        with translation.override("zh-hans"):
            cell = template.render(context)
        self.assertIn("天；", cell)
        self.assertNotIn("; ", cell)
        with translation.override("en"):
            self.assertIn("days of cover; ", template.render(context))

    def test_an_approvals_orders_are_listed_in_the_readers_language(self):
        outcome = bulk.Outcome(3, [("SC-000001", "Acme"), ("SC-000002", "Bolt")])
        with translation.override("en"):
            self.assertEqual(
                approval_message(outcome),
                "3 approved, on draft purchase orders SC-000001 (Acme), SC-000002 (Bolt).",
            )
        with translation.override("zh-hans"):
            message = approval_message(outcome)
        self.assertIn("SC-000001（Acme）、SC-000002（Bolt）。", message)
        self.assertNotIn(" (", message)

    def test_the_way_a_step_was_taken_is_said_in_the_readers_language(self):
        with translation.override("zh-hans"):
            self.assertEqual(formatting.channel_label("portal"), "门户")
            self.assertEqual(formatting.channel_label("email"), "电子邮件")
            self.assertEqual(formatting.channel_label("erp-sync"), "erp-sync")  # as stored
        with translation.override("en"):
            self.assertEqual(formatting.channel_label("portal"), "portal")
