"""A sealed receipt or release notice as a readable PDF (fpdf2): what the document states,
English labels, a QR code (segno) to the public check of that exact sealed file, and the
sealed file itself attached, so the PDF carries its own proof.

Names in Chinese need a CJK font: Noto Sans CJK (Debian ``fonts-noto-cjk``) when installed,
else characters Helvetica cannot show print as ``?``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF
from fpdf.fonts import FontFace

from .sealed import Sealed

CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"),
)
CJK_SC = 2  # the collection's Simplified Chinese face
TITLES = {"receipt": "E-Port receipt", "release-notice": "E-Port release notice"}
QR_SIZE = 38.0  # mm


@cache
def cjk_font() -> Path | None:
    return next((p for p in CJK_FONTS if p.is_file()), None)


def _latin(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _facts(kind: str, d: dict[str, Any]) -> list[tuple[str, str]]:
    kinds = {"IM": "Import", "EX": "Export"}
    rows = [
        ("Declaration", d.get("declarationId")),
        ("Revision", d.get("revision")),
        ("Type", kinds.get(d.get("declarationType") or "", d.get("declarationType"))),
        ("Trader reference", d.get("traderReference")),
        ("Enterprise", d.get("enterprise")),
    ]
    if kind == "receipt":
        rows += [
            ("Lodged by", d.get("lodgedBy")),
            ("Received at", d.get("receivedAt")),
            ("Size received (bytes)", d.get("size")),
            ("SHA-256 of what was received", d.get("sha256")),
        ]
    else:
        rows += [
            ("Representative", d.get("representative")),
            ("Customs office", d.get("customsOffice")),
            ("Released at", d.get("releasedAt")),
            ("Released by", d.get("releasedBy")),
            ("Releasing agency", d.get("releasingAgency")),
        ]
    rows.append(("Sealed at", d.get("sealedAt")))
    return [(label, "" if value is None else str(value)) for label, value in rows]


class _Pdf(FPDF):
    def __init__(self, text: str) -> None:
        super().__init__(format="A4")
        self._face = "Helvetica"
        font = cjk_font()
        self.fallback = _latin(text) or font is None
        if not self.fallback and font is not None:
            self.add_font("NotoSansCJK", fname=str(font), collection_font_number=CJK_SC)
            self._face = "NotoSansCJK"

    @property
    def bold_face(self) -> bool:
        return self._face == "Helvetica"  # the CJK face is registered in regular only

    def use_font(self, size: float, bold: bool = False) -> None:
        style = "B" if bold and self.bold_face else ""
        self.set_font(self._face, style=style, size=size)

    def clean(self, text: str) -> str:
        if self._face == "Helvetica" and not _latin(text):
            return text.encode("latin-1", errors="replace").decode("latin-1")
        return text


def _qr(pdf: FPDF, url: str, x: float, y: float) -> None:
    """The QR code drawn as filled squares (no image decoding), linked to ``url``."""
    code = segno.make(url, error="m")
    rows = [list(r) for r in code.matrix_iter(border=4)]
    module = QR_SIZE / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
    pdf.link(x, y, QR_SIZE, QR_SIZE, url)


def render(kind: str, sealed: Sealed, url: str, filename: str) -> bytes:
    d = sealed.document
    goods = d.get("goods") or []
    decisions = d.get("decisions") or []
    every_text = " ".join(str(v) for _, v in _facts(kind, d)) + " ".join(
        str(g.get("description") or "") for g in goods
    )
    pdf = _Pdf(every_text)
    pdf.set_title(f"{TITLES[kind]} {d.get('declarationId')}")
    pdf.set_creator("E-Port")
    pdf.add_page()
    width = pdf.epw - QR_SIZE - 6
    _qr(pdf, url, pdf.l_margin + pdf.epw - QR_SIZE, pdf.t_margin)
    pdf.use_font(18, bold=True)
    pdf.multi_cell(width, 9, TITLES[kind], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.use_font(9)
    pdf.multi_cell(
        width,
        5,
        "Sealed by E-Port. Scan the QR code, or open the link below, to check online that "
        "this document was sealed by E-Port and has not been changed.",
        new_x="LMARGIN",
        align="L",
        new_y="NEXT",
    )
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + QR_SIZE) + 4)
    for label, value in _facts(kind, d):
        pdf.use_font(10, bold=True)
        pdf.cell(55, 6, label)
        pdf.use_font(10)
        pdf.multi_cell(0, 6, pdf.clean(value), new_x="LMARGIN", new_y="NEXT", align="L")
    if goods:
        pdf.ln(3)
        pdf.use_font(12, bold=True)
        pdf.cell(0, 8, "Goods", new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.use_font(9)
        headings = FontFace(emphasis="BOLD" if pdf.bold_face else "")
        with pdf.table(
            col_widths=(8, 20, 62, 14, 26, 20), text_align="LEFT", headings_style=headings
        ) as table:
            table.row(["#", "HS code", "Description", "Origin", "Quantity", "Gross mass (kg)"])
            for g in goods:
                table.row(
                    [
                        str(g.get("sequence") or ""),
                        str(g.get("hsCode") or ""),
                        pdf.clean(str(g.get("description") or "")),
                        str(g.get("originCountry") or ""),
                        f"{g.get('quantity') or ''} {g.get('unit') or ''}",
                        str(g.get("grossMass") or ""),
                    ]
                )
    if decisions:
        pdf.ln(3)
        pdf.use_font(12, bold=True)
        pdf.cell(0, 8, "Agencies' decisions", new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.use_font(10)
        for k in decisions:
            line = f"{k.get('agency')}: {k.get('decision') or 'no decision'}"
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)
    pdf.use_font(9)
    pdf.multi_cell(
        0, 5, f"Sealed file SHA-256: {sealed.sha256}", new_x="LMARGIN", new_y="NEXT", align="L"
    )
    pdf.multi_cell(0, 5, "Check it at:", new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(11, 79, 138)
    pdf.multi_cell(0, 5, url, link=url, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(
        0,
        5,
        f"The sealed file itself is attached to this PDF as {filename}: "
        "openssl cms -verify -binary -inform DER -in it -CAfile E-Port's root certificate.",
        new_x="LMARGIN",
        align="L",
        new_y="NEXT",
    )
    pdf.embed_file(bytes=sealed.cms, basename=filename, desc=TITLES[kind])
    return bytes(pdf.output())
