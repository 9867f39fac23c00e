"""Settings for `manage.py test`: fast hashing, in-memory email, the owner-aware test runner."""

import os

from config.settings.base import *  # noqa: F403

SECRET_KEY = os.environ.get("SECRET_KEY") or "test-only-secret-key-not-for-any-deployment"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TEST_RUNNER = "tests.runner.ShelfcastTestRunner"
# Transactional tests empty tables with TRUNCATE as the application role.
DATABASE_APP_ROLE_MAY_TRUNCATE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"]},
}
# Tasks run in-process in tests; tests/accounts/test_celery_worker.py runs a real worker
# against the broker when CELERY_BROKER_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
# ...in the request that queued them, long jobs too: a test asserts what the job did.
LONG_JOBS_IN_BACKGROUND_THREAD = False
EXPLAIN_IN_REQUEST = True  # tests/forecasting/test_views.py covers the queued path too

# Throttling has its own tests; everywhere else a generous limit keeps it out of the way.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"merchant": "100000/minute", "api": "100000/minute"},
}

WEBHOOK_ALLOW_PRIVATE_HOSTS = True

# Sign-in throttling has its own tests (tests/security/), which set small limits; everywhere
# else failed sign-ins in one run must not pause another test's sign-in.
SIGN_IN_MAX_FAILURES = 1000
SIGN_IN_MAX_FAILURES_PER_IP = 1000
PASSWORD_RESET_MAX_PER_IP = 1000
