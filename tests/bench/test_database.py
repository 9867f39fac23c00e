"""The benchmarks' databases: a server without Shelfcast's roles stops with what to do."""

from __future__ import annotations

import subprocess
from unittest import mock

from django.test import SimpleTestCase

from bench import database


def roles_found(*names: str):
    listing = subprocess.CompletedProcess(args=[], returncode=0, stdout="\n".join(names) + "\n")
    return mock.patch.object(database.subprocess, "run", return_value=listing)


class RequireRolesTests(SimpleTestCase):
    def test_a_missing_role_stops_the_benchmark_naming_it_and_the_way_to_create_it(self):
        with roles_found("shelfcast_app"), self.assertRaises(SystemExit) as stopped:
            database.require_roles()
        message = str(stopped.exception.code)
        self.assertIn("no role shelfcast_owner:", message)
        self.assertNotIn("shelfcast_app", message)
        self.assertIn("Running against PostgreSQL and Redis", message)

    def test_both_missing_are_both_named(self):
        with roles_found(), self.assertRaises(SystemExit) as stopped:
            database.require_roles()
        self.assertIn("shelfcast_app or shelfcast_owner", str(stopped.exception.code))

    def test_with_both_roles_it_goes_on(self):
        with roles_found("shelfcast_app", "shelfcast_owner") as run:
            self.assertIsNone(database.require_roles())
        self.assertIn("pg_roles", run.call_args.args[0][-1])

    def test_create_checks_the_roles_before_it_drops_anything(self):
        with (
            mock.patch.object(database, "require_roles", side_effect=SystemExit("no roles")),
            mock.patch.object(database, "drop") as drop,
            self.assertRaises(SystemExit),
        ):
            database.create("shelfcast_bench_x", {})
        drop.assert_not_called()
