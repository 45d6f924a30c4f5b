"""The README's Python example runs as written and prints the balances it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_library_example_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)
    assert blocks, "README.md has no python example"
    script = tmp_path / "example.py"
    script.write_text(blocks[0], "utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Ann paid 100.00 and owes 33.34; Bob paid 90.00 and owes 33.33 + 60.00; Carol owes
    # 33.33 + 30.00.
    assert lines[:3] == ["Ann       66.66 EUR", "Bob       -3.33 EUR", "Carol    -63.33 EUR"]
    assert "proven_minimal=True" in lines[3]
