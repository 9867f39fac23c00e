"""Reading the deployment files as Docker and Compose read them, for the tests beside this."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCKER = REPO / "docker"
COMPOSE_FILE = DOCKER / "compose.yaml"
ENV_EXAMPLE = DOCKER / ".env.example"
DOCKERFILES = sorted(DOCKER.glob("Dockerfile.*"))

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")


def read_env_file(path: Path, replace: dict[str, str] | None = None) -> dict[str, str]:
    """NAME=value lines; a value may use ${NAME} of a line above it, as Compose allows. Values
    in `replace` stand for the file's own (what someone who copied it would have written)."""
    replace = replace or {}
    values: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        if not separator or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"{path.name}:{number}: not NAME=value: {raw!r}")

        def expand(match: re.Match, line_number: int = number) -> str:
            if match["name"] not in values:
                raise ValueError(f"{path.name}:{line_number}: ${{{match['name']}}} is not above")
            return values[match["name"]]

        values[name] = replace.get(name, _VARIABLE.sub(expand, value))
    return values


def interpolated_names(text: str) -> set[str]:
    """Names of the ${...} that Compose interpolates in a file ($$ escapes a dollar)."""
    return {match["name"] for match in _VARIABLE.finditer(text.replace("$$", ""))}


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    arguments: str

    def exec_form(self) -> list[str] | None:
        """The arguments of CMD/ENTRYPOINT/HEALTHCHECK CMD as a JSON array, or None."""
        text = self.arguments
        if self.keyword == "HEALTHCHECK":
            text = re.sub(r"^(--\S+\s+)*CMD\s+", "", text)
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        return parsed if isinstance(parsed, list) else None


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with their continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        continuing = stripped.endswith("\\")
        pending.append(stripped[:-1].strip() if continuing else stripped)
        if not continuing:
            keyword, _, arguments = " ".join(part for part in pending if part).partition(" ")
            instructions.append(Instruction(start, keyword.upper(), arguments.strip()))
            pending = []
    return instructions


def dockerignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def is_dockerignored(relative: str, patterns: list[str]) -> bool:
    """Whether a path (or a folder above it) matches a .dockerignore pattern; the last match
    wins, and a pattern starting with ! brings a path back."""
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.lstrip("!").strip("/")
        globs = [glob, glob[3:]] if glob.startswith("**/") else [glob]
        if any(fnmatch.fnmatchcase(path, each) for path in candidates for each in globs):
            ignored = not negated
    return ignored
