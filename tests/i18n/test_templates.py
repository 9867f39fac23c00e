"""Every word a template shows is marked for translation: the text between tags, and the
attributes people read (title, alt, placeholder, aria-label). A template that gains an
unmarked word fails here, naming the file and the words."""

from __future__ import annotations

import html
import re
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import SimpleTestCase

APPS = ("accounts", "inventory", "forecasting", "planning")
# Names that are the same in every language.
UNTRANSLATED_WORDS = {"Shelfcast"}
READ_ATTRIBUTES = re.compile(r"""\b(title|alt|placeholder|aria-label)\s*=\s*"([^"]*)\"""")
HIDDEN_ELEMENTS = re.compile(r"<(script|style|code)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
WORD = re.compile(r"[^\W\d_]+")
URL = re.compile(r"^https?://\S+$")
# A template tag, a variable or translated text: never a word of its own.
MARK = "\x00"
TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {"comment": "endcomment", **TRANSLATED_BLOCKS}


def template_files() -> list[Path]:
    folders = [Path(settings.BASE_DIR) / "templates"]
    folders += [Path(settings.BASE_DIR) / app / "templates" for app in APPS]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in {".html", ".txt"} and path.is_file()
    )


def shown_text(source: str) -> str:
    """The template with every tag, variable, comment and translated block replaced by MARK:
    what is left is the literal markup and text."""
    parts: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if closing is not None:
                if name == closing:
                    closing = None
                continue
            if name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            parts.append(MARK)
        elif token.token_type == TokenType.TEXT and closing is None:
            parts.append(token.contents)
        elif token.token_type == TokenType.VAR and closing is None:
            parts.append(MARK)
    return "".join(parts)


def untranslated_words(source: str) -> list[str]:
    text = HIDDEN_ELEMENTS.sub(MARK, shown_text(source))
    found: list[str] = []
    for tag in TAG.findall(text):
        for _, value in READ_ATTRIBUTES.findall(tag):
            value = html.unescape(value.replace(MARK, " ")).strip()
            if not URL.match(value):
                found += WORD.findall(value)
    body = html.unescape(TAG.sub(MARK, text).replace(MARK, " "))
    found += WORD.findall(body)
    return [word for word in found if word not in UNTRANSLATED_WORDS]


class EveryTemplateIsTranslatedTests(SimpleTestCase):
    def test_no_template_shows_an_unmarked_word(self):
        files = template_files()
        self.assertGreater(len(files), 30)
        problems = {}
        for path in files:
            words = untranslated_words(path.read_text(encoding="utf-8"))
            if words:
                problems[str(path.relative_to(settings.BASE_DIR))] = words[:12]
        self.assertEqual(problems, {}, "words outside {% translate %} / {% blocktranslate %}")

    def test_the_check_finds_unmarked_words(self):
        # Text, a title attribute and an aria-label outside translation are found; translated
        # text, variables, comments, URLs in placeholders and script bodies are not.
        self.assertEqual(untranslated_words("<p>Hello {{ name }}</p>"), ["Hello"])
        self.assertEqual(untranslated_words('<a title="Switch store">x</a>')[0], "Switch")
        self.assertEqual(untranslated_words('<form aria-label="Filter"></form>'), ["Filter"])
        self.assertEqual(
            untranslated_words(
                '{% load i18n %}<p title="{% translate \'Open\' %}">{% translate "Hi" %}'
                "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}</p>"
                '{% comment %}Not shown{% endcomment %}<input placeholder="https://x.test/a">'
                "<script>const label = 'chart';</script><code>sc_{{ prefix }}</code>"
            ),
            [],
        )
