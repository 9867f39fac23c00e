"""docker/.env.example lists every environment variable the production settings read."""

from __future__ import annotations

import re

from django.test import SimpleTestCase

from tests.deploy.files import ENV_EXAMPLE, REPO, read_env_file

SETTINGS = [REPO / "config" / "settings" / name for name in ("base.py", "production.py")]
READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\[|os\.getenv|env_bool|env_list|environ\.setdefault)"""
    r"""\(?\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# Read by the base settings, then fixed by production.py: listing it would suggest it works.
NOT_FOR_PRODUCTION = {"DEBUG"}


def variables_read_by_production_settings() -> set[str]:
    return {name for path in SETTINGS for name in READ.findall(path.read_text())}


class EnvExampleTests(SimpleTestCase):
    def test_every_variable_production_reads_is_listed(self):
        read = variables_read_by_production_settings()
        self.assertGreater(len(read), 30)  # the pattern does find them
        self.assertIn("SECRET_KEY", read)
        self.assertIn("SECURE_HSTS_SECONDS", read)
        listed = set(read_env_file(ENV_EXAMPLE))
        self.assertEqual(read - NOT_FOR_PRODUCTION - listed, set())
        self.assertEqual(NOT_FOR_PRODUCTION & listed, set())

    def test_every_variable_has_a_comment(self):
        previous = ""
        for line in ENV_EXAMPLE.read_text().splitlines():
            if re.match(r"[A-Z_]+=", line):
                self.assertTrue(previous.startswith("#"), f"no comment above {line}")
            previous = line

    def test_secrets_are_placeholders(self):
        example = read_env_file(ENV_EXAMPLE)
        for name in ("SECRET_KEY", *(name for name in example if name.endswith("_PASSWORD"))):
            if name == "EMAIL_HOST_PASSWORD":
                self.assertEqual(example[name], "")
                continue
            self.assertTrue(example[name].startswith("change-me"), name)
