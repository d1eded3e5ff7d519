"""Generate the DEMO national tariff under src/eport/tariff/data/ (run from the repo root).

The rates are realistic in shape and order of magnitude (modelled loosely on China's 2024
schedule) but they are demo data, not legal rates. Re-running rewrites the CSV files; the JSON
files (schedule.json, tax_profiles.json) are maintained by hand.
"""

from __future__ import annotations

import csv
from pathlib import Path

from eport.datamodel.codelists import hs_descriptions, hs_subheadings

OUT = Path("src/eport/tariff/data")
START = "2024-01-01"
ASEAN = "BN KH ID LA MY MM PH SG TH VN"

# heading -> (MFN ad valorem %, supplementary unit)
HEADINGS: dict[str, tuple[str, str]] = {
    "0102": ("10", "H87"),
    "0201": ("20", "KGM"),
    "0202": ("12", "KGM"),
    "0203": ("12", "KGM"),
    "0207": ("20", "KGM"),
    "0302": ("10", "KGM"),
    "0303": ("10", "KGM"),
    "0306": ("5", "KGM"),
    "0401": ("15", "KGM"),
    "0402": ("10", "KGM"),
    "0406": ("12", "KGM"),
    "0701": ("13", "KGM"),
    "0709": ("13", "KGM"),
    "0805": ("11", "KGM"),
    "0810": ("20", "KGM"),
    "0901": ("8", "KGM"),
    "0902": ("15", "KGM"),
    "1001": ("65", "KGM"),
    "1005": ("65", "KGM"),
    "1006": ("65", "KGM"),
    "1101": ("65", "KGM"),
    "1201": ("3", "KGM"),
    "1507": ("9", "KGM"),
    "1511": ("9", "KGM"),
    "1601": ("15", "KGM"),
    "1701": ("50", "KGM"),
    "1806": ("8", "KGM"),
    "1905": ("15", "KGM"),
    "2009": ("15", "LTR"),
    "2106": ("20", "KGM"),
    "2203": ("0", "LTR"),
    "2204": ("14", "LTR"),
    "2208": ("10", "LTR"),
    "2402": ("25", "H87"),
    "2403": ("57", "KGM"),
    "2709": ("0", "KGM"),
    "2710": ("6", "KGM"),
    "2905": ("5.5", "KGM"),
    "2907": ("5.5", "KGM"),
    "3004": ("3", "KGM"),
    "3304": ("5", "KGM"),
    "3901": ("6.5", "KGM"),
    "3902": ("6.5", "KGM"),
    "3923": ("6.5", "KGM"),
    "4011": ("10", "H87"),
    "4407": ("0", "MTQ"),
    "4802": ("5", "KGM"),
    "5101": ("38", "KGM"),
    "5201": ("40", "KGM"),
    "5208": ("10", "KGM"),
    "6109": ("8", "H87"),
    "6203": ("8", "H87"),
    "6204": ("8", "H87"),
    "6403": ("10", "PR"),
    "6404": ("10", "PR"),
    "7113": ("8", "GRM"),
    "7208": ("3", "KGM"),
    "7218": ("2", "KGM"),
    "7219": ("4", "KGM"),
    "7222": ("4", "KGM"),
    "7306": ("6", "KGM"),
    "7601": ("5", "KGM"),
    "8407": ("5", "H87"),
    "8415": ("10", "H87"),
    "8418": ("8", "H87"),
    "8471": ("0", "H87"),
    "8504": ("5", "H87"),
    "8517": ("0", "H87"),
    "8525": ("3", "H87"),
    "8528": ("15", "H87"),
    "8542": ("0", "H87"),
    "8703": ("15", "H87"),
    "8704": ("15", "H87"),
    "8708": ("6", "KGM"),
    "8711": ("30", "H87"),
    "9018": ("4", "KGM"),
    "9403": ("0", "H87"),
    "9503": ("0", "KGM"),
}

# national line -> (ad valorem, specific, minimum, maximum, unit): specific and compound duties
SPECIAL: dict[str, tuple[str, str, str, str, str]] = {
    "02071400": ("", "1.30", "", "", "KGM"),  # frozen chicken cuts: specific
    "04022100": ("10", "", "1.50", "", "KGM"),  # milk powder: 10 % min 1.50 CNY/kg
    "04021000": ("10", "", "1.20", "", "KGM"),
    "22042110": ("14", "", "2.00", "", "LTR"),  # bottled wine: 14 % min 2 CNY/l
    "22042190": ("14", "", "2.00", "", "LTR"),
    "22030000": ("", "0.60", "", "", "LTR"),  # beer: specific
    "85258900": ("3", "4000", "", "12000", "H87"),  # cameras: compound, max per unit
    "39012000": ("6.5", "", "", "0.80", "KGM"),  # HDPE: 6.5 % max 0.80 CNY/kg
    "64039900": ("10", "3.00", "", "", "PR"),  # footwear: compound
    "24022000": ("25", "", "0.05", "", "H87"),  # cigarettes: 25 % min 0.05 CNY/stick
}

SPLITS = {  # subheading -> ((suffix, qualifier), ...) for 10-digit or multi-line national splits
    "220421": (("10", "of an alcoholic strength of 14 % vol or less"), ("90", "other")),
    "870323": (
        ("10", "cylinder capacity over 1500 cc but not over 2000 cc"),
        ("90", "cylinder capacity over 2000 cc"),
    ),
    "847130": (("10", "weighing not more than 2 kg"), ("90", "other")),
    "100199": (("10", "hard white wheat"), ("90", "other")),
}


def national_lines() -> list[tuple[str, str, str]]:
    subs = sorted(hs_subheadings())
    text = hs_descriptions()
    lines = []
    for heading, (_, unit) in HEADINGS.items():
        for sub in (s for s in subs if s.startswith(heading)):
            if sub in SPLITS:
                for suffix, qualifier in SPLITS[sub]:
                    lines.append((sub + suffix, f"{text[sub]}; {qualifier}", unit))
            else:
                lines.append((sub + "00", text[sub], unit))
    return lines


def mfn_rows(lines: list[tuple[str, str, str]]) -> list[list[str]]:
    rows = []
    for code, _, _ in lines:
        ad_valorem = HEADINGS[code[:4]][0]
        if code in SPECIAL:
            av, sp, mn, mx, u = SPECIAL[code]
            rows.append([f"MFN-{code}", code, av, sp, mn, mx, u, START, ""])
        elif code == "87032310":  # effective-dated: 25 % until mid-2018, 15 % since
            rows.append(
                [f"MFN-{code}-2018", code, "25", "", "", "", "", "2018-01-01", "2018-07-01"]
            )
            rows.append([f"MFN-{code}", code, "15", "", "", "", "", "2018-07-01", ""])
        else:
            rows.append([f"MFN-{code}", code, ad_valorem, "", "", "", "", START, ""])
    return rows


def preference_rows(lines: list[tuple[str, str, str]]) -> list[list[str]]:
    rows = []
    for code, _, _ in lines:
        chapter = int(code[:2])
        mfn = HEADINGS[code[:4]][0]
        if code in SPECIAL or code[:4] in ("1001", "1005", "1006", "1101", "1701", "5101", "5201"):
            continue
        if chapter not in (2, 10, 11, 17, 24) and float(mfn) > 0:
            rows.append([f"ACFTA-{code}", "ACFTA", code, "", "0", "", "", "", "", START, ""])
        if chapter in (3, 8, 22, 29, 39, 40, 84, 85, 87) and float(mfn) > 0:
            half = f"{float(mfn) / 2:g}"
            rows.append([f"RCEP-{code}", "RCEP", code, "JP KR", half, "", "", "", "", START, ""])
    for code in ("02013000", "02023000", "04022100", "22042110", "22042190", "22089000"):
        rows.append([f"CHAFTA-{code}", "CHAFTA", code, "AU", "0", "", "", "", "", START, ""])
    return rows


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


RATE = ["ad_valorem", "specific", "minimum", "maximum", "unit", "valid_from", "valid_to"]


def main() -> None:
    lines = national_lines()
    write(
        "nomenclature.csv",
        ["code", "description", "unit", "valid_from", "valid_to"],
        [[c, d, u, "2018-01-01", ""] for c, d, u in lines],
    )
    write("mfn.csv", ["measure_id", "hs_code", *RATE], mfn_rows(lines))
    write(
        "agreements.csv",
        ["agreement", "name", "members", "valid_from", "valid_to"],
        [
            ["ACFTA", "China-ASEAN Free Trade Area", ASEAN, "2010-01-01", ""],
            [
                "RCEP",
                "Regional Comprehensive Economic Partnership",
                ASEAN + " JP KR AU NZ",
                "2022-01-01",
                "",
            ],
            ["CHAFTA", "China-Australia Free Trade Agreement", "AU", "2015-12-20", ""],
        ],
    )
    write(
        "preferences.csv",
        ["measure_id", "agreement", "hs_code", "origins", *RATE],
        preference_rows(lines),
    )
    r = ["measure_id", "case", "kind", "hs_code", "origin", "producer", *RATE]
    write(
        "remedies.csv",
        r,
        [
            [
                "AD-SS-JP",
                "AD-2019-SS",
                "anti_dumping",
                "7219",
                "JP",
                "",
                "18.1",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "AD-SS-KR-POSCO",
                "AD-2019-SS",
                "anti_dumping",
                "7219",
                "KR",
                "POSCO",
                "23.1",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "AD-SS-KR",
                "AD-2019-SS",
                "anti_dumping",
                "7219",
                "KR",
                "",
                "103.1",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "AD-SS-ID",
                "AD-2019-SS",
                "anti_dumping",
                "7219",
                "ID",
                "",
                "20.2",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "AD-PH-US",
                "AD-2018-PHENOL",
                "anti_dumping",
                "290711",
                "US",
                "",
                "144.2",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "AD-PH-JP-MITSUI",
                "AD-2018-PHENOL",
                "anti_dumping",
                "290711",
                "JP",
                "Mitsui Chemicals",
                "9.7",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "AD-PH-JP",
                "AD-2018-PHENOL",
                "anti_dumping",
                "290711",
                "JP",
                "",
                "22.9",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
            [
                "CVD-NP-US",
                "CVD-2020-NPROPANOL",
                "countervailing",
                "290512",
                "US",
                "",
                "4.2",
                "",
                "",
                "",
                "",
                START,
                "",
            ],
        ],
    )
    q = [
        "quota_id",
        "hs_code",
        "origins",
        "unit",
        "in_ad_valorem",
        "in_specific",
        "out_ad_valorem",
        "out_specific",
        "valid_from",
        "valid_to",
    ]
    write(
        "quotas.csv",
        q,
        [
            ["TRQ-WHEAT", "1001", "", "KGM", "1", "", "65", "", START, ""],
            ["TRQ-WHEAT-FLOUR", "1101", "", "KGM", "6", "", "65", "", START, ""],
            ["TRQ-MAIZE", "1005", "", "KGM", "1", "", "65", "", START, ""],
            ["TRQ-RICE", "1006", "", "KGM", "1", "", "65", "", START, ""],
            ["TRQ-SUGAR", "1701", "", "KGM", "15", "", "50", "", START, ""],
            ["TRQ-WOOL", "5101", "", "KGM", "1", "", "38", "", START, ""],
            ["TRQ-COTTON", "5201", "", "KGM", "1", "", "40", "", START, ""],
        ],
    )
    write(
        "exemptions.csv",
        ["measure_id", "procedure_code", "duty", "taxes", "valid_from", "valid_to"],
        [
            ["EX-TA-5300", "5300", "yes", "yes", "2018-01-01", ""],
            ["EX-IP-5100", "5100", "yes", "yes", "2018-01-01", ""],
            ["EX-REIMPORT-6100", "6100", "yes", "no", "2018-01-01", ""],
        ],
    )
    write(
        "exchange_rates.csv",
        ["currency", "rate", "valid_from", "valid_to", "source"],
        [
            ["USD", "7.1000", "2025-01-01", "2025-02-01", "DEMO forex agency notice 2025-01"],
        ],
    )


if __name__ == "__main__":
    main()
