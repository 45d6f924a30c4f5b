"""``pw.exports``: a group downloaded, streamed to a file.

The one method that does not run a generated function: ``exports_download.sync_detailed``
reads the whole body into memory and parses it, and an export can be large. So the request
is written here, the path and the query of ``GET /api/v1/groups/{group_id}/export`` as
``openapi.json`` declares them, and the client streams the answer to disk through its
retrying httpx client. ``tests/client/test_client_download_request.py`` checks that it is
the request the generated endpoint would send, for every format, so a change of the API
shows up there as a failing test.
"""

from __future__ import annotations

from pennywise_client._files import Destination, Download
from pennywise_client._generated.models.exports_download_format import ExportsDownloadFormat
from pennywise_client._resource import (
    Id,
    _async_download,
    _AsyncResource,
    _id,
    _Resource,
    _sync_download,
)

ExportFormat = ExportsDownloadFormat


class ExportCalls:
    @staticmethod
    def download(
        group_id: Id, *, to: Destination, format: ExportFormat = "pennywise-json"
    ) -> Download:
        """Download the group to ``to`` (a path, or a binary file), streamed.

        ``format``: ``pennywise-json`` (lossless: import it back with
        ``imports.run``), ``pennywise-csv`` or ``splitwise-csv``. A path is written whole
        or not at all (a temporary file beside it is renamed at the end).
        """
        return Download(
            path=f"/api/v1/groups/{_id(group_id)}/export", params={"format": format}, to=to
        )


class Exports(_Resource):
    download = _sync_download(ExportCalls.download)


class AsyncExports(_AsyncResource):
    download = _async_download(ExportCalls.download)
