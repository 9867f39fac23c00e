"""A web process stays light: with the URLconf and the WSGI application loaded it holds no
torch, transformers or shap, which belong to the workers that forecast, fine-tune and explain.
Each probe runs in a fresh interpreter (this test process has long loaded them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[2]
ML_STACK = ("torch", "transformers", "shap")

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
for name in sys.argv[1:]:
    __import__(name)
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded_ml_packages(*modules: str) -> list[str]:
    """The ML packages held by a fresh process that imported ``modules``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    held = set(json.loads(done.stdout.strip().splitlines()[-1]))
    return sorted(held & set(ML_STACK))


class WebTierTests(SimpleTestCase):
    def test_the_urlconf_and_wsgi_application_load_no_ml_stack(self):
        self.assertEqual(loaded_ml_packages("config.urls", "config.wsgi"), [])

    def test_the_probe_sees_the_stack_where_it_is_loaded(self):
        # the worker's forecast engine does load it: the probe is not blind
        self.assertEqual(loaded_ml_packages("forecasting.engine"), sorted(ML_STACK))
