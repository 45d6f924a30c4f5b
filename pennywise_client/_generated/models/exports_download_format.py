from typing import Literal

ExportsDownloadFormat = Literal["pennywise-csv", "pennywise-json", "splitwise-csv"]

EXPORTS_DOWNLOAD_FORMAT_VALUES: set[ExportsDownloadFormat] = {
    "pennywise-csv",
    "pennywise-json",
    "splitwise-csv",
}


def check_exports_download_format(value: str) -> ExportsDownloadFormat:
    if value in EXPORTS_DOWNLOAD_FORMAT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EXPORTS_DOWNLOAD_FORMAT_VALUES!r}"
    )
