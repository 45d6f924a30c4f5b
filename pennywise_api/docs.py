"""``/docs``: Swagger UI served from this process, so it works with no internet access.

The assets come from the ``swagger-ui-bundle-v2`` distribution (import name
``swagger_ui_bundle``), which vendors the official ``swagger-ui-dist`` build. Without it
the page falls back to FastAPI's CDN URLs and a warning is logged at start-up.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from pennywise_api.logs import get_logger

DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
_CDN_JS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
_CDN_CSS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css"


def swagger_ui_directory() -> Path | None:
    """Where the installed Swagger UI assets are, or None when the package is missing."""
    try:
        bundle = importlib.import_module("swagger_ui_bundle")
    except ImportError:
        return None
    path = Path(str(bundle.swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() else None


def install_docs(app: FastAPI) -> None:
    directory = swagger_ui_directory()
    if directory is not None:
        app.mount(ASSETS_URL, StaticFiles(directory=directory), name="docs-assets")
        js, css, icon = (
            f"{ASSETS_URL}/swagger-ui-bundle.js",
            f"{ASSETS_URL}/swagger-ui.css",
            f"{ASSETS_URL}/favicon-32x32.png",
        )
    else:
        get_logger().warning(
            "swagger UI assets not installed; /docs loads them from a CDN",
            fix="pip install swagger-ui-bundle-v2",
        )
        js, css, icon = _CDN_JS, _CDN_CSS, "https://fastapi.tiangolo.com/img/favicon.png"
    openapi_url = app.openapi_url or "/openapi.json"
    title = f"{app.title} - API docs"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            oauth2_redirect_url=OAUTH2_REDIRECT_URL,
            swagger_js_url=js,
            swagger_css_url=css,
            swagger_favicon_url=icon,
        )

    @app.get(OAUTH2_REDIRECT_URL, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
