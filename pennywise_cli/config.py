"""Files under ``PENNYWISE_HOME``: the sign-in credentials of remote mode.

``$PENNYWISE_HOME`` (default: the user data directory, ``~/.local/share/pennywise`` on Linux)
holds the embedded database and ``credentials.json``: per API URL, the tokens that
``pennywise login`` obtained. The file is written atomically and readable by its owner only
(mode 0600), like ``~/.netrc``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

CREDENTIALS_FILE = "credentials.json"


def home() -> Path:
    """``$PENNYWISE_HOME``, or the user data directory (the core decides which)."""
    from pennywise_core.settings import data_dir

    return data_dir()


def credentials_path() -> Path:
    return home() / CREDENTIALS_FILE


def normalize_api_url(url: str) -> str:
    """The server's root URL, without a trailing slash or the ``/api/v1`` suffix."""
    url = url.strip().rstrip("/")
    if url.endswith("/api/v1"):
        url = url[: -len("/api/v1")]
    return url


def _read_all() -> dict[str, Any]:
    path = credentials_path()
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # unreadable or corrupt: as if signed out; `login` rewrites it
    return data if isinstance(data, dict) else {}


def load_credentials(api_url: str) -> dict[str, Any] | None:
    """What ``pennywise login`` stored for this server, or None."""
    entry = _read_all().get(normalize_api_url(api_url))
    return entry if isinstance(entry, dict) else None


def save_credentials(api_url: str, entry: dict[str, Any]) -> None:
    data = _read_all()
    data[normalize_api_url(api_url)] = entry
    _write_private(credentials_path(), data)


def delete_credentials(api_url: str) -> bool:
    """Forget this server's tokens; True if there were any."""
    data = _read_all()
    if data.pop(normalize_api_url(api_url), None) is None:
        return False
    path = credentials_path()
    if data:
        _write_private(path, data)
    else:
        path.unlink(missing_ok=True)
    return True


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically, created with mode 0600 (never readable by others, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".credentials-", dir=path.parent)  # mode 0600
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
            file.write("\n")
        tmp.chmod(0o600)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
