"""Checking a webhook delivery on the receiving end: :func:`verify_webhook`.

Pennywise signs deliveries per Standard Webhooks (standardwebhooks.com): ``webhook-id``
(the event's id, the same on every retry), ``webhook-timestamp`` (Unix seconds of the
attempt) and ``webhook-signature``, space-separated ``v1,<base64>`` signatures, each an
HMAC-SHA256 over ``{webhook-id}.{webhook-timestamp}.{body}`` keyed with the base64 after
``whsec_`` of one secret in use (two during a rotation). Standard library only, so a
receiver built on the SDK needs nothing more.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final

SECRET_PREFIX: Final = "whsec_"  # noqa: S105 (the prefix, not a secret)
TOLERANCE_SECONDS: Final = 5 * 60
"""How far ``webhook-timestamp`` may be from now, either way: an older request is a replay."""


class WebhookVerificationError(ValueError):
    """The request is not a delivery signed with the secret (or it is too old, or new)."""


def _key(secret: str) -> bytes:
    encoded = secret.strip().removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if not key:
        raise ValueError(
            "secret must be the webhook's whsec_… secret (from creating it or rotate_secret)"
        )
    return key


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"no {name} header: not a Pennywise webhook delivery")


def verify_webhook(
    secret: str | Sequence[str],
    body: bytes | str,
    headers: Mapping[str, str],
    *,
    tolerance: float = TOLERANCE_SECONDS,
    now: float | None = None,
) -> Any:
    """The delivery's JSON payload, once its signature is checked; else
    :class:`WebhookVerificationError`.

    ``secret``: the webhook's ``whsec_…`` secret, or several (the old and the new one while
    the receiver switches after a rotation). ``body``: the raw request body, exactly as
    received (before any JSON parsing: re-encoding changes the bytes). ``headers``: the
    request's headers, any mapping (names in any case). A timestamp more than
    ``tolerance`` seconds from ``now`` (default: the clock) is refused, so a captured
    request cannot be replayed later. De-duplicate by ``webhook-id``: a delivery may
    arrive more than once.

        payload = verify_webhook(SECRET, request.body, request.headers)
        if payload["type"] == "transaction.created": ...
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    if not secrets:
        raise ValueError("secret: give the webhook's whsec_… secret")
    keys = [_key(s) for s in secrets]
    payload = body.encode() if isinstance(body, str) else bytes(body)
    message_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature").split()
    try:
        timestamp = int(stamp.strip())
    except ValueError:
        raise WebhookVerificationError(f"webhook-timestamp {stamp[:30]!r} is not a time") from None
    offset = timestamp - (time.time() if now is None else now)
    if offset < -tolerance:
        raise WebhookVerificationError("the delivery is too old (webhook-timestamp)")
    if offset > tolerance:
        raise WebhookVerificationError("the delivery is from the future (webhook-timestamp)")
    signed = f"{message_id}.{timestamp}.".encode() + payload
    expected = [
        "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for key in keys
    ]
    if not any(
        hmac.compare_digest(want.encode(), given.encode())
        for want in expected
        for given in signatures
    ):
        raise WebhookVerificationError("no signature matches the secret: not from Pennywise")
    try:
        return json.loads(payload)
    except ValueError:
        raise WebhookVerificationError("the body is not JSON") from None
