"""The import contracts of pyproject.toml ([tool.importlinter], docs/architecture.md) hold:
the one-way flow core <- accounts <- inventory <- forecasting <- planning, each app's door,
and api/ packages imported only by api/ packages. `lint-imports` runs in a fresh process,
as a developer runs it from the repository root."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Two contracts that real imports break: accounts' models import its tenancy module, and
# inventory imports accounts' tenancy, which this door leaves shut.
BROKEN_CONTRACTS = """
[tool.importlinter]
root_packages = ["core", "accounts", "inventory"]
contract_types = ["doors: tests.architecture.doors.DoorsContract"]

[[tool.importlinter.contracts]]
name = "accounts.models imports nothing of accounts.tenancy"
type = "forbidden"
source_modules = ["accounts.models"]
forbidden_modules = ["accounts.tenancy"]

[[tool.importlinter.contracts]]
name = "inventory reaches accounts through its models only"
type = "doors"
package = "accounts"
doors = ["accounts.models"]
importers = ["inventory"]
"""


def lint_imports(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},  # a report line per import, never wrapped
        timeout=300,
        check=False,
    )


class ImportContractTests(SimpleTestCase):
    def test_the_contracts_hold(self):
        done = lint_imports()
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn(" kept, 0 broken.", done.stdout)

    def test_a_contract_that_real_imports_break_fails(self):
        # the check is not blind: a contract against an import that exists is reported broken
        with tempfile.TemporaryDirectory() as directory:
            config = Path(directory) / "contracts.toml"
            config.write_text(BROKEN_CONTRACTS)
            done = lint_imports(str(config))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        self.assertIn("Contracts: 0 kept, 2 broken.", done.stdout)
        self.assertIn("accounts.models -> accounts.tenancy", done.stdout)
        self.assertIn("Imports of accounts past its doors (accounts.models):", done.stdout)
        self.assertRegex(done.stdout, r"- inventory\.[\w.]+ -> accounts\.tenancy \(l\.\d+")
