"""Errors of the tariff context.

EPortError
├── ValidationFailed
│   ├── TariffDataInvalid       a data file failed validation; ``problems`` give file,
│   │                           line and column of each bad value
│   ├── TariffLineUnknown       no duty measure for an item's code on the date
│   └── QuantityUnavailable     a specific rate needs a unit the item cannot be counted in
└── NotFound
    └── ExchangeRateMissing     no customs exchange rate for the currency on the date
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eport.kernel.errors import FieldError, NotFound, ValidationFailed


@dataclass(frozen=True, slots=True)
class DataProblem:
    """One bad value in a data file. ``line`` is 1-based (a CSV header is line 1)."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        return f"{where}{', column ' + self.column if self.column else ''}: {self.message}"


class TariffDataInvalid(ValidationFailed):
    code = "tariff.data_invalid"

    def __init__(self, problems: list[DataProblem]) -> None:
        super().__init__(
            [
                FieldError(f"/{p.file}/{p.line or 0}/{p.column or ''}", self.code, p.message)
                for p in problems
            ],
            "Tariff data is not valid:\n" + "\n".join(str(p) for p in problems[:50]),
        )
        self.problems = problems


class _ItemError(ValidationFailed):
    """An error about one goods item, reported on ``/goodsItems`` with its sequence."""

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__([FieldError("/goodsItems", self.code, message)], message)
        self.fields = fields


class TariffLineUnknown(_ItemError):
    code = "tariff.line_unknown"


class QuantityUnavailable(_ItemError):
    code = "tariff.quantity_unit"


class ExchangeRateMissing(NotFound):
    code = "tariff.exchange_rate_missing"
