"""A national tariff schedule compiled in memory: which measures apply to a code on a date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from eport.tariff.dated import PrefixIndex
from eport.tariff.errors import TariffLineUnknown
from eport.tariff.measures import same_producer
from eport.tariff.model import (
    Agreement,
    DutyMeasure,
    Exemption,
    Preference,
    TariffQuota,
    TradeRemedy,
    Validity,
)
from eport.tariff.nomenclature import Nomenclature

CERTIFICATE_OF_ORIGIN_TYPES = frozenset({"861", "865"})


class Schedule:
    """All duty measures of one country, indexed once. Specific amounts are in ``currency``."""

    def __init__(
        self,
        country: str,
        currency: str,
        nomenclature: Nomenclature,
        *,
        mfn: Iterable[DutyMeasure] = (),
        agreements: Iterable[Agreement] = (),
        preferences: Iterable[Preference] = (),
        remedies: Iterable[TradeRemedy] = (),
        quotas: Iterable[TariffQuota] = (),
        exemptions: Iterable[Exemption] = (),
        certificate_types: frozenset[str] = CERTIFICATE_OF_ORIGIN_TYPES,
    ) -> None:
        self.country = country
        self.currency = currency
        self.nomenclature = nomenclature
        self.certificate_types = certificate_types
        self.agreements: Mapping[str, Agreement] = {a.code: a for a in agreements}
        self.exemptions = tuple(exemptions)
        self._mfn = PrefixIndex(mfn, _prefix, _validity)
        self._preferences = PrefixIndex(preferences, _prefix, _validity)
        self._remedies = PrefixIndex(remedies, _prefix, _validity)
        self._quotas = PrefixIndex(quotas, _prefix, _validity)

    def quotas(self) -> list[TariffQuota]:
        """Every tariff-rate quota of the schedule."""
        return self._quotas.entries()

    def mfn_measure(self, code: str, on: date, item: int = 0) -> DutyMeasure:
        found = self._mfn.first(code, on)
        if found is None:
            raise TariffLineUnknown(
                f"Goods item {item}: no duty measure for {code} on {on.isoformat()}; "
                "declare the national tariff line.",
                item=item,
                hs_code=code,
            )
        return found

    def preferences_for(self, code: str, origin: str, on: date) -> list[Preference]:
        """One preference per agreement in force for goods of ``origin`` (longest prefix)."""
        out: dict[str, Preference] = {}
        for p in self._preferences.matching(code, on):
            agreement = self.agreements.get(p.agreement)
            if (
                agreement is not None
                and agreement.validity.covers(on)
                and origin in agreement.members
                and (not p.origins or origin in p.origins)
            ):
                out.setdefault(p.agreement, p)
        return sorted(out.values(), key=lambda p: p.agreement)

    def remedies_for(
        self, code: str, origin: str, manufacturer: str | None, on: date
    ) -> list[TradeRemedy]:
        """Per case: the producer-specific rate when the manufacturer matches, else the
        all-others rate."""
        by_case: dict[str, list[TradeRemedy]] = {}
        for r in self._remedies.matching(code, on):
            if r.origin == origin:
                by_case.setdefault(r.case, []).append(r)
        out = []
        for case in sorted(by_case):
            remedies = by_case[case]
            specific = [
                r for r in remedies if r.producer and same_producer(manufacturer, r.producer)
            ]
            others = [r for r in remedies if r.producer is None]
            out.extend((specific or others)[:1])
        return out

    def quota_for(self, code: str, origin: str, on: date) -> TariffQuota | None:
        for q in self._quotas.matching(code, on):
            if not q.origins or origin in q.origins:
                return q
        return None

    def exemption_for(self, procedure_code: str, on: date) -> Exemption | None:
        for e in self.exemptions:
            if e.procedure_code == procedure_code and e.validity.covers(on):
                return e
        return None

    def measure_counts(self) -> dict[str, int]:
        return {
            "mfn": len(self._mfn),
            "preferences": len(self._preferences),
            "remedies": len(self._remedies),
            "quotas": len(self._quotas),
            "exemptions": len(self.exemptions),
        }


def _prefix(entry: DutyMeasure | Preference | TradeRemedy | TariffQuota) -> str:
    return entry.hs_prefix


def _validity(entry: DutyMeasure | Preference | TradeRemedy | TariffQuota) -> Validity:
    return entry.validity
