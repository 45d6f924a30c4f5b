"""Webhook rules that need no database: secrets, signatures, retry delays and which
addresses a delivery may go to.

**Signatures** follow the Standard Webhooks spec (standardwebhooks.com), so a receiver
verifies them with its libraries (``standardwebhooks.Webhook(secret).verify(body,
headers)``): the secret is ``whsec_`` and base64 of random bytes; each request carries
``webhook-id`` (the event's id: the same on every retry, so receivers de-duplicate by it),
``webhook-timestamp`` (Unix seconds of this attempt) and ``webhook-signature``, ``v1,`` and
base64 of HMAC-SHA256 over ``{id}.{timestamp}.{body}``; during a secret rotation, one
signature per secret, space-separated.

**Addresses.** A subscription names a URL; a delivery must not be a way into the server's
own network (SSRF). So a target's host is resolved and every address it resolves to must be
public (not private, loopback, link-local, multicast, reserved or unspecified), and the
request then goes to the address that was checked, not to a second lookup that could
answer otherwise. ``PENNYWISE_WEBHOOKS_ALLOW_PRIVATE=true`` lifts this (and allows plain
``http``) for development and for tests with a receiver on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
import socket
from collections.abc import Iterable
from typing import Final
from urllib.parse import SplitResult, urlsplit

SECRET_PREFIX: Final = "whsec_"  # noqa: S105 (the prefix, not a secret)
SECRET_BYTES: Final = 24
RESPONSE_BODY_LIMIT: Final = 500
"""How much of a receiver's answer the delivery log keeps, in characters."""


class TargetRefused(ValueError):
    """A URL, or an address it resolves to, that deliveries may not go to."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of ``body`` as sent under ``message_id`` at ``timestamp``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(
    secrets_in_use: Iterable[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The request headers of one attempt: signed with every secret in use."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            sign(secret, message_id, timestamp, body) for secret in secrets_in_use
        ),
    }


def retry_delay(attempts: int, *, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: ``base`` times 4 to the
    power of the failures before it, at most ``cap``, with "equal jitter" (a random half of
    it), so receivers that fail together are not all retried in the same second."""
    delay = min(cap, base * 4.0 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not a secret)


def check_url(url: str, *, allow_private: bool) -> SplitResult:
    """``url`` parsed, if a subscription may name it: ``https`` (``http`` too when private
    targets are allowed), a host, no credentials, and not a literal address or name of a
    private one. What the host resolves to is checked at each delivery
    (:func:`resolve_public`)."""
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise TargetRefused(
            "must be an https:// URL"
            + ("" if allow_private else " (plain http only with PENNYWISE_WEBHOOKS_ALLOW_PRIVATE)")
        )
    if not parts.hostname:
        raise TargetRefused("has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("must not carry a user name or password")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number in range)
    except ValueError:
        raise TargetRefused("has an invalid port") from None
    if not allow_private:
        host = parts.hostname.rstrip(".").lower()
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise TargetRefused(f"names a private host ({host})")
        try:
            check_address(host)
        except TargetRefused:
            raise
        except ValueError:
            pass  # a name, not an address: its addresses are checked when sending
    return parts


_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: mapped, 6to4, Teredo, NAT64 and the old
    IPv4-compatible form (Python calls some of these global though they reach the IPv4)."""
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def check_address(address: str) -> None:
    """Refuse an address deliveries may not reach; a ``ValueError`` if it is no address."""
    ip = ipaddress.ip_address(address)
    reached = [ip, *(_embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else [])]
    for each in reached:
        if not each.is_global or each.is_multicast:
            raise TargetRefused(f"resolves to a non-public address ({each})")


async def resolve_public(host: str, port: int, *, allow_private: bool) -> str:
    """The address to send to: the first of ``host``'s, after all of them were checked (an
    attacker's name that answers one public and one private address is refused)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except OSError as exc:
        raise TargetRefused(f"{host} does not resolve ({exc.strerror or exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise TargetRefused(f"{host} does not resolve")
    if not allow_private:
        for address in addresses:
            check_address(address)
    return addresses[0]
