"""The message catalogues are complete: every string marked for translation in the code and
templates is in each catalogue, translated, not fuzzy, with the same placeholders; and no
catalogue holds a string the code no longer has. Extracting the strings afresh with Django's
makemessages (GNU gettext's xgettext) must give exactly the catalogue's strings."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import unittest
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LOCALES = ("zh_Hans", "en")
# What scripts/update-catalogues extracts each domain from: the apps, the project's templates
# and config; the portal's scripts.
DOMAINS = {
    "django": (("core", "accounts", "inventory", "forecasting", "planning", "config", "templates"),
               ("py", "html", "txt")),
    "djangojs": (("static/js",), ("js",)),
}  # fmt: skip
CATALOGUES = {
    f"{locale}/{domain}": LOCALE / locale / "LC_MESSAGES" / f"{domain}.po"
    for locale in LOCALES
    for domain in DOMAINS
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")

XGETTEXT_MISSING = None if shutil.which("xgettext") else "GNU gettext's xgettext is not installed"
if XGETTEXT_MISSING and os.environ.get("CI") == "true":
    raise RuntimeError(f"the catalogue check must run in CI: {XGETTEXT_MISSING}")


def read(path: Path):
    # Babel prints a warning for the empty second plural form makemessages writes for a
    # language with one form; the check below is what counts.
    with path.open("rb") as handle, contextlib.redirect_stdout(io.StringIO()):
        return read_po(handle)


def keys(catalogue) -> set[tuple[str, str]]:
    return {
        (message.context or "", message.id if isinstance(message.id, str) else message.id[0])
        for message in catalogue
        if message.id
    }


def placeholders(text: str) -> set[str]:
    return {named or braced for named, braced in PLACEHOLDER.findall(text)}


class CataloguesAreCompleteTests(SimpleTestCase):
    def test_every_string_is_translated_and_none_is_fuzzy(self):
        for locale, path in CATALOGUES.items():
            with self.subTest(locale=locale):
                catalogue = read(path)
                messages = [message for message in catalogue if message.id]
                self.assertGreater(len(messages), 500 if locale.endswith("/django") else 10)
                untranslated = [
                    message.id
                    for message in messages
                    if not message.string
                    or (isinstance(message.string, tuple) and not all(message.string))
                ]
                fuzzy = [message.id for message in messages if message.fuzzy]
                self.assertEqual(untranslated, [], f"{locale}: untranslated")
                self.assertEqual(fuzzy, [], f"{locale}: fuzzy")

    def test_translations_keep_the_placeholders(self):
        for locale, path in CATALOGUES.items():
            for message in read(path):
                if not message.id:
                    continue
                ids = [message.id] if isinstance(message.id, str) else list(message.id)
                strings = [message.string] if isinstance(message.string, str) else message.string
                wanted = set().union(*(placeholders(text) for text in ids))
                for text in strings:
                    # A plural form may leave out the count (Chinese has one form for all).
                    found = placeholders(text)
                    self.assertLessEqual(found, wanted, f"{locale}: {message.id!r}")
                    self.assertLessEqual(
                        wanted - found, {"counter", "count"}, f"{locale}: {message.id!r}"
                    )

    def test_the_chinese_catalogue_is_chinese(self):
        catalogue = read(CATALOGUES["zh_Hans/django"])
        self.assertEqual(catalogue.get("Forecasts").string, "预测")
        self.assertEqual(catalogue.get("Purchase orders").string, "采购订单")
        # Han characters, or Chinese punctuation (、，；：。 stand for the English marks)
        han = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
        without = [
            message.id
            for message in catalogue
            if message.id and not han.search("".join(message.string) if message.string else "")
        ]
        # Only names and codes stay as they are (SKU, URL, Webhook, Prime Day, v1...).
        self.assertLess(len(without), 20, without)

    @unittest.skipIf(XGETTEXT_MISSING, XGETTEXT_MISSING or "")
    def test_extracting_the_strings_afresh_gives_the_catalogue(self):
        for domain, (sources, extensions) in DOMAINS.items():
            fresh = self.extract(domain, sources, extensions)
            for locale in LOCALES:
                with self.subTest(domain=domain, locale=locale):
                    committed = keys(read(CATALOGUES[f"{locale}/{domain}"]))
                    self.assertEqual(
                        sorted(fresh - committed), [], "strings missing: scripts/update-catalogues"
                    )
                    self.assertEqual(
                        sorted(committed - fresh), [], "strings the code no longer has"
                    )

    def extract(self, domain: str, sources, extensions) -> set[tuple[str, str]]:
        """The strings makemessages finds in a copy of ``sources`` (a fresh catalogue)."""
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            suffixes = {f".{extension}" for extension in extensions}
            for name in sources:
                shutil.copytree(
                    Path(settings.BASE_DIR) / name,
                    root / name,
                    ignore=lambda directory, names: [
                        entry
                        for entry in names
                        if not (Path(directory) / entry).is_dir()
                        and Path(entry).suffix not in suffixes
                    ],
                )
            (root / "locale").mkdir()
            cwd = Path.cwd()
            os.chdir(root)
            try:
                with override_settings(LOCALE_PATHS=[root / "locale"]):
                    call_command(
                        "makemessages",
                        locale=["zh_Hans"],
                        domain=domain,
                        extensions=list(extensions),
                        verbosity=0,
                    )
            finally:
                os.chdir(cwd)
            return keys(read(root / "locale/zh_Hans/LC_MESSAGES" / f"{domain}.po"))
