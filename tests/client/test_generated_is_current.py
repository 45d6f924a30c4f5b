"""The committed generated client is what the generator makes from openapi.json, today.

Regenerates into a temporary directory with the pinned openapi-python-client and ruff
(``pennywise_client/_regenerate.py``) and compares file by file with
``pennywise_client/_generated/``. Without the generator installed the test is skipped with
the reason, except under ``CI=true``, where it fails: CI installs the ``generate``
dependency group.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from pennywise_client import _regenerate

ROOT = Path(__file__).resolve().parents[2]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def test_generated_client_is_current():
    try:
        _regenerate.tools()
    except _regenerate.ToolMissingError as exc:
        if _in_ci():
            pytest.fail(f"{exc} (CI=true: this check may not be skipped)")
        pytest.skip(str(exc))
    stale = _regenerate.check()
    shown = "\n".join(stale[:80]) + ("\n…" if len(stale) > 80 else "")
    assert not stale, (
        f"pennywise_client/_generated/ is not what openapi.json generates; "
        f"run `{_regenerate.COMMAND}` and commit the result:\n{shown}"
    )


def test_pins_match_the_generate_dependency_group():
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    if "generate" not in groups:
        if _in_ci():
            pytest.fail("pyproject.toml has no [dependency-groups].generate")
        pytest.skip("pyproject.toml has no [dependency-groups].generate yet")
    pins = set(groups["generate"])
    assert f"openapi-python-client=={_regenerate.GENERATOR_VERSION}" in pins
    assert f"ruff=={_regenerate.RUFF_VERSION}" in pins


def test_differences_names_missing_extra_and_changed_files(tmp_path: Path):
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    for root in (expected, actual):
        root.mkdir()
        (root / "same.py").write_text("x = 1\n")
    (expected / "new.py").write_text("")
    (actual / "old.py").write_text("")
    (expected / "changed.py").write_text("a = 2\n")
    (actual / "changed.py").write_text("a = 1\n")
    lines = _regenerate.differences(expected, actual)
    assert "missing: new.py" in lines
    assert "not generated any more: old.py" in lines
    assert "-a = 1" in lines
    assert "+a = 2" in lines
    assert not any("same.py" in line for line in lines)
