"""``pennywise_client/_regenerate.py``, without the generator: its pins and its diff.

Whether the committed ``pennywise_client/_generated/`` is what openapi.json generates is
checked by ``nox -s client_check`` (``_regenerate.py --check``, in the README's test
command and CI), in a venv of its own: the generator pins Typer and ruff, which must not
leak into the suite's venv, whose runtime is what ``pip install .`` resolves.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pennywise_client import _regenerate

ROOT = Path(__file__).resolve().parents[2]


def dependency_groups() -> dict[str, list[object]]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["dependency-groups"]


def included(groups: dict[str, list[object]], name: str) -> set[str]:
    """The group and every group it includes, transitively."""
    found = {name}
    for item in groups[name]:
        if isinstance(item, dict):
            found |= included(groups, item["include-group"])
    return found


def test_pins_match_the_generate_dependency_group():
    pins = set(dependency_groups()["generate"])
    assert f"openapi-python-client=={_regenerate.GENERATOR_VERSION}" in pins
    assert f"ruff=={_regenerate.RUFF_VERSION}" in pins


def test_the_generator_stays_out_of_the_test_venvs():
    # It pins Typer (and more): the suite must see the versions `pip install .` resolves.
    groups = dependency_groups()
    for name in ("test", "test-runner", "typing"):
        assert "generate" not in included(groups, name)


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
