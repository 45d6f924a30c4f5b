"""``/groups/{group_id}/imports``: another app's export, a bank's CSV or a Pennywise file, uploaded.

One multipart request: the ``file`` and the options as form fields. The core does the work
(:func:`pennywise_core.imports.run`): all or nothing, every bad cell listed (a 422 whose
``errors`` are located at ``["row", <row>, <column>]``), idempotent by the rows' import
keys (a re-upload adds nothing). A dry run answers 200 with the report of what would be
created and writes nothing; an import answers 201.

The upload is capped by ``PENNYWISE_MAX_IMPORT_BYTES`` (:func:`body_limit`, enforced by
:class:`~pennywise_api.middleware.BodySizeLimitMiddleware` as the body arrives); Starlette
spools the file to disk past 1 MiB, so memory does not grow with the upload, and neither
does the import's.

``Idempotency-Key`` is taken, as on every creating POST: a retry after a lost answer gets
the first report back (with ``created`` as it was), not a second import that reports
everything as ``already_imported``. The fingerprint is made from the form's values and the
SHA-256 of the file, read from its spool in chunks, so a retry with another multipart
boundary (or another file name) is still the same request.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, Response, UploadFile
from pydantic import Json

from pennywise_api import metrics
from pennywise_api.deps import (
    API_PREFIX,
    IdempotencyKey,
    SessionDep,
    WriteUser,
    claim_idempotency_key,
    request_target,
)
from pennywise_api.middleware import BodyLimit
from pennywise_api.responses import problem_responses
from pennywise_api.schemas import BankMappingIn
from pennywise_core import imports, vocabulary
from pennywise_core.errors import ValidationError
from pennywise_core.schemas import CurrencyCode
from pennywise_core.services import idempotency
from pennywise_core.settings import Settings

router = APIRouter(prefix="/groups/{group_id}/imports", tags=["imports"])

ImportFormat = vocabulary.ImportFormatName
""":data:`pennywise_core.vocabulary.IMPORT_FORMATS` as a ``Literal`` (for the OpenAPI
document)."""

_CHUNK = 1 << 16
_PATH = re.compile(re.escape(API_PREFIX) + r"/groups/[^/]+/imports/?")


def _size(count: int) -> str:
    """``52428800`` → ``"50 MiB (52428800 bytes)"``; ``2000`` → ``"2000 bytes"``."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= factor and count % factor == 0:
            return f"{count // factor} {unit} ({count} bytes)"
    return f"{count} bytes"


def body_limit(settings: Settings) -> BodyLimit:
    """This route's upload limit, for the body-size middleware."""
    limit = settings.max_import_bytes
    return BodyLimit(
        method="POST",
        path=_PATH,
        max_bytes=limit,
        detail=f"the upload is larger than this server's import limit of {_size(limit)} "
        "(PENNYWISE_MAX_IMPORT_BYTES); import a larger file locally with the CLI: "
        "`pennywise import` without a server (no --api-url)",
    )


async def _fingerprint(request: Request, file: UploadFile, form: dict[str, Any]) -> str:
    """The request's identity for ``Idempotency-Key``: the options and the file's digest."""
    digest = hashlib.sha256()
    while chunk := await file.read(_CHUNK):
        digest.update(chunk)
    await file.seek(0)
    canonical = json.dumps({**form, "file": digest.hexdigest()}, sort_keys=True, default=str)
    return idempotency.fingerprint(request.method, request_target(request), canonical.encode())


@router.post(
    "",
    name="run",
    status_code=201,
    responses={
        200: {
            "model": imports.ImportReport,
            "description": "A dry run: what the import would do. Nothing was written.",
        },
        201: {"description": "Imported: what was created, and the balances after."},
        **problem_responses(401, 403, 404, 409, 413, 422),
    },
    form_limits={"max_files": 1, "max_fields": 10, "max_part_size": 1 << 16},
)
async def run(
    group_id: uuid.UUID,
    file: Annotated[
        UploadFile,
        File(description="The file to import, as the other app (or your bank) wrote it."),
    ],
    request: Request,
    response: Response,
    background: BackgroundTasks,
    session: SessionDep,
    user: WriteUser,
    idempotency_key: IdempotencyKey = None,
    format: Annotated[
        ImportFormat | None,
        Form(description="The file's format; detected from its content when left out."),
    ] = None,
    dry_run: Annotated[
        bool, Form(description="Report what the import would do, and write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool,
        Form(
            description="Import the good rows and leave out the bad ones, each listed in the "
            "report's `invalid_rows` (row, column, message), rather than refuse the file."
        ),
    ] = False,
    convert: Annotated[
        bool,
        Form(
            description="Book every row in another currency in the group's, at the group's "
            "rate for the row's day (else the ECB reference rate), rounded per row; each "
            "keeps what the file says as its `conversion`."
        ),
    ] = False,
    member_map: Annotated[
        Json[dict[str, uuid.UUID]] | None,
        Form(
            description='JSON `{"name in the file": "member id"}` for people whose name '
            "differs between the apps; everyone else is matched by name (case-insensitive) "
            "or becomes a placeholder (admins only)."
        ),
    ] = None,
    currency: Annotated[
        CurrencyCode | None,
        Form(description="For files that do not say the currency (default: the group's)."),
    ] = None,
    bank_mapping: Annotated[
        Json[BankMappingIn] | None,
        Form(
            description="JSON: the column mapping of a bank's CSV (`BankMappingIn`); with it "
            "the format is `bank-csv`."
        ),
    ] = None,
) -> imports.ImportReport:
    """Import a file into the group: all of it or, with any bad row, none of it
    (`skip_invalid`: the good rows, and each bad one listed).

    Members and up import; only admins import files that bring new people (a member's dry
    run says so). Rows the group already has (by their import key) are skipped, so a
    re-upload adds nothing. Formats: Pennywise JSON/CSV, Splitwise CSV, ihatemoney
    JSON/CSV, Spliit JSON/CSV, and a bank's CSV with `bank_mapping`.
    """
    status = 200 if dry_run else 201
    form = {
        "format": format,
        "dry_run": dry_run,
        "skip_invalid": skip_invalid,
        "convert": convert,
        "member_map": member_map,
        "currency": currency,
        "bank_mapping": bank_mapping.model_dump(mode="json") if bank_mapping else None,
    }
    fingerprint = await _fingerprint(request, file, form) if idempotency_key else ""
    idem = await claim_idempotency_key(session, user, idempotency_key, fingerprint)
    options = imports.ImportOptions(
        member_map=member_map or {},
        currency=currency,
        bank=bank_mapping,
        convert=convert,
    )
    try:
        report = await imports.run(
            session,
            user,
            group_id,
            file.file,
            format=format,
            options=options,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
        )
    except ValidationError:
        metrics.count_refused_import(format)
        raise
    # Counted once the answer is sent, so after the commit: never for a rolled-back import.
    background.add_task(metrics.count_import, report)
    response.status_code = status
    return await idem.save(response, report, status_code=status)
