"""Every label a model's choices show a reader (a status, a kind, why a suggested quantity
differs) is marked for translation, so the portal says it in the reader's language; only
names that are read as they are (a language's own name, a time zone) are left as they stand."""

from __future__ import annotations

from django.apps import apps
from django.test import SimpleTestCase
from django.utils import translation
from django.utils.functional import Promise

from planning.models import ReorderSuggestion

APPS = ("accounts", "inventory", "forecasting", "planning")
# a language is named in its own tongue; a time zone by its IANA name
AS_THEY_STAND = {("User", "language"), ("Supplier", "language"), ("Merchant", "timezone")}


class ChoiceLabelTests(SimpleTestCase):
    def test_every_choice_label_is_marked_for_translation(self):
        plain = []
        for model in apps.get_models():
            if model._meta.app_label not in APPS:
                continue
            for field in model._meta.get_fields():
                if not getattr(field, "choices", None):
                    continue
                if (model.__name__, field.name) in AS_THEY_STAND:
                    continue
                plain += [
                    f"{model.__name__}.{field.name}: {label}"
                    for _value, label in field.flatchoices
                    if not isinstance(label, Promise)
                ]
        self.assertEqual(plain, [])

    def test_a_suggestions_limit_is_said_in_chinese(self):
        suggestion = ReorderSuggestion(limit="moq_forces_overstock")
        with translation.override("zh-hans"):
            label = str(suggestion.get_limit_display())
        self.assertNotIn("overstock", label)
        self.assertRegex(label, r"[\u4e00-\u9fff]")
