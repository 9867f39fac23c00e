"""The test runner: creates and migrates the test database as the owner role, then runs the
tests connected as the application role, so PostgreSQL's row-level security is in force; and
each test starts in the default language (a request of a reader who reads Chinese leaves
Chinese active in the thread after it, as Django's LocaleMiddleware leaves the browser's, and
a later test reading an English message would find it in Chinese)."""

import unittest

from django.conf import settings
from django.test.runner import DiscoverRunner
from django.utils import translation

from accounts.row_level_security import as_database_owner


def in_default_language(base: type[unittest.TestResult]) -> type[unittest.TestResult]:
    """``base`` whose every test starts with the default language active."""

    class Result(base):
        def startTest(self, test):
            translation.activate(settings.LANGUAGE_CODE)
            super().startTest(test)

    return Result


class ShelfcastTestRunner(DiscoverRunner):
    def get_resultclass(self):
        return in_default_language(super().get_resultclass() or unittest.TextTestResult)

    def setup_databases(self, **kwargs):
        with as_database_owner():
            return super().setup_databases(**kwargs)

    def teardown_databases(self, old_config, **kwargs):
        with as_database_owner():
            super().teardown_databases(old_config, **kwargs)

    def suite_result(self, suite, result, **kwargs):
        failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
        skipped = len(result.skipped)
        passed = result.testsRun - failed - skipped - len(result.expectedFailures)
        print(f"{passed} passed, {failed} failed, {skipped} skipped")
        return super().suite_result(suite, result, **kwargs)
