"""The formats by name."""

from __future__ import annotations

from pennywise_core.errors import ValidationError

from ._common import BaseParser
from .bank import BankCsvParser
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
        BankCsvParser,
    )
}
FORMATS: tuple[str, ...] = tuple(PARSERS)


def parser_class(name: str) -> type[BaseParser]:
    parser = PARSERS.get(name)
    if parser is None:
        raise ValidationError.at(
            "format", f"unknown import format {name!r}; one of {', '.join(FORMATS)}"
        )
    return parser
