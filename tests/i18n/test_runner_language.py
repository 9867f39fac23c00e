"""Each test starts in the default language, whatever the test before it left active (a
request of a reader who reads Chinese leaves Chinese active in the thread after it)."""

from __future__ import annotations

import io
import unittest

from django.conf import settings
from django.test import SimpleTestCase
from django.utils import translation

from tests.runner import ShelfcastTestRunner


class RunnerLanguageTests(SimpleTestCase):
    def test_a_test_starts_in_the_default_language(self):
        result = ShelfcastTestRunner(verbosity=0).get_resultclass()(
            unittest.runner._WritelnDecorator(io.StringIO()), True, 0
        )
        previous = translation.get_language()
        self.addCleanup(translation.activate, previous)
        translation.activate("zh-hans")
        result.startTest(self)
        result.stopTest(self)
        self.assertEqual(translation.get_language(), settings.LANGUAGE_CODE)
        self.assertNotEqual(settings.LANGUAGE_CODE, "zh-hans")
