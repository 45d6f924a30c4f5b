"""``POST /auth/google`` offline: ID tokens signed with a local RSA key, its certificate
served through a fake transport that replaces the app's ``google_certs_transport``
dependency. google-auth does the real verification; nothing reaches the network.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from apitools import API, assert_problem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from google.auth import crypt as google_crypt
from google.auth import jwt as google_jwt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.deps import google_certs_transport
from pennywise_core.db import session_factory
from pennywise_core.models import User

CLIENT_ID = "pennywise-web.apps.googleusercontent.com"
KEY_ID = "offline-key-1"
CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"


@dataclass
class FakeResponse:
    status: int
    data: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class FakeGoogle:
    """A google-auth transport serving ``{kid: certificate PEM}`` at Google's certs URL."""

    certs: dict[str, str]
    requests: list[str] = field(default_factory=list)

    def __call__(self, url: str, method: str = "GET", **kwargs: Any) -> FakeResponse:
        self.requests.append(url)
        if url != CERTS_URL:
            return FakeResponse(404, b"")
        return FakeResponse(200, json.dumps(self.certs).encode())


@dataclass(frozen=True)
class SigningKey:
    signer: google_crypt.RSASigner
    cert_pem: str


@pytest.fixture(scope="module")
def google_key() -> SigningKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "offline google")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return SigningKey(
        signer=google_crypt.RSASigner.from_string(private_pem, key_id=KEY_ID),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


@pytest.fixture
def google(app: FastAPI, google_key: SigningKey) -> Iterator[FakeGoogle]:
    """The app, configured for one Google client id, fetching certificates from the fake."""
    fake = FakeGoogle({KEY_ID: google_key.cert_pem})
    app.dependency_overrides[google_certs_transport] = lambda: fake
    # The settings the app was built with are what its services read (SettingsMiddleware).
    app.state.settings.google_client_ids = [CLIENT_ID]
    yield fake
    app.dependency_overrides.clear()


def id_token(key: SigningKey, **changes: Any) -> str:
    """A Google ID token for a new identity; ``exp``/``iat`` in ``changes`` are relative."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "https://accounts.google.com",
        "aud": CLIENT_ID,
        "azp": CLIENT_ID,
        "sub": str(10**20 + secrets.randbelow(10**20)),
        "email": f"gina-{secrets.token_hex(4)}@example.org",
        "email_verified": True,
        "name": "Gina Google",
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(changes)
    for claim in ("iat", "exp"):
        if claim in changes:
            claims[claim] = now + changes[claim]
    return google_jwt.encode(key.signer, claims).decode()


async def users_with_email(engine: AsyncEngine, email: str) -> int:
    async with session_factory(engine)() as session:
        count = await session.scalar(
            select(func.count()).select_from(User).where(User.email_normalized == email.lower())
        )
    return int(count or 0)


async def test_a_valid_id_token_signs_in(
    client: httpx.AsyncClient, google: FakeGoogle, google_key: SigningKey
) -> None:
    token = id_token(google_key, email="Gina.Offline@example.org", sub="4242424242")
    response = await client.post(f"{API}/auth/google", json={"id_token": token})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    pair = response.json()
    assert pair["token_type"] == "bearer"
    assert pair["refresh_token"].startswith("pwr_")
    me = await client.get(
        f"{API}/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["email"] == "Gina.Offline@example.org"
    assert me.json()["display_name"] == "Gina Google"
    assert google.requests == [CERTS_URL]
    # Signing in again finds the same account.
    again = await client.post(f"{API}/auth/google", json={"id_token": token})
    assert again.status_code == 200
    me_again = await client.get(
        f"{API}/users/me", headers={"Authorization": f"Bearer {again.json()['access_token']}"}
    )
    assert me_again.json()["id"] == me.json()["id"]


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        pytest.param(
            {"aud": "someone-elses.apps.googleusercontent.com"},
            "invalid Google ID token",
            id="wrong audience",
        ),
        pytest.param(
            {"iss": "https://accounts.evil.example.com"},
            "invalid Google ID token",
            id="wrong issuer",
        ),
        pytest.param({"iat": -7200, "exp": -3600}, "invalid Google ID token", id="expired"),
        pytest.param({"email_verified": False}, "not verified", id="email not verified"),
    ],
)
async def test_refused(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    google: FakeGoogle,
    google_key: SigningKey,
    changes: dict[str, Any],
    detail: str,
) -> None:
    email = f"mallory-{secrets.token_hex(4)}@example.org"
    token = id_token(google_key, email=email, **changes)
    response = await client.post(f"{API}/auth/google", json={"id_token": token})
    body = assert_problem(response, 401)
    assert body["type"].endswith("/authentication-failed")
    assert detail in body["detail"]
    assert response.headers["www-authenticate"] == "Bearer"
    assert "access_token" not in response.text
    assert await users_with_email(engine, email) == 0


async def test_signed_by_another_key(
    client: httpx.AsyncClient, google: FakeGoogle, google_key: SigningKey
) -> None:
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = impostor.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    forged = SigningKey(
        signer=google_crypt.RSASigner.from_string(pem, key_id=KEY_ID),
        cert_pem=google_key.cert_pem,
    )
    response = await client.post(f"{API}/auth/google", json={"id_token": id_token(forged)})
    assert_problem(response, 401)


async def test_an_id_token_is_not_a_bearer_token(
    client: httpx.AsyncClient, google: FakeGoogle, google_key: SigningKey
) -> None:
    response = await client.get(
        f"{API}/users/me", headers={"Authorization": f"Bearer {id_token(google_key)}"}
    )
    assert_problem(response, 401)


async def test_not_configured_is_401_without_fetching(
    app: FastAPI, client: httpx.AsyncClient, google_key: SigningKey
) -> None:
    fake = FakeGoogle({KEY_ID: google_key.cert_pem})
    app.dependency_overrides[google_certs_transport] = lambda: fake
    assert app.state.settings.google_client_ids == []
    response = await client.post(f"{API}/auth/google", json={"id_token": id_token(google_key)})
    body = assert_problem(response, 401)
    assert "not configured" in body["detail"]
    assert fake.requests == []
