"""``exports.download`` asks for what the generated endpoint would, and streams the answer.

The download is the one SDK method that does not run a generated function (it would read
and parse the whole export): ``pennywise_client/resources/exports.py`` writes the path and
the query itself. These tests send the generated ``exports_download.sync_detailed`` and
the SDK's download through recording transports and compare the two requests, for every
format the API declares and for the default, so a change of the endpoint in
``openapi.json`` (regenerated) fails here instead of drifting silently.
"""

from __future__ import annotations

import io
import typing
import uuid
from pathlib import Path

import httpx
import pytest

from pennywise_client import AsyncPennywise, Downloaded, Pennywise
from pennywise_client._generated.api.exports import exports_download
from pennywise_client._generated.client import AuthenticatedClient
from pennywise_client._generated.models.exports_download_format import ExportsDownloadFormat

BASE = "http://pennywise.test"
FORMATS: list[ExportsDownloadFormat | None] = [*typing.get_args(ExportsDownloadFormat), None]
"""Every format of the API's enum, and None: the argument left out (each side's default)."""
BODY = b'{"format": "pennywise", "version": 1}\n'


def recorder(requests: list[httpx.Request], body: bytes = BODY) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(
            200,
            content=body,
            headers={
                "Content-Type": "application/json",
                "Content-Disposition": 'attachment; filename="trip.json"',
            },
        )

    return httpx.MockTransport(handler)


def what_the_generated_endpoint_sends(
    group_id: uuid.UUID, format: ExportsDownloadFormat | None
) -> httpx.Request:
    requests: list[httpx.Request] = []
    api = AuthenticatedClient(base_url=BASE, token="t", raise_on_unexpected_status=True)
    api.set_httpx_client(httpx.Client(base_url=BASE, transport=recorder(requests)))
    with api:
        if format is None:
            exports_download.sync_detailed(group_id, client=api)
        else:
            exports_download.sync_detailed(group_id, client=api, format_=format)
    [request] = requests
    return request


def line(request: httpx.Request) -> tuple[str, str]:
    """The request line: the method and the whole URL (path and query)."""
    return request.method, str(request.url)


@pytest.mark.parametrize("format", FORMATS)
def test_the_sync_download_asks_what_the_generated_endpoint_would(
    format: ExportsDownloadFormat | None,
):
    group_id = uuid.uuid4()
    requests: list[httpx.Request] = []
    out = io.BytesIO()
    with Pennywise(BASE, "t", transport=recorder(requests)) as pw:
        if format is None:
            pw.exports.download(str(group_id), to=out)
        else:
            pw.exports.download(str(group_id), to=out, format=format)
    [request] = requests
    assert line(request) == line(what_the_generated_endpoint_sends(group_id, format))
    assert out.getvalue() == BODY


@pytest.mark.parametrize("format", FORMATS)
async def test_the_async_download_asks_the_same(format: ExportsDownloadFormat | None):
    group_id = uuid.uuid4()
    requests: list[httpx.Request] = []
    out = io.BytesIO()
    async with AsyncPennywise(BASE, "t", transport=recorder(requests)) as pw:
        if format is None:
            await pw.exports.download(group_id, to=out)
        else:
            await pw.exports.download(group_id, to=out, format=format)
    [request] = requests
    assert line(request) == line(what_the_generated_endpoint_sends(group_id, format))
    assert out.getvalue() == BODY


def test_a_download_to_a_path_reports_what_it_wrote(tmp_path: Path):
    requests: list[httpx.Request] = []
    target = tmp_path / "trip.json"
    with Pennywise(BASE, "t", transport=recorder(requests)) as pw:
        result = pw.exports.download(uuid.uuid4(), to=target)
    assert result == Downloaded(
        size=len(BODY), media_type="application/json", filename="trip.json", path=target
    )
    assert target.read_bytes() == BODY
    assert [p.name for p in tmp_path.iterdir()] == ["trip.json"]


def test_no_private_helper_of_the_generated_code_is_used():
    """The SDK calls the generated code through its public functions and models only."""
    package = Path(__file__).resolve().parents[2] / "pennywise_client"
    generated = package / "_generated"
    users = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if generated not in path.parents and "_get_kwargs" in path.read_text("utf-8")
    ]
    assert users == []
