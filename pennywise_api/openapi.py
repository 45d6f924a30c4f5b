"""Print the OpenAPI document: ``python -m pennywise_api.openapi > openapi.json``.

The committed ``openapi.json`` at the repository root is what the client is generated
from; ``tests/api/test_openapi.py`` fails when the app's schema drifts from it. The
document depends on the code only, never on the environment.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import SecretStr

from pennywise_api.app import create_app
from pennywise_core.settings import Settings

REGENERATE = "python -m pennywise_api.openapi > openapi.json"


def render(schema: dict[str, Any]) -> str:
    """The committed form: indent 2, keys in the app's (stable) order, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def build() -> dict[str, Any]:
    # Settings that cannot fail the secret check: the document does not depend on them.
    settings = Settings(environment="development", jwt_secret=SecretStr(""), cors_origins=[])
    return create_app(settings).openapi()


def main() -> None:
    sys.stdout.write(render(build()))


if __name__ == "__main__":
    main()
