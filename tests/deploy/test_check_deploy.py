"""`manage.py check --deploy` under the production settings, with the environment of
docker/.env.example (its placeholder secrets replaced by random ones), reports nothing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.test import SimpleTestCase

from tests.deploy.files import ENV_EXAMPLE, REPO, read_env_file


def production_environment(**overrides: str) -> dict[str, str]:
    # Every placeholder ("change-me...") gets a random value, as an operator would set; the
    # URLs built from the passwords follow, as Compose builds them.
    example = read_env_file(ENV_EXAMPLE)
    generated = {
        name: secrets.token_urlsafe(50) if name == "SECRET_KEY" else secrets.token_hex(16)
        for name, value in example.items()
        if value.startswith("change-me")
    }
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        **read_env_file(ENV_EXAMPLE, replace=generated),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        **overrides,
    }
    left = [name for name, value in environment.items() if "change-me" in value]
    assert not left, f"placeholders left in the environment: {left}"
    return environment


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


class CheckDeployTests(SimpleTestCase):
    def test_production_settings_pass_every_deployment_check(self):
        result = check_deploy(production_environment())
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertNotIn("WARNINGS", output)
        self.assertNotIn("ERRORS", output)
        self.assertIn("System check identified no issues (0 silenced).", output)

    def test_a_weakened_setting_is_reported(self):
        """The check above would see a warning: turning the HTTPS redirect off raises W008."""
        result = check_deploy(production_environment(SECURE_SSL_REDIRECT="false"))
        output = result.stdout + result.stderr
        self.assertNotEqual(result.returncode, 0, output)
        self.assertIn("security.W008", output)

    def test_production_refuses_to_start_without_a_broker(self):
        environment = production_environment()
        del environment["CELERY_BROKER_URL"]
        result = check_deploy(environment)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("CELERY_BROKER_URL must be set in production", result.stderr)
