"""The test runner: creates and migrates the test database as the owner role, then runs the
tests connected as the application role, so PostgreSQL's row-level security is in force."""

from django.test.runner import DiscoverRunner

from accounts.row_level_security import as_database_owner


class ShelfcastTestRunner(DiscoverRunner):
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
