"""A currency as other apps' files name it: an ISO code, or a symbol typed by a user.

Spliit keeps a group's currency as the symbol people typed (``"€"``; newer exports add
``currencyCode``), Cospend as a free-text name (``"EUR"``, ``"€"``, ``"Euro"``). A symbol
that names one currency only is read as that currency; anything else (``"$"``, ``"kr"``,
``"¥"``) is the caller's currency (``ImportOptions.currency``) or the group's, with a
warning that says so.
"""

from __future__ import annotations

from collections.abc import Callable

from pennywise_core.errors import ValidationError
from pennywise_core.money import Currency, get_currency

NO_CURRENCY = "XXX"
"""ISO 4217's "no currency" (ihatemoney's projects without one): never a currency of its
own; amounts in it are the group's currency."""

SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "₴": "UAH",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "฿": "THB",
    "₦": "NGN",
    "₲": "PYG",
    "₸": "KZT",
    "₾": "GEL",
    "zł": "PLN",
    "kč": "CZK",
    "ft": "HUF",
    "lei": "RON",
    "us$": "USD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "mx$": "MXN",
    "r$": "BRL",
    "euro": "EUR",
    "euros": "EUR",
}
"""Symbols (and a few names) that mean one currency only, case-folded."""


def iso_code(text: object) -> str | None:
    """The ISO code ``text`` is (in any case; never ``XXX``), or None."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    if not value or value.upper() == NO_CURRENCY:
        return None
    for candidate in dict.fromkeys((value, value.upper())):
        try:
            return get_currency(candidate).code
        except ValidationError:
            pass
    return None


def symbol_code(text: object) -> str | None:
    """The ISO code of a symbol that means one currency only (``"€"``), or None."""
    return SYMBOLS.get(text.strip().casefold()) if isinstance(text, str) else None


def named(
    texts: tuple[object, ...],
    *,
    override: str | None,
    fallback: str,
    warn: Callable[[str], None],
    source: str,
) -> Currency:
    """The currency the file names in ``texts`` (``source`` says where, for warnings).

    An ISO code among ``texts`` wins; then ``override`` (the caller's currency, for files
    that give only a symbol); then an unambiguous symbol (with a warning saying how it was
    read); else ``fallback`` (the group's), with a warning.
    """
    for text in texts:
        code = iso_code(text)
        if code is not None:
            return get_currency(code)
    if override:
        return get_currency(override)
    given = next((t for t in texts if isinstance(t, str) and t.strip()), None)
    for text in texts:
        code = symbol_code(text)
        if code is not None:
            warn(f"the file gives {source} as {text!r}, not an ISO code; read as {code}")
            return get_currency(code)
    warn(
        f"the file gives {source} as {given!r}, which names no single currency; amounts are "
        f"taken as {fallback} (give the currency to choose another)"
        if given is not None
        else f"the file does not give {source}; amounts are taken as {fallback}"
    )
    return get_currency(fallback)


__all__ = ["NO_CURRENCY", "SYMBOLS", "iso_code", "named", "symbol_code"]
