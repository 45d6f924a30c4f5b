"""The deployment files say what a deployment needs, checked against the code they drive.

No Docker engine runs here, so these read the files (PyYAML, tomllib, json) and hold them
to the rules: the image builds the wheel and runs it as a non-root user, migrations are a
one-shot step before the API on every platform (compose, Render, Railway), the health paths
are the app's, every ``PENNYWISE_*`` variable set is one Pennywise reads, no real secret is
committed, and CI runs ``.ci/run`` itself with every action pinned to a commit.
``nox -s deploy_check`` adds actionlint and hadolint; ``nox -s image_rehearsal`` runs what
the image does.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from pennywise_api.routers import health
from pennywise_cli.main import app as cli_app
from pennywise_core import tokens
from pennywise_core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent
MIGRATE = ["pennywise", "db", "upgrade"]
SERVE = ["pennywise", "serve"]


def load_yaml(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text("utf-8"))


def known_variables() -> set[str]:
    """Every PENNYWISE_* variable Pennywise reads: a setting, or a ``serve`` option."""
    settings = {f"PENNYWISE_{name.upper()}" for name in Settings.model_fields}
    command = typer.main.get_command(cli_app).commands["serve"]  # type: ignore[attr-defined]
    options = set()
    for param in command.params:
        envvar = param.envvar
        options.update([envvar] if isinstance(envvar, str) else envvar or [])
    return settings | options | {"PENNYWISE_HOME", "PENNYWISE_DEBUG", "PENNYWISE_FORMAT"}


def health_paths() -> set[str]:
    """The app's health routes (``/healthz``, ``/readyz``), as its router declares them."""
    return {route.path for route in health.router.routes}  # type: ignore[attr-defined]


def pennywise_variables(names: Any) -> set[str]:
    return {n for n in names if str(n).startswith("PENNYWISE_")}


# --- the Dockerfile ------------------------------------------------------------------------


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """The Dockerfile's instructions per stage, as (INSTRUCTION, arguments) pairs."""
    text = (ROOT / "Dockerfile").read_text("utf-8")
    logical = re.sub(r"\\\n", " ", text)
    stages: list[list[tuple[str, str]]] = []
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), rest.strip()))
    return stages


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"not the exec form: {arguments}"
    return value


class TestDockerfile:
    def test_two_stages_the_runtime_on_a_slim_python(self) -> None:
        stages = dockerfile_stages()
        assert len(stages) == 2
        text = (ROOT / "Dockerfile").read_text("utf-8")
        base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", text, re.M)
        assert base, "the base image is one ARG, shared by both stages"
        assert re.fullmatch(r"python:3\.1[1-9]-slim(-\w+)?", base.group(1))
        assert stages[1][0] == ("FROM", "${PYTHON_IMAGE} AS runtime")

    def test_the_first_stage_builds_the_wheel_and_the_second_installs_only_it(self) -> None:
        build, runtime = dockerfile_stages()
        assert any(i == "RUN" and "pip wheel" in a and "--no-deps" in a for i, a in build)
        installs = [a for i, a in runtime if i == "RUN" and "pip install" in a]
        assert len(installs) == 1
        assert re.search(r"pip install --no-cache-dir /tmp/dist/pennywise-\*\.whl", installs[0])
        assert "-e" not in shlex.split(installs[0])
        assert "--group" not in installs[0]
        assert "[" not in installs[0]
        copies = [a for i, a in runtime if i == "COPY"]
        assert copies == ["--from=build /dist/ /tmp/dist/"], "only the wheel crosses over"

    def test_it_runs_as_a_non_root_user(self) -> None:
        runtime = dockerfile_stages()[1]
        users = [a for i, a in runtime if i == "USER"]
        assert users, "no USER: the API would run as root"
        user = users[-1].split(":")[0]
        assert user not in {"root", "0"}
        # and every instruction after USER runs as that user: no switch back
        last_user = max(n for n, (i, _) in enumerate(runtime) if i == "USER")
        assert all(i != "RUN" for i, _ in runtime[last_user:])

    def test_healthcheck_asks_healthz_with_python_not_curl(self) -> None:
        runtime = dockerfile_stages()[1]
        (check,) = [a for i, a in runtime if i == "HEALTHCHECK"]
        options, _, command = check.partition(" CMD ")
        assert "--timeout=" in options
        assert "--interval=" in options
        argv = exec_form(command)
        assert argv[:2] == ["python", "-c"]
        assert "urllib.request" in argv[2]
        assert "/healthz" in argv[2]
        assert "/healthz" in health_paths()

    def test_it_serves_and_never_migrates_on_start(self) -> None:
        runtime = dockerfile_stages()[1]
        (cmd,) = [a for i, a in runtime if i == "CMD"]
        assert exec_form(cmd) == SERVE
        assert not [a for i, a in runtime if i == "ENTRYPOINT"]

    def test_host_port_and_workers_come_from_the_environment(self) -> None:
        runtime = dockerfile_stages()[1]
        env = " ".join(a for i, a in runtime if i == "ENV")
        set_here = dict(re.findall(r"(PENNYWISE_\w+)=(\S+)", env))
        assert {"PENNYWISE_HOST", "PENNYWISE_PORT", "PENNYWISE_WORKERS"} <= set_here.keys()
        assert set_here["PENNYWISE_ENVIRONMENT"] == "production"
        assert set(set_here) <= known_variables(), "a variable nothing reads"
        assert "PENNYWISE_JWT_SECRET" not in set_here, "a secret baked into the image"
        (expose,) = [a for i, a in runtime if i == "EXPOSE"]
        assert expose == set_here["PENNYWISE_PORT"]

    def test_context_holds_what_the_wheel_is_built_from_and_nothing_else(self) -> None:
        pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
        wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
        needed = {
            "pyproject.toml",
            pyproject["project"]["readme"],
            *wheel["packages"],
            *wheel.get("force-include", {}),
        }
        ignore = (ROOT / ".dockerignore").read_text("utf-8").splitlines()
        rules = [r.strip() for r in ignore if r.strip() and not r.startswith("#")]
        assert rules[0] == "*", "an allow-list: everything is left out unless named"
        allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
        assert allowed == needed
        build = dockerfile_stages()[0]
        copied = {
            part.rstrip("/")
            for i, a in build
            if i == "COPY"
            for part in a.split()[:-1]  # sources; the last word is the destination
        }
        assert copied == needed


# --- compose.yaml ---------------------------------------------------------------------------


class TestCompose:
    compose = load_yaml("compose.yaml")

    def service(self, name: str) -> dict[str, Any]:
        return self.compose["services"][name]

    def test_postgres_keeps_its_data_in_a_named_volume_and_has_a_healthcheck(self) -> None:
        db = self.service("db")
        assert db["image"].startswith("postgres:")
        volume, _, mount = db["volumes"][0].partition(":")
        assert volume in self.compose["volumes"]
        assert mount == "/var/lib/postgresql/data"
        assert "pg_isready" in " ".join(db["healthcheck"]["test"])

    def test_the_migration_is_a_one_shot_the_api_waits_for(self) -> None:
        migrate, api = self.service("migrate"), self.service("api")
        assert migrate["command"] == MIGRATE
        assert migrate["restart"] == "no"
        assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
        assert api["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert api["depends_on"]["db"]["condition"] == "service_healthy"
        assert api["command"] == SERVE
        assert migrate["image"] == api["image"], "one image: the migration is the release's"

    def test_the_api_has_a_healthcheck_on_one_of_its_health_paths(self) -> None:
        test = " ".join(self.service("api")["healthcheck"]["test"])
        assert any(path in test for path in health_paths())

    def test_the_secret_comes_from_the_env_file(self) -> None:
        text = (ROOT / "compose.yaml").read_text("utf-8")
        assert "JWT_SECRET" not in text
        for name in ("migrate", "api"):
            assert self.service(name)["env_file"] == ".env"
            environment = self.service(name)["environment"]
            assert pennywise_variables(environment) <= known_variables()
            assert "${POSTGRES_PASSWORD" in environment["PENNYWISE_DATABASE_URL"]
        assert "${POSTGRES_PASSWORD" in self.service("db")["environment"]["POSTGRES_PASSWORD"]

    def test_the_api_is_published_on_loopback_only(self) -> None:
        (port,) = self.service("api")["ports"]
        assert port.startswith("127.0.0.1:")


class TestEnvExample:
    def values(self) -> dict[str, str]:
        lines = (ROOT / ".env.example").read_text("utf-8").splitlines()
        pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
        return dict(pairs)

    def test_it_names_what_compose_needs_and_only_variables_pennywise_reads(self) -> None:
        values = self.values()
        assert {"POSTGRES_PASSWORD", "PENNYWISE_JWT_SECRET"} <= values.keys()
        assert pennywise_variables(values) <= known_variables()

    def test_its_secret_is_a_placeholder_production_refuses(self) -> None:
        secret = self.values()["PENNYWISE_JWT_SECRET"]
        settings = Settings(environment="production", jwt_secret=secret)
        with pytest.raises(tokens.InsecureSecretError):
            tokens.check_secret(settings)

    def test_the_real_env_file_is_never_committed(self) -> None:
        ignored = (ROOT / ".gitignore").read_text("utf-8").splitlines()
        assert ".env" in ignored


# --- Render and Railway ---------------------------------------------------------------------


class TestRender:
    blueprint = load_yaml("render.yaml")

    def web(self) -> dict[str, Any]:
        (web,) = [s for s in self.blueprint["services"] if s["type"] == "web"]
        return web

    def env(self) -> dict[str, dict[str, Any]]:
        return {e["key"]: e for e in self.web()["envVars"]}

    def test_a_docker_web_service_that_migrates_before_each_deploy(self) -> None:
        web = self.web()
        assert web["runtime"] == "docker"
        assert (ROOT / web["dockerfilePath"]).is_file()
        assert shlex.split(web["preDeployCommand"]) == MIGRATE
        assert "startCommand" not in web
        assert "dockerCommand" not in web
        assert web["healthCheckPath"] in health_paths()

    def test_the_database_url_comes_from_the_managed_postgres(self) -> None:
        (database,) = self.blueprint["databases"]
        source = self.env()["PENNYWISE_DATABASE_URL"]["fromDatabase"]
        assert source == {"name": database["name"], "property": "connectionString"}

    def test_the_jwt_secret_is_generated_and_production_is_on(self) -> None:
        env = self.env()
        assert env["PENNYWISE_JWT_SECRET"] == {"key": "PENNYWISE_JWT_SECRET", "generateValue": True}
        assert env["PENNYWISE_ENVIRONMENT"]["value"] == "production"
        assert pennywise_variables(env) <= known_variables()
        values = [e.get("value") for e in env.values()]
        assert all("SECRET" not in k or "value" not in e for k, e in env.items()), values


class TestRailway:
    config = json.loads((ROOT / "railway.json").read_text("utf-8"))

    def test_built_from_the_dockerfile(self) -> None:
        build = self.config["build"]
        assert build["builder"] == "DOCKERFILE"
        assert (ROOT / build["dockerfilePath"]).is_file()

    def test_migrates_before_deploy_and_serves_on_railways_port(self) -> None:
        deploy = self.config["deploy"]
        assert [shlex.split(c) for c in deploy["preDeployCommand"]] == [MIGRATE]
        start = shlex.split(deploy["startCommand"])
        assert start[:2] == ["/bin/sh", "-c"]  # exec form expands no variable by itself
        inner = shlex.split(start[2])
        assert inner[0] == "exec"
        assert inner[1:3] == SERVE
        assert inner[inner.index("--port") + 1] == "${PORT:-8000}"
        assert "db" not in inner, "the start command must not migrate"
        assert deploy["healthcheckPath"] in health_paths()


# --- the GitHub Actions workflow ------------------------------------------------------------


def nox_sessions() -> set[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text("utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(d) for d in node.decorator_list)
    }


class TestWorkflow:
    workflow = load_yaml(".github/workflows/ci.yml")

    def steps(self) -> list[dict[str, Any]]:
        return [step for job in self.workflow["jobs"].values() for step in job["steps"]]

    def runs(self) -> list[str]:
        return [step["run"] for step in self.steps() if "run" in step]

    def test_it_runs_the_ci_script_itself_so_it_cannot_drift(self) -> None:
        assert "bash .ci/run" in self.runs()

    def test_every_nox_session_it_names_exists(self) -> None:
        named = {
            session
            for run in self.runs()
            for match in re.finditer(r"nox (?:-R )?-s ([\w ]+)", run)
            for session in match.group(1).split()
        }
        assert {"deploy_check", "image_rehearsal"} <= named
        assert named <= nox_sessions()

    def test_postgres_is_a_service_container_on_the_port_the_suite_uses(self) -> None:
        for name in ("tests", "deploy"):
            postgres = self.workflow["jobs"][name]["services"]["postgres"]
            assert postgres["image"].startswith("postgres:")
            assert "5432:5432" in postgres["ports"]
            assert "pg_isready" in postgres["options"]

    def test_pip_is_cached(self) -> None:
        setups = [s for s in self.steps() if s.get("uses", "").startswith("actions/setup-python")]
        assert setups
        assert all(s["with"]["cache"] == "pip" for s in setups)

    def test_every_action_is_pinned_to_a_commit(self) -> None:
        uses = [step["uses"] for step in self.steps() if "uses" in step]
        assert uses
        for use in uses:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), use

    def test_the_tests_job_uploads_the_coverage_report_the_session_writes(self) -> None:
        coverage = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["coverage"]
        written = {
            Path(coverage["html"]["directory"]).parts[0],
            Path(coverage["xml"]["output"]).parts[0],
        }
        steps = self.workflow["jobs"]["tests"]["steps"]
        uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
        assert [Path(s["with"]["path"]).parts[0] for s in uploads] == sorted(written)
        # after `bash .ci/run`, and also when it failed (below the floor, a test failing)
        assert steps.index(uploads[0]) > [s.get("run") for s in steps].index("bash .ci/run")
        assert uploads[0]["if"] == "${{ !cancelled() }}"

    def test_a_tag_builds_the_wheel_and_the_image(self) -> None:
        triggers = self.workflow.get("on", self.workflow.get(True))  # YAML 1.1 reads on: as True
        assert "v*" in triggers["push"]["tags"]
        release = self.workflow["jobs"]["release"]
        assert release["if"] == "startsWith(github.ref, 'refs/tags/v')"
        assert any("python -m build" in step.get("run", "") for step in release["steps"])
        assert any(
            step.get("uses", "").startswith("docker/build-push-action") for step in release["steps"]
        )
