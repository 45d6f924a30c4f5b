"""The formats by name."""

from __future__ import annotations

from pennywise_core.errors import ValidationError
from pennywise_core.vocabulary import IMPORT_FORMATS

from ._common import BaseParser
from .bank import BankCsvParser
from .cospend import CospendCsvParser
from .ihatemoney import IhatemoneyCsvParser, IhatemoneyJsonParser
from .pennywise import PennywiseCsvParser, PennywiseJsonParser
from .spliit import SpliitCsvParser, SpliitJsonParser
from .splitwise import SplitwiseCsvParser

PARSERS: dict[str, type[BaseParser]] = {
    parser.format: parser
    for parser in (
        PennywiseJsonParser,
        PennywiseCsvParser,
        SplitwiseCsvParser,
        IhatemoneyJsonParser,
        IhatemoneyCsvParser,
        SpliitJsonParser,
        SpliitCsvParser,
        CospendCsvParser,
        BankCsvParser,
    )
}
FORMATS: tuple[str, ...] = IMPORT_FORMATS
"""The names, in :mod:`pennywise_core.vocabulary`'s order (a test keeps them the parsers')."""


def parser_class(name: str) -> type[BaseParser]:
    parser = PARSERS.get(name)
    if parser is None:
        raise ValidationError.at(
            "format", f"unknown import format {name!r}; one of {', '.join(FORMATS)}"
        )
    return parser
