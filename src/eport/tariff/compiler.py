"""Turn validated rows into the tariff model, with the checks that span files."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from eport.datamodel.codelists import hs_subheadings, is_country, is_currency
from eport.tariff import rows
from eport.tariff.model import (
    Agreement,
    DutyMeasure,
    Exemption,
    MeasureKind,
    Preference,
    Rate,
    Specific,
    TariffQuota,
    TradeRemedy,
    Validity,
)
from eport.tariff.nomenclature import Nomenclature, TariffLine
from eport.tariff.reader import DataReader
from eport.tariff.schedule import Schedule
from eport.tariff.taxes import TaxBase, TaxProfile, TaxRate


def _specific(amount: Decimal | None, unit: str | None, currency: str) -> Specific | None:
    return Specific(amount, unit or "", currency) if amount is not None else None


def rate_of(row: rows.RateRow, currency: str) -> Rate:
    return Rate(
        row.ad_valorem,
        _specific(row.specific, row.unit, currency),
        _specific(row.minimum, row.unit, currency),
        _specific(row.maximum, row.unit, currency),
    )


def _validity(row: rows.Row) -> Validity:
    return Validity(row.valid_from, row.valid_to)


def build_nomenclature(reader: DataReader) -> Nomenclature:
    lines: list[TariffLine] = []
    seen: dict[str, list[Validity]] = {}
    for line_no, row in reader.csv("nomenclature.csv", rows.LineRow):
        validity = Validity(row.valid_from, row.valid_to)
        if row.code[:6] not in hs_subheadings():
            reader.problem(
                "nomenclature.csv",
                line_no,
                "code",
                f"{row.code} does not extend an HS 2022 subheading ({row.code[:6]} unknown)",
            )
        if any(validity.overlaps(v) for v in seen.get(row.code, [])):
            reader.problem("nomenclature.csv", line_no, "code", f"{row.code} overlaps itself")
        seen.setdefault(row.code, []).append(validity)
        lines.append(TariffLine(row.code, row.description, row.unit, validity))
    return Nomenclature(lines)


def _known_code(reader: DataReader, file: str, line: int, code: str, n: Nomenclature) -> None:
    if len(code) >= 8 and not n.is_national_line(code):
        reader.problem(file, line, "hs_code", f"{code} is not a national line in nomenclature.csv")


def _no_overlap(reader: DataReader, file: str, entries: list[tuple[int, str, Validity]]) -> None:
    seen: dict[str, list[Validity]] = defaultdict(list)
    for line, key, validity in entries:
        if any(validity.overlaps(v) for v in seen[key]):
            reader.problem(file, line, "valid_from", f"{key} overlaps an earlier row")
        seen[key].append(validity)


def build_schedule(
    reader: DataReader, meta: rows.ScheduleMeta, nomenclature: Nomenclature
) -> Schedule:
    cur = meta.currency
    if not is_currency(cur) or not is_country(meta.country):
        reader.problem("schedule.json", None, "currency", "unknown country or currency")
    mfn_rows = reader.csv("mfn.csv", rows.MfnRow)
    for line, row in mfn_rows:
        _known_code(reader, "mfn.csv", line, row.hs_code, nomenclature)
    _no_overlap(reader, "mfn.csv", [(n, r.hs_code, _validity(r)) for n, r in mfn_rows])
    mfn = [DutyMeasure(r.measure_id, r.hs_code, rate_of(r, cur), _validity(r)) for _, r in mfn_rows]
    covered = {m.hs_prefix for m in mfn}
    for national in nomenclature.national_lines():
        if not any(national.code[:n] in covered for n in range(len(national.code) + 1)):
            reader.problem(
                "mfn.csv", None, "hs_code", f"national line {national.code} has no MFN duty"
            )

    agreements = [
        Agreement(r.agreement, r.name, r.members, _validity(r))
        for _, r in reader.csv("agreements.csv", rows.AgreementRow)
    ]
    members = {a.code: a.members for a in agreements}
    preferences = []
    for line, p in reader.csv("preferences.csv", rows.PreferenceRow):
        if p.agreement not in members:
            reader.problem("preferences.csv", line, "agreement", f"unknown agreement {p.agreement}")
        elif not p.origins <= members[p.agreement]:
            reader.problem(
                "preferences.csv", line, "origins", "origin not a member of the agreement"
            )
        _known_code(reader, "preferences.csv", line, p.hs_code, nomenclature)
        preferences.append(
            Preference(
                p.measure_id, p.agreement, p.hs_code, p.origins, rate_of(p, cur), _validity(p)
            )
        )
    remedies = []
    for line, r in reader.csv("remedies.csv", rows.RemedyRow):
        _known_code(reader, "remedies.csv", line, r.hs_code, nomenclature)
        remedies.append(
            TradeRemedy(
                r.measure_id,
                r.case,
                MeasureKind(r.kind),
                r.hs_code,
                r.origin,
                str(r.producer) if r.producer else None,
                rate_of(r, cur),
                _validity(r),
            )
        )
    quotas = []
    for line, q in reader.csv("quotas.csv", rows.QuotaRow):
        _known_code(reader, "quotas.csv", line, q.hs_code, nomenclature)
        rate_in = Rate(q.in_ad_valorem, _specific(q.in_specific, q.unit, cur))
        rate_out = Rate(q.out_ad_valorem, _specific(q.out_specific, q.unit, cur))
        if rate_out.ad_valorem is None and rate_out.specific is None:
            reader.problem("quotas.csv", line, "out_ad_valorem", "the out-of-quota rate is missing")
        quotas.append(
            TariffQuota(q.quota_id, q.hs_code, q.origins, q.unit, rate_in, rate_out, _validity(q))
        )
    exemptions = [
        Exemption(e.measure_id, e.procedure_code, e.duty, e.taxes, _validity(e))
        for _, e in reader.csv("exemptions.csv", rows.ExemptionRow)
    ]
    return Schedule(
        meta.country,
        cur,
        nomenclature,
        mfn=mfn,
        agreements=agreements,
        preferences=preferences,
        remedies=remedies,
        quotas=quotas,
        exemptions=exemptions,
        certificate_types=frozenset(meta.certificate_types),
    )


def _tax_rates(part: rows.TaxPart, currency: str) -> list[TaxRate]:
    return [
        TaxRate(r.measure_id, r.hs_code, rate_of(r, currency), _validity(r)) for r in part.rates
    ]


def build_tax_profile(reader: DataReader, country: str, item: rows.TaxProfileItem) -> TaxProfile:
    if not is_country(country) or not is_currency(item.currency):
        reader.problem("tax_profiles.json", None, country, "unknown country or currency")

    def base(b: rows.TaxBaseItem) -> TaxBase:
        return TaxBase(b.customs_value, b.duty, b.excise, b.inclusive)

    return TaxProfile(
        country,
        item.currency,
        base(item.vat.base),
        base(item.excise.base),
        _tax_rates(item.vat, item.currency),
        _tax_rates(item.excise, item.currency),
    )
