"""Telling the format of a file from its first bytes."""

from __future__ import annotations

import csv
import io
import re

from pennywise_core.errors import ValidationError
from pennywise_core.vocabulary import IMPORT_FORMATS

from . import cospend, splitwise
from ._common import header_key

_PENNYWISE_JSON = re.compile(r'"format"\s*:\s*"pennywise"|"format_version"\s*:')
_HINT = (
    "give the format explicitly: "
    + ", ".join(f for f in IMPORT_FORMATS if f != "bank-csv")
    + ", or bank-csv with a column mapping"
)


def detect(head: bytes) -> str:
    """The import format of a file that starts with ``head`` (its first 64 KiB or so).

    Raises a :class:`ValidationError` that says what the file looked like when the format
    cannot be told (a bank CSV never can: it needs a column mapping anyway).
    """
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff").lstrip()
    if not text:
        raise ValidationError.at("file", "the file is empty")
    if text[0] in "{[":
        return _json(text)
    return _csv(text, complete=len(head) < (1 << 16))


def _json(text: str) -> str:
    if text[0] == "{":
        if _PENNYWISE_JSON.search(text):
            return "pennywise-json"
        if any(k in text for k in ('"expenses"', '"participants"', '"currencyCode"')):
            return "spliit-json"
        raise ValidationError.at(
            "format", f"a JSON object that is neither a Pennywise nor a Spliit export; {_HINT}"
        )
    if '"payer_name"' in text or '"owers"' in text or re.fullmatch(r"\[\s*\]\s*", text):
        return "ihatemoney-json"
    if '"receiver"' in text and '"ower"' in text:
        raise ValidationError.at(
            "format",
            "this is an ihatemoney settle plan, not its bills; export the bills (JSON or CSV)",
        )
    raise ValidationError.at("format", f"a JSON list that is not ihatemoney bills; {_HINT}")


def _csv(text: str, *, complete: bool) -> str:
    if not complete and "\n" in text:
        text = text[: text.rindex("\n")]
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)][:5]
    except csv.Error:
        rows = []
    if not rows:
        raise ValidationError.at("format", f"the file is neither JSON nor CSV; {_HINT}")
    header = [header_key(c.lstrip("'")) for c in rows[0]]
    names = set(header)
    if {"date", "description", "amount", "paid_by", "split"} <= names:
        return "pennywise-csv"
    if cospend.sniff(rows):  # before ihatemoney: older Cospend bills have its columns
        return "cospend-csv"
    if {"what", "amount", "date", "payer_name", "owers"} <= names:
        return "ihatemoney-csv"
    if {"is reimbursement", "split mode"} <= names:
        return "spliit-csv"
    if splitwise.sniff(rows):  # a friend export's note line comes before its header
        return "splitwise-csv"
    shown = ",".join(rows[0])[:120]
    raise ValidationError.at(
        "format", f"cannot tell the format of this CSV (its header is {shown!r}); {_HINT}"
    )
