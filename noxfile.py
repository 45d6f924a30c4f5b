"""Developer and CI tasks. ``python3 -m nox`` runs lint, typecheck, tests, client_check and
newest (the README's test command).

Every session installs from ``[dependency-groups]`` in pyproject.toml, so the versions live
in one place. Pip honours ``PIP_INDEX_URL`` / ``PIP_FIND_LINKS``, so the sessions work from a
registry mirror too.

    nox -s tests_sqlite -- -k money     # arguments after -- go to pytest
    nox -s tests_postgres               # needs PENNYWISE_TEST_POSTGRES_URL or a local server
    nox -R -s tests                     # reuse the venv and skip the install step
    nox -s tests_sqlite -- -x           # no coverage: the quick loop
    nox -s client                       # regenerate the SDK from openapi.json
    nox -s client -- --check            # the same as client_check: fail if the SDK is stale
    nox -s newest -- -k stdin           # CLI + README tests on the newest runtime releases

The test venvs hold what a plain ``pip install .`` resolves in a fresh venv: the runtime
dependencies at the newest release our bounds allow (``--upgrade --upgrade-strategy eager``,
so a reused venv keeps up), and nothing that pins them lower. The SDK generator pins Typer,
ruff and others, so it lives in the ``client`` sessions' venv only, and ``tests`` checks
that its runtime versions are the ones ``pip install .`` alone picks.

Virtualenvs are reused (``reuse_venv = "yes"``): the install step still runs and picks up
new dependencies, but a venv is not rebuilt on every run; ``--reuse-venv=never`` (or
``rm -r .nox``) rebuilds them. CI starts from a fresh clone, so it always builds them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "typecheck", "tests", "client_check", "newest"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON = "3.11"
PACKAGES = ["pennywise_core", "pennywise_api", "pennywise_client", "pennywise_cli"]
# -n auto: each xdist worker makes its own SQLite files and PostgreSQL databases.
PYTEST = ["pytest", "-n", "auto", "--dist", "loadgroup"]


def install(session: nox.Session, *groups: str, project: bool = True, newest: bool = False) -> None:
    """The groups' requirements (and the project); ``newest``: every package, dependencies
    included, upgraded to the newest release the bounds allow, as a fresh venv would get."""
    requirements = [
        req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)
    ]
    upgrade = ["--upgrade", "--upgrade-strategy", "eager"] if newest else []
    session.install(*upgrade, *(["-e", "."] if project else []), *requirements)


def _name(project: str) -> str:
    return re.sub(r"[-_.]+", "-", project).lower()


def check_runtime_is_plain_install(session: nox.Session) -> None:
    """Fail unless every runtime dependency in the venv is at the version a plain
    ``pip install .`` resolves on its own today (nothing the test tools pin holds one back)."""
    report = Path(session.create_tmp()) / "plain-install.json"
    session.run(
        *("python", "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"),
        *("--report", str(report), "."),
        silent=True,
    )
    plain = {
        _name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text("utf-8"))["install"]
    }
    listed = session.run("python", "-m", "pip", "list", "--format", "json", silent=True)
    here = {_name(p["name"]): p["version"] for p in json.loads(str(listed))}
    project = _name(PYPROJECT["project"]["name"])
    differ = {
        name: (here.get(name), version)
        for name, version in plain.items()
        if name != project and here.get(name) != version
    }
    if differ:
        session.error(
            "the test venv's runtime dependencies are not what `pip install .` resolves: "
            + ", ".join(f"{n} {h} (pip install . picks {p})" for n, (h, p) in differ.items())
        )
    session.log(f"runtime dependencies as `pip install .` resolves them ({len(plain) - 1})")


def pytest(
    session: nox.Session,
    *args: str,
    databases: str = "sqlite,postgresql",
    coverage: bool = False,
) -> None:
    """Run pytest on the given backends (see tests/conftest.py); ``coverage``: under
    ``coverage run`` ([tool.coverage] in pyproject.toml), then the combined report, which
    fails under its floor, and the HTML and XML reports in coverage-report/ (CI uploads it)."""
    install(session, "test", newest=True)
    check_runtime_is_plain_install(session)
    env = {"PENNYWISE_TEST_DATABASES": databases}
    if not coverage:
        session.run(*PYTEST, *args, *session.posargs, env=env)
        return
    # An absolute data file: subprocesses started in a temporary directory write beside it.
    env["COVERAGE_FILE"] = str(ROOT / ".coverage")
    session.run("coverage", "erase", env=env)
    session.run("coverage", "run", "-m", *PYTEST, *args, *session.posargs, env=env)
    session.run("coverage", "combine", "--quiet", env=env)
    session.run("coverage", "html", "--quiet", env=env)
    session.run("coverage", "xml", "--quiet", env=env)
    session.run("coverage", "report", env=env)  # last: its failure under the floor ends the run


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and the import-linter layering contracts."""
    # No project install: ruff reads files, and lint-imports finds the packages in the cwd.
    install(session, "lint", project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy, strict on all four packages (see [tool.mypy] overrides) but the generated SDK."""
    install(session, "typing")
    session.run("mypy", *PACKAGES, *session.posargs)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole suite, on SQLite and PostgreSQL, under branch coverage: the report is
    printed and written to coverage-report/, and the session fails under its floor."""
    pytest(session, coverage=True)


@nox.session(python=PYTHON)
def tests_sqlite(session: nox.Session) -> None:
    """The whole suite on SQLite only: no server needed."""
    pytest(session, databases="sqlite")


@nox.session(python=PYTHON)
def tests_postgres(session: nox.Session) -> None:
    """The database tests on PostgreSQL only (tests without a database run too)."""
    pytest(session, databases="postgresql")


@nox.session(python=PYTHON)
def migrations(session: nox.Session) -> None:
    """Upgrade/downgrade/drift checks of migrations/ on both backends."""
    pytest(session, "tests/test_migrations.py")


@nox.session(python=PYTHON)
def newest(session: nox.Session) -> None:
    """The CLI and README tests on the newest release of every runtime dependency (Typer,
    Click, …: what `pip install` gives a user today), with only pytest besides (and the
    Standard Webhooks library the test receiver verifies with). On SQLite: ``tests`` runs
    them on PostgreSQL too, on the same versions (it checks that)."""
    install(session, "test-runner", "test-receiver", newest=True)
    session.run("python", "-m", "pip", "list", silent=False)
    session.run(
        *PYTEST,
        "tests/cli",
        "tests/test_readme.py",
        *session.posargs,
        env={"PENNYWISE_TEST_DATABASES": "sqlite"},
    )


@nox.session(python=PYTHON)
def client(session: nox.Session) -> None:
    """Regenerate pennywise_client/_generated/ from openapi.json (``-- --check``: fail if stale).

    After an API change: ``python -m pennywise_api.openapi > openapi.json``, then this. The
    generator's pins (openapi-python-client, its Typer, ruff) stay in this venv.
    """
    # The script is standard-library only; run by path so the package (httpx…) isn't needed.
    install(session, "generate", project=False)
    session.run("python", "pennywise_client/_regenerate.py", *session.posargs)


@nox.session(python=PYTHON)
def client_check(session: nox.Session) -> None:
    """The committed pennywise_client/_generated/ is what openapi.json generates (CI)."""
    install(session, "generate", project=False)
    session.run("python", "pennywise_client/_regenerate.py", "--check")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run every benchmarks/bench_*.py and show what it prints (ratios, not pass/fail)."""
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if not scripts:
        session.error("no benchmarks/bench_*.py to run")
    install(session, "bench")
    for script in scripts:
        session.log(f"--- {script.relative_to(ROOT)}")
        session.run("python", str(script), *session.posargs, env={"PYTHONUNBUFFERED": "1"})


@nox.session(python=PYTHON)
def deploy_check(session: nox.Session) -> None:
    """The deployment files, offline: actionlint on the workflow (with shellcheck on its
    run: scripts), hadolint on the Dockerfile, and tests/deploy/ (compose.yaml, render.yaml,
    railway.json, .env.example and the workflow against what they must contain)."""
    install(session, "deploy")
    session.run("actionlint", "-color", ".github/workflows/ci.yml")
    session.run("hadolint", "Dockerfile")
    session.run("pytest", "tests/deploy", *session.posargs)


@nox.session(python=PYTHON)
def image_rehearsal(session: nox.Session) -> None:
    """What the Docker image does, without Docker: the wheel into a fresh venv, the
    migration one-shot and `pennywise serve` on a throwaway PostgreSQL database, and a
    smoke flow over HTTP (scripts/rehearse_image.py; standard library only)."""
    session.run("python", "scripts/rehearse_image.py", env={"PYTHONUNBUFFERED": "1"})
