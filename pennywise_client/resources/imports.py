"""``pw.imports``: a file imported into a group (Splitwise, Spliit, a bank CSV…), uploaded."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from pennywise_client._files import Source, _upload
from pennywise_client._generated.api.imports import imports_run
from pennywise_client._generated.models import BankMappingIn, BodyImportsRun, ImportReport
from pennywise_client._generated.models.body_imports_run_format_type_0 import (
    BodyImportsRunFormatType0,
)
from pennywise_client._generated.types import UNSET
from pennywise_client._resource import (
    Call,
    Id,
    _async,
    _AsyncResource,
    _id,
    _or,
    _Resource,
    _sync,
    decimal_string,
)

BankMappingArg = BankMappingIn | Mapping[str, Any]
ImportFormat = BodyImportsRunFormatType0


def _bank_mapping(value: BankMappingArg) -> str:
    """The ``bank_mapping`` form field: the mapping as JSON (columns stay names or
    0-based positions; members are ids or names; shares decimal strings)."""
    if isinstance(value, BankMappingIn):
        return json.dumps(value.to_dict())
    mapping: dict[str, Any] = {}
    for name, item in value.items():
        if name == "split" and isinstance(item, Mapping):
            mapping[name] = {str(k): decimal_string(v, "split") for k, v in item.items()}
        elif name == "split" and isinstance(item, list | tuple):
            mapping[name] = [str(p) for p in item]
        elif isinstance(item, uuid.UUID):
            mapping[name] = str(item)
        elif isinstance(item, float):
            raise TypeError(f"bank_mapping.{name} must not be a float")
        else:
            mapping[name] = item
    return json.dumps(mapping)


class ImportCalls:
    @staticmethod
    def run(
        group_id: Id,
        file: Source,
        *,
        format: ImportFormat | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        convert: bool = False,
        member_map: Mapping[str, Id] | None = None,
        currency: str | None = None,
        bank_mapping: BankMappingArg | None = None,
        idempotency_key: str | None = None,
    ) -> Call[ImportReport]:
        """Import a file into the group: all of it, or (any bad row) none of it; with
        ``skip_invalid=True`` the good rows, each bad one left out and listed.

        ``file``: a path, bytes or a binary file, streamed from disk. ``format``: one of
        ``pennywise-json``, ``pennywise-csv``, ``splitwise-csv``, ``ihatemoney-json``,
        ``ihatemoney-csv``, ``spliit-json``, ``spliit-csv``, ``cospend-csv``, ``bank-csv``;
        detected when left out. ``dry_run``: only report what would be created.
        ``skip_invalid``: import the good rows and list each bad one in the report's
        ``invalid_rows`` (``row``, ``column``, ``message``; ``invalid`` counts them), in a
        dry run too. ``convert``: book every row in another currency in the group's, at
        the group's rate for its day (else the ECB reference rate). ``member_map``:
        ``{name in the file: member id}``. ``bank_mapping``: a bank CSV's columns (a dict
        or :class:`~pennywise_client.models.BankMappingIn`), e.g.
        ``{"date": "Date", "description": "Text", "amount": "Amount"}``. Re-importing a file
        adds nothing. Bad rows raise :class:`~pennywise_client.ValidationError` whose
        ``errors`` are located at ``["row", <row>, <column>]``; a file over the server's
        limit raises :class:`~pennywise_client.ContentTooLargeError` (413): import it
        locally with the CLI instead.
        """
        fields: dict[str, Any] = {
            "format_": _or(format),
            "dry_run": dry_run,
            "skip_invalid": skip_invalid,
            "convert": convert,
            "member_map": UNSET
            if member_map is None
            else json.dumps({str(k): str(_id(v)) for k, v in member_map.items()}),
            "currency": _or(currency),
            "bank_mapping": UNSET if bank_mapping is None else _bank_mapping(bank_mapping),
        }

        @contextlib.contextmanager
        def body() -> Iterator[dict[str, Any]]:
            with _upload(file) as upload:
                yield {"body": BodyImportsRun(file=upload, **fields)}

        return Call(
            imports_run,
            {"group_id": _id(group_id), "idempotency_key": idempotency_key},
            opens=body,
        )


class Imports(_Resource):
    run = _sync(ImportCalls.run)


class AsyncImports(_AsyncResource):
    run = _async(ImportCalls.run)
