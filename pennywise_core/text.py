"""Clean text: the one rule for what text Pennywise takes, and how it shows text it did not.

Every text a person or a file gives Pennywise (a group, member or display name, a
description, a category, notes, an API token's name, a sign-in name, a search term) is
refused when it holds a *control character*: NUL and the other C0 controls (U+0000 to
U+001F), DEL (U+007F) and the C1 controls (U+0080 to U+009F). They are never part of a
name or a sentence; they are what breaks storage (PostgreSQL cannot store NUL, so a SQLite
export holding one could never be imported there) and what a terminal runs instead of
showing (``ESC [ 2 J`` clears the screen). A text that is one line (names, descriptions,
categories) also takes no tab or line break (U+2028 and U+2029 included); a text of several
lines (notes) takes tab, line feed and carriage return. A lone surrogate (``"\\ud800"``, which
JSON can spell but UTF-8 cannot encode) is refused everywhere.

Text stored before this rule (or written by another program into the database) is shown
escaped: :func:`escape` writes each such character as ``\\n``, ``\\xNN`` or ``\\uNNNN``, as
Python does, for terminals and CSV files.

The schemas (:mod:`pennywise_core.schemas`) apply :func:`check` to every text field and
state the rule in the JSON Schema as :data:`LINE_PATTERN` / :data:`LINES_PATTERN`; the
importers apply it to every cell they keep.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["LINES_PATTERN", "LINE_PATTERN", "check", "escape", "one_line", "problem"]

_CONTROLS: Final = "\\u0000-\\u001f\\u007f-\\u009f"
_LINE_BREAKS: Final = "\\u2028\\u2029"

LINE_PATTERN: Final = f"^[^{_CONTROLS}{_LINE_BREAKS}]*$"
"""One line of text, as a JSON Schema (ECMA-262) pattern: no control character, no tab, no
line break. Lone surrogates are refused too, but a pattern cannot say so portably."""
LINES_PATTERN: Final = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
"""Several lines of text: tab, line feed and carriage return allowed; no other control."""

_NOT_IN_LINE: Final = re.compile(f"[{_CONTROLS}{_LINE_BREAKS}\\ud800-\\udfff]")
_NOT_IN_LINES: Final = re.compile(
    "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ud800-\\udfff]"
)
_SHOWN_ESCAPED: Final = _NOT_IN_LINE
"""What :func:`escape` rewrites: everything a one-line text may not hold."""

_NAMES: Final = {
    "\x00": "NUL",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a carriage return",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}


_SHORT: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def problem(value: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``value`` as text, or None when it is clean.

    ``multiline``: the text may hold tabs and line breaks (notes).
    """
    found = (_NOT_IN_LINES if multiline else _NOT_IN_LINE).search(value)
    if found is None:
        return None
    char = found.group()
    where = f"{_code(char)} at character {found.start() + 1}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"must be valid Unicode text: a lone surrogate ({where})"
    name = _NAMES.get(char)
    what = f"{name}, {where}" if name else where
    if not multiline and (char in "\t\n\r" or char in _LINE_BREAKS):
        return f"must be one line without tabs or control characters (found {what})"
    return f"must not contain control characters (found {what})"


def check(value: str, *, multiline: bool = False) -> str:
    """``value`` when it is clean text; else :class:`ValueError` saying what is wrong."""
    reason = problem(value, multiline=multiline)
    if reason is not None:
        raise ValueError(reason)
    return value


def one_line(value: str) -> str:
    """``value`` made clean one-line text: every character :func:`check` refuses in a line
    becomes a space, then runs of spaces become one and the ends are trimmed.

    For text Pennywise must take but nobody can be asked to correct, such as the name a
    Google account sends; text a person or a file gives is refused instead (:func:`check`).
    """
    return " ".join(_NOT_IN_LINE.sub(" ", value).split())


def escape(value: str, *, keep: str = "") -> str:
    """``value`` with every control character (tab and line breaks included) written as an
    escape: ``"\\x1b[2J"`` becomes the six visible characters ``\\x1b[2J``.

    ``keep``: characters to leave as they are, e.g. ``"\\n"`` for a table cell of several
    lines, or ``"\\t\\n\\r"`` for a CSV cell (CSV quotes them).
    """
    if _SHOWN_ESCAPED.search(value) is None:
        return value

    def escaped(found: re.Match[str]) -> str:
        char = found.group()
        if char in keep:
            return char
        short = _SHORT.get(char)
        if short is not None:
            return short
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _SHOWN_ESCAPED.sub(escaped, value)
