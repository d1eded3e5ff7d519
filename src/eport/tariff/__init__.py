"""Tariff: pure, data-driven duty and tax assessment. No database, no web.

Typical use (the integrator wires the ports)::

    data = load_tariff()                                  # shipped demo data, validated
    rates = ecb_rate_book("CNY", date(2024, 1, 1), date(2026, 10, 31)).publish(
        data.published_rates
    )
    result = assess(declaration, data.schedule, rates, data.tax_profiles["CN"], on,
                    Ports(certificates=registry, quotas=balances))
    for qd in result.quota_draws: ...                     # consume atomically, later

See docs/tariff.md for the rules, the data file formats and worked examples.
"""

from eport.tariff.assess import Ports, assess
from eport.tariff.ecb import ecb_monthly_rates, ecb_rate_book
from eport.tariff.errors import (
    DataProblem,
    ExchangeRateMissing,
    QuantityUnavailable,
    TariffDataInvalid,
    TariffLineUnknown,
)
from eport.tariff.exchange import ExchangeRate, RateBook
from eport.tariff.loader import TariffData, default_directory, load_tariff
from eport.tariff.measures import draw, evaluate, quantity_in
from eport.tariff.memory import InMemoryCertificateRegistry, InMemoryQuotaBalances, KnownCertificate
from eport.tariff.model import (
    Assessment,
    AssessmentLine,
    ItemValue,
    MeasureKind,
    PreferenceDecision,
    QuotaDraw,
    Rate,
    RefusalReason,
    Specific,
    Validity,
)
from eport.tariff.money import Money, round_minor
from eport.tariff.nomenclature import Entry, Nomenclature, TariffLine
from eport.tariff.ports import CertificateOfOriginRegistry, ExchangeRates, QuotaBalances
from eport.tariff.schedule import Schedule
from eport.tariff.serialize import assessment_dict
from eport.tariff.taxes import TaxBase, TaxProfile, TaxRate
from eport.tariff.valuation import ADDITIONS, customs_values

__all__ = [
    "ADDITIONS",
    "Assessment",
    "AssessmentLine",
    "CertificateOfOriginRegistry",
    "DataProblem",
    "Entry",
    "ExchangeRate",
    "ExchangeRateMissing",
    "ExchangeRates",
    "InMemoryCertificateRegistry",
    "InMemoryQuotaBalances",
    "ItemValue",
    "KnownCertificate",
    "MeasureKind",
    "Money",
    "Nomenclature",
    "Ports",
    "PreferenceDecision",
    "QuantityUnavailable",
    "QuotaBalances",
    "QuotaDraw",
    "Rate",
    "RateBook",
    "RefusalReason",
    "Schedule",
    "Specific",
    "TariffData",
    "TariffDataInvalid",
    "TariffLine",
    "TariffLineUnknown",
    "TaxBase",
    "TaxProfile",
    "TaxRate",
    "Validity",
    "assess",
    "assessment_dict",
    "customs_values",
    "default_directory",
    "draw",
    "ecb_monthly_rates",
    "ecb_rate_book",
    "evaluate",
    "load_tariff",
    "quantity_in",
    "round_minor",
]
