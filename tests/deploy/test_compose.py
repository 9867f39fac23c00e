"""docker/compose.yaml: valid against the Compose Specification's JSON schema, and wired the way
Shelfcast needs (no Docker engine runs in CI, so this is what stands for `docker compose up`)."""

from __future__ import annotations

import copy
import json
import os
import unittest
from importlib import resources

import jsonschema
import yaml
from django.test import SimpleTestCase

from config.celery import app as celery_app
from tests.deploy.files import COMPOSE_FILE, DOCKER, ENV_EXAMPLE, interpolated_names, read_env_file

APPLICATION_SERVICES = ("web", "worker", "beat", "gpu-worker")
IN_CI = os.environ.get("CI") == "true"


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_spec_schema() -> dict | None:
    """The Compose Specification's schema, as vendored by check-jsonschema (dev extras)."""
    try:
        vendored = resources.files("check_jsonschema.builtin_schemas.vendor")
    except ModuleNotFoundError:
        return None
    return json.loads((vendored / "compose-spec.json").read_text())


def option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


class ComposeSchemaTests(SimpleTestCase):
    def setUp(self):
        schema = compose_spec_schema()
        if schema is None:
            if IN_CI:
                self.fail("check-jsonschema (dev extras) is not installed")
            raise unittest.SkipTest("check-jsonschema (dev extras) is not installed")
        self.validator = jsonschema.Draft202012Validator(schema)

    def errors(self, document: dict) -> list[str]:
        return [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in self.validator.iter_errors(document)
        ]

    def test_compose_file_follows_the_compose_specification(self):
        self.assertEqual(self.errors(compose()), [])

    def test_the_schema_refuses_a_malformed_service(self):
        document = copy.deepcopy(compose())
        document["services"]["web"]["depends_on"]["postgres"]["condition"] = "service_up"
        document["services"]["worker"]["restart_policy"] = "always"
        errors = self.errors(document)
        self.assertTrue(any("services/web/depends_on" in error for error in errors), errors)
        self.assertTrue(any("restart_policy" in error for error in errors), errors)


class ComposeStructureTests(SimpleTestCase):
    def setUp(self):
        self.compose = compose()
        self.services = self.compose["services"]

    def test_services(self):
        self.assertLessEqual(
            {"postgres", "redis", "migrate", *APPLICATION_SERVICES}, set(self.services)
        )

    def test_every_service_has_an_image_or_a_build_whose_dockerfile_exists(self):
        for name, service in self.services.items():
            self.assertTrue("image" in service or "build" in service, name)
            if "image" in service and "build" not in service:
                self.assertRegex(service["image"], r"^[\w./-]+:[\w.-]+$", f"{name}: pin a tag")
                self.assertFalse(service["image"].endswith(":latest"), name)
            if "build" in service:
                context = (DOCKER / service["build"]["context"]).resolve()
                self.assertTrue(context.is_dir(), name)
                self.assertTrue((context / service["build"]["dockerfile"]).is_file(), name)

    def test_every_dependency_is_a_service_and_waits_for_health_or_completion(self):
        for name, service in self.services.items():
            for dependency, condition in service.get("depends_on", {}).items():
                self.assertIn(dependency, self.services, f"{name} depends on {dependency}")
                expected = (
                    "service_completed_successfully"
                    if dependency == "migrate"
                    else "service_healthy"
                )
                self.assertEqual(condition["condition"], expected, f"{name} -> {dependency}")
                if expected == "service_healthy":
                    self.assertIn("healthcheck", self.services[dependency], dependency)

    def test_application_services_start_after_the_services_and_migrations(self):
        for name in APPLICATION_SERVICES:
            self.assertEqual(
                set(self.services[name]["depends_on"]), {"postgres", "redis", "migrate"}, name
            )
        self.assertEqual(set(self.services["migrate"]["depends_on"]), {"postgres"})

    def test_health_checks(self):
        for name in ("postgres", "redis", "web"):
            self.assertIn("test", self.services[name].get("healthcheck", {}), name)
        self.assertIn("pg_isready", self.services["postgres"]["healthcheck"]["test"])
        web_check = self.services["web"]["healthcheck"]["test"]
        self.assertEqual(web_check[:2], ["CMD", "python"])
        script = DOCKER.parent / web_check[2]
        self.assertTrue(script.is_file(), script)
        self.assertIn("/healthz", script.read_text())

    def test_named_volumes_are_declared_and_data_persists(self):
        declared = set(self.compose.get("volumes") or {})
        used = set()
        for name, service in self.services.items():
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                if source.startswith((".", "/")):
                    self.assertTrue((DOCKER / source).exists(), f"{name}: {source}")
                else:
                    self.assertIn(source, declared, f"{name} uses an undeclared volume")
                    used.add(source)
        self.assertEqual(used, declared, "declared volumes nobody uses")
        mounts = {
            name: [volume.split(":")[1] for volume in service.get("volumes", [])]
            for name, service in self.services.items()
        }
        self.assertIn("/var/lib/postgresql/data", mounts["postgres"])
        self.assertIn("/data", mounts["redis"])
        # Uploaded imports are read by the ingest worker, model weights by every worker.
        for name in ("web", "worker", "gpu-worker"):
            self.assertIn("media:/app/var/media", self.services[name]["volumes"], name)

    def test_env_files_have_a_template_in_the_repository(self):
        """docker/.env holds secrets and is never committed: its template is."""
        for name, service in self.services.items():
            env_files = service.get("env_file", [])
            for env_file in [env_files] if isinstance(env_files, str) else env_files:
                path = env_file if isinstance(env_file, str) else env_file["path"]
                template = DOCKER / f"{path}.example"
                self.assertTrue((DOCKER / path).is_file() or template.is_file(), f"{name}: {path}")

    def test_every_interpolated_variable_is_in_the_env_example(self):
        listed = set(read_env_file(ENV_EXAMPLE))
        missing = interpolated_names(COMPOSE_FILE.read_text()) - listed
        self.assertEqual(missing, set())

    def test_only_migrate_connects_as_the_owner_role(self):
        self.assertNotIn("environment", self.services["migrate"])
        self.assertEqual(
            self.services["migrate"]["command"][-3:], ["manage.py", "migrate", "--noinput"]
        )
        for name in APPLICATION_SERVICES:
            environment = self.services[name]["environment"]
            self.assertEqual(environment["DATABASE_OWNER_URL"], "", name)
            self.assertEqual(environment["SHELFCAST_OWNER_PASSWORD"], "", name)
        example = read_env_file(ENV_EXAMPLE)
        self.assertTrue(example["DATABASE_URL"].startswith("postgres://shelfcast_app:"))
        self.assertTrue(example["DATABASE_OWNER_URL"].startswith("postgres://shelfcast_owner:"))
        init_script = (DOCKER / "postgres" / "10-shelfcast-roles.sh").read_text()
        self.assertIn("CREATE ROLE shelfcast_owner", init_script)
        self.assertRegex(init_script, r"CREATE ROLE shelfcast_app [^;]*NOBYPASSRLS")
        self.assertIn("CREATE DATABASE shelfcast OWNER shelfcast_owner", init_script)

    def test_gpu_worker_takes_only_the_gpu_queue_one_task_at_a_time_on_a_gpu(self):
        service = self.services["gpu-worker"]
        self.assertEqual(service["profiles"], ["gpu"])
        command = service["command"]
        self.assertEqual(command[:4], ["celery", "-A", "config", "worker"])
        self.assertEqual(option(command, "--queues"), "gpu")
        self.assertEqual(option(command, "--concurrency"), "1")
        self.assertEqual(option(command, "--prefetch-multiplier"), "1")
        self.assertEqual(service["environment"]["FINE_TUNE_DEVICE"], "cuda")
        devices = service["deploy"]["resources"]["reservations"]["devices"]
        self.assertEqual(devices[0]["capabilities"], ["gpu"])
        self.assertEqual(service["build"]["dockerfile"], "docker/Dockerfile.worker-gpu")

    def test_every_queue_has_a_worker_and_cpu_workers_leave_the_gpu_queue_alone(self):
        queues = {queue.name for queue in celery_app.conf.task_queues}
        cpu = set(option(self.services["worker"]["command"], "--queues").split(","))
        gpu = set(option(self.services["gpu-worker"]["command"], "--queues").split(","))
        self.assertNotIn("gpu", cpu)
        self.assertEqual(cpu | gpu, queues)
        self.assertEqual(self.services["beat"]["command"][:4], ["celery", "-A", "config", "beat"])
