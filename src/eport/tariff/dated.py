"""Effective-dated lookup of entries keyed by HS prefix (the longest prefix wins)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Generic, TypeVar

from eport.tariff.model import Validity

T = TypeVar("T")


class PrefixIndex(Generic[T]):
    """Entries by HS prefix ("" matches every code), each with a :class:`Validity`."""

    def __init__(
        self,
        entries: Iterable[T],
        prefix: Callable[[T], str],
        validity: Callable[[T], Validity],
    ) -> None:
        self._validity = validity
        self._by_prefix: dict[str, list[T]] = defaultdict(list)
        for entry in entries:
            self._by_prefix[prefix(entry)].append(entry)

    def entries(self) -> list[T]:
        return [e for group in self._by_prefix.values() for e in group]

    def matching(self, code: str, on: date) -> list[T]:
        """Every entry in force ``on`` whose prefix starts ``code``, longest prefix first."""
        out: list[T] = []
        for length in range(len(code), -1, -1):
            out.extend(
                e for e in self._by_prefix.get(code[:length], ()) if self._validity(e).covers(on)
            )
        return out

    def longest(self, code: str, on: date) -> list[T]:
        """The entries in force ``on`` under the longest matching prefix (may be empty)."""
        for length in range(len(code), -1, -1):
            found = [
                e for e in self._by_prefix.get(code[:length], ()) if self._validity(e).covers(on)
            ]
            if found:
                return found
        return []

    def first(self, code: str, on: date) -> T | None:
        found = self.longest(code, on)
        return found[0] if found else None

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_prefix.values())
