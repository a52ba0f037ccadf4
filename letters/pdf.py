"""The letter as a PDF (WeasyPrint), laid out from its text: the same text gives the same
bytes, so the PDF downloaded after sending is the one that was sent (its hash is recorded)."""

from __future__ import annotations

import logging

# A line per layout step otherwise (from the import on, which parses the UA stylesheets).
for _name in ("weasyprint", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

import weasyprint

from letters.catalogue import Language
from letters.layout import letter_html


def pdf_of(text: str, notice_format: str, language: Language | str) -> bytes:
    html = letter_html(text, notice_format, language)
    document = weasyprint.HTML(string=html).render()
    pdf: bytes = document.write_pdf()
    return pdf
