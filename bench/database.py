"""A fresh PostgreSQL database for one benchmark, on the local server, with the two roles
`.ci/run` creates: the owner migrates it, the application role (row-level security on) uses it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGPORT = os.environ.get("PGPORT", "5432")


def urls(name: str) -> dict[str, str]:
    """DATABASE_URL (application role) and DATABASE_OWNER_URL of database ``name``."""
    return {
        "DATABASE_URL": f"postgres://shelfcast_app@{PGHOST}:{PGPORT}/{name}",
        "DATABASE_OWNER_URL": f"postgres://shelfcast_owner@{PGHOST}:{PGPORT}/{name}",
    }


def psql(sql: str) -> str:
    """Runs ``sql`` as the postgres superuser; returns the rows it printed, unaligned."""
    command = ["psql", "-h", PGHOST, "-p", PGPORT, "-U", "postgres", "-v", "ON_ERROR_STOP=1"]
    return subprocess.run(
        [*command, "-qtAc", sql], check=True, stdout=subprocess.PIPE, text=True
    ).stdout


ROLES = ("shelfcast_app", "shelfcast_owner")


def require_roles() -> None:
    """Stops with what to do where the server lacks the two roles (not a psql traceback)."""
    found = psql("SELECT rolname FROM pg_roles WHERE rolname LIKE 'shelfcast%'").split()
    missing = [role for role in ROLES if role not in found]
    if missing:
        raise SystemExit(
            f"PostgreSQL on {PGHOST}:{PGPORT} has no role {' or '.join(missing)}: create the "
            "roles as README.md's 'Running against PostgreSQL and Redis' shows (.ci/run "
            "creates them too), then run the benchmark again."
        )


def create(name: str, environment: dict[str, str], commands=(("migrate", "-v0"),)) -> None:
    """Drop and recreate ``name``, then run the manage.py ``commands`` (migrate first)."""
    require_roles()
    drop(name)
    psql(f"CREATE DATABASE {name} OWNER shelfcast_owner")
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True
        )


def drop(name: str) -> None:
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def django_setup(environment: dict[str, str]) -> None:
    """Configure Django in this process for ``environment`` (its settings and database)."""
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
