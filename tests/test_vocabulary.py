"""The shared vocabulary: one list of each, and every layer reads it."""

from __future__ import annotations

import subprocess
import sys
import typing

from pennywise_api.routers import exports as exports_router
from pennywise_api.routers import imports as imports_router
from pennywise_core import exports, imports, models, vocabulary
from pennywise_core.imports import _formats


def test_every_import_format_has_its_parser_and_no_other() -> None:
    assert set(_formats.PARSERS) == set(vocabulary.IMPORT_FORMATS)
    assert imports.FORMATS == vocabulary.IMPORT_FORMATS
    assert "cospend-csv" in vocabulary.IMPORT_FORMATS


def test_export_formats_are_the_writers() -> None:
    assert tuple(exports.FORMATS) == vocabulary.EXPORT_FORMATS


def test_the_api_parameters_are_the_vocabulary() -> None:
    assert typing.get_args(imports_router.ImportFormat) == vocabulary.IMPORT_FORMATS
    assert typing.get_args(exports_router.ExportFormat) == vocabulary.EXPORT_FORMATS


def test_the_models_store_the_same_enums() -> None:
    assert models.Role is vocabulary.Role
    assert models.SplitMode is vocabulary.SplitMode
    assert models.TransactionKind is vocabulary.TransactionKind
    assert set(vocabulary.SPLIT_VALUE_FIELD) == set(vocabulary.SplitMode)


def test_importing_it_loads_no_orm() -> None:
    code = (
        "import sys, pennywise_core.vocabulary as v; "
        "print(sorted(m for m in ('sqlalchemy', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
