"""Load and validate the tariff data files (formats in docs/tariff.md).

Every problem is collected with its file, line and column and raised together as one
:class:`~eport.tariff.errors.TariffDataInvalid`; nothing half-loaded is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from eport.tariff import rows
from eport.tariff.compiler import build_nomenclature, build_schedule, build_tax_profile
from eport.tariff.errors import TariffDataInvalid
from eport.tariff.exchange import ExchangeRate
from eport.tariff.reader import DataReader
from eport.tariff.schedule import Schedule
from eport.tariff.taxes import TaxProfile


@dataclass(frozen=True)
class TariffData:
    """Everything an assessment needs that comes from data files."""

    schedule: Schedule
    tax_profiles: Mapping[str, TaxProfile]
    published_rates: tuple[ExchangeRate, ...]


def default_directory() -> Traversable:
    return files("eport.tariff") / "data"


def load_tariff(directory: Traversable | Path | None = None) -> TariffData:
    """Load every data file from ``directory`` (default: the shipped demo data)."""
    reader = DataReader(directory if directory is not None else default_directory())
    meta = reader.json("schedule.json", rows.ScheduleMeta)
    nomenclature = build_nomenclature(reader)
    schedule = build_schedule(reader, meta, nomenclature) if meta else None
    profiles = {
        country: build_tax_profile(reader, country, item)
        for country, item in reader.json_map("tax_profiles.json", rows.TaxProfileItem).items()
    }
    published = tuple(
        ExchangeRate(r.currency, r.rate, r.valid_from, r.valid_to, r.source)
        for _, r in reader.csv("exchange_rates.csv", rows.PublishedRateRow)
    )
    if reader.problems or schedule is None:
        raise TariffDataInvalid(reader.problems)
    return TariffData(schedule, profiles, published)
